/// A drawing surface with 2 x 4 dots per cell. In Unicode it draws each cell as a
/// braille character, whose eight dots map one-to-one. In ASCII it draws each
/// touched cell as one of `'`, `-`, `.` or `|` by where its dots lie, so lines
/// keep their shape at a quarter of the vertical detail.
///
/// Each cell also takes the colour role of the last series that touched it, and
/// may carry a marker character that is drawn instead of its dots.
public struct BrailleCanvas: Sendable {
  /// Size in cells.
  public let columns: Int
  public let rows: Int
  private var masks: [UInt8]
  private var roles: [ColorRole]
  private var markers: [Character?]

  public static let dotsPerColumn = 2
  public static let dotsPerRow = 4

  public init(columns: Int, rows: Int) {
    self.columns = max(0, columns)
    self.rows = max(0, rows)
    let count = self.columns * self.rows
    masks = Array(repeating: 0, count: count)
    roles = Array(repeating: .text, count: count)
    markers = Array(repeating: nil, count: count)
  }

  /// Width in dots.
  public var dotWidth: Int { columns * Self.dotsPerColumn }
  /// Height in dots, counted from the top.
  public var dotHeight: Int { rows * Self.dotsPerRow }

  /// Returns whether any dot or marker lies in the cell at (`column`, `row`).
  public func isSet(column: Int, row: Int) -> Bool {
    guard column >= 0, column < columns, row >= 0, row < rows else { return false }
    let index = row * columns + column
    return masks[index] != 0 || markers[index] != nil
  }

  /// Returns the dot bits of one cell in braille order, for tests.
  public func mask(column: Int, row: Int) -> UInt8 {
    guard column >= 0, column < columns, row >= 0, row < rows else { return 0 }
    return masks[row * columns + column]
  }

  /// Sets the dot at (`x`, `y`); dots outside the canvas are ignored.
  public mutating func setDot(x: Int, y: Int, role: ColorRole) {
    guard x >= 0, x < dotWidth, y >= 0, y < dotHeight else { return }
    let index = (y / Self.dotsPerRow) * columns + x / Self.dotsPerColumn
    masks[index] |= Self.brailleBit(x: x % Self.dotsPerColumn, y: y % Self.dotsPerRow)
    roles[index] = role
  }

  /// Draws a straight line of dots between two dot positions, both ends included.
  /// Parts outside the canvas are skipped. A `step` above 1 sets only every
  /// `step`-th dot, which draws a dotted line.
  public mutating func drawLine(
    from start: (x: Int, y: Int), to end: (x: Int, y: Int), role: ColorRole, every step: Int = 1
  ) {
    // Bresenham's algorithm, stepping one dot at a time along the major axis.
    var x = start.x
    var y = start.y
    let dx = abs(end.x - x)
    let dy = -abs(end.y - y)
    let stepX = x < end.x ? 1 : -1
    let stepY = y < end.y ? 1 : -1
    var error = dx + dy
    var index = 0
    let stride = max(1, step)
    while true {
      if index % stride == 0 { setDot(x: x, y: y, role: role) }
      index += 1
      if x == end.x && y == end.y { break }
      let doubled = 2 * error
      if doubled >= dy {
        error += dy
        x += stepX
      }
      if doubled <= dx {
        error += dx
        y += stepY
      }
    }
  }

  /// Places a marker character over the cell that contains dot (`x`, `y`).
  public mutating func mark(dotX x: Int, dotY y: Int, character: Character, role: ColorRole) {
    guard x >= 0, x < dotWidth, y >= 0, y < dotHeight else { return }
    let index = (y / Self.dotsPerRow) * columns + x / Self.dotsPerColumn
    markers[index] = character
    roles[index] = role
  }

  /// Copies the canvas onto `grid` with its top left cell at (`x`, `y`). Empty
  /// cells are left untouched, so text drawn earlier stays visible behind the plot.
  public func draw(into grid: inout Grid, x: Int, y: Int, glyphs: GlyphSet, clip: Rect? = nil) {
    for row in 0..<rows {
      for column in 0..<columns {
        let index = row * columns + column
        let character: Character
        if let marker = markers[index] {
          character = marker
        } else if masks[index] != 0 {
          character = glyphs.unicode ? Self.braille(masks[index]) : Self.ascii(masks[index])
        } else {
          continue
        }
        let cell = Cell(character, style: Style(foreground: roles[index]))
        grid.set(cell, x: x + column, y: y + row, clip: clip)
      }
    }
  }

  /// Returns the bit of a dot inside one cell, in the Unicode braille pattern order:
  /// dots 1-2-3 and 4-5-6 run down the left and right columns, dots 7 and 8 sit
  /// on the bottom row.
  static func brailleBit(x: Int, y: Int) -> UInt8 {
    switch (x, y) {
    case (0, 3): return 0x40
    case (1, 3): return 0x80
    case (0, _): return UInt8(1) << UInt8(y)
    default: return UInt8(0x08) << UInt8(y)
    }
  }

  static func braille(_ mask: UInt8) -> Character {
    let scalar = Unicode.Scalar(0x2800 + UInt32(mask)) ?? " "
    return Character(scalar)
  }

  /// Picks an ASCII character from the rows that contain dots: a tall run draws a
  /// bar, otherwise the mean row chooses a high, middle or low mark.
  static func ascii(_ mask: UInt8) -> Character {
    var setRows: [Int] = []
    for row in 0..<dotsPerRow {
      let bits = brailleBit(x: 0, y: row) | brailleBit(x: 1, y: row)
      if mask & bits != 0 { setRows.append(row) }
    }
    guard let first = setRows.first, let last = setRows.last else { return " " }
    if last - first >= 3 { return "|" }
    let mean = Double(setRows.reduce(0, +)) / Double(setRows.count)
    if mean < 1 { return "'" }
    if mean < 2 { return "-" }
    return "."
  }
}
