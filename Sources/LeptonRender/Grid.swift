/// A rectangle of styled cells that a terminal front end copies to the screen.
/// Every write is clipped to the grid, so drawing outside it is ignored rather
/// than an error, and a grid of width or height zero is valid.
public struct Grid: Hashable, Sendable {
  public let width: Int
  public let height: Int
  /// Row-major cells, `width * height` of them.
  public private(set) var cells: [Cell]

  /// Creates a grid filled with `fill`. Negative sizes count as zero.
  public init(width: Int, height: Int, fill: Cell = .blank) {
    self.width = max(0, width)
    self.height = max(0, height)
    self.cells = Array(repeating: fill, count: self.width * self.height)
  }

  /// The whole grid as a rectangle at the origin.
  public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

  /// Accesses the cell at a position, or nil outside the grid.
  public subscript(x: Int, y: Int) -> Cell? {
    guard x >= 0, x < width, y >= 0, y < height else { return nil }
    return cells[y * width + x]
  }

  /// Returns the cells of one row, or an empty slice for a row outside the grid.
  public func row(_ y: Int) -> ArraySlice<Cell> {
    guard y >= 0, y < height else { return [] }
    return cells[(y * width)..<((y + 1) * width)]
  }

  /// Sets one cell when the position lies inside the grid and inside `clip`.
  public mutating func set(_ cell: Cell, x: Int, y: Int, clip: Rect? = nil) {
    guard x >= 0, x < width, y >= 0, y < height else { return }
    if let clip, !clip.contains(x: x, y: y) { return }
    cells[y * width + x] = cell
  }

  /// Changes the style of one cell but keeps its character.
  public mutating func setStyle(_ style: Style, x: Int, y: Int, clip: Rect? = nil) {
    guard let cell = self[x, y] else { return }
    set(Cell(cell.character, style: style), x: x, y: y, clip: clip)
  }

  /// Writes `text` from left to right starting at (`x`, `y`), one column per
  /// character, and returns the column after the last character. Characters
  /// outside the grid or outside `clip` are skipped. Control characters are
  /// written as spaces so that they cannot move the terminal cursor.
  /// NOTE: characters that a terminal shows two columns wide (such as CJK text)
  /// still take one cell here, so such text would misalign the row on screen.
  @discardableResult
  public mutating func write(
    _ text: String, x: Int, y: Int, style: Style = .plain, clip: Rect? = nil
  ) -> Int {
    var column = x
    guard y >= 0, y < height else { return x + text.count }
    for character in text {
      let printable: Character = Grid.isControl(character) ? " " : character
      set(Cell(printable, style: style), x: column, y: y, clip: clip)
      column += 1
    }
    return column
  }

  /// Fills a rectangle, clipped to the grid, with one cell.
  public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
    let area = rect.intersection(bounds)
    guard !area.isEmpty else { return }
    for row in area.y..<area.maxY {
      for column in area.x..<area.maxX {
        cells[row * width + column] = cell
      }
    }
  }

  /// Changes the style of every cell in a rectangle but keeps the characters.
  public mutating func restyle(_ rect: Rect, style: Style) {
    let area = rect.intersection(bounds)
    guard !area.isEmpty else { return }
    for row in area.y..<area.maxY {
      for column in area.x..<area.maxX {
        cells[row * width + column].style = style
      }
    }
  }

  /// Copies another grid onto this one with its top left corner at (`x`, `y`).
  public mutating func paste(_ other: Grid, x: Int, y: Int) {
    for row in 0..<other.height {
      for column in 0..<other.width {
        if let cell = other[column, row] {
          set(cell, x: x + column, y: y + row)
        }
      }
    }
  }

  /// Returns the characters of each row, without styles, for tests and plain-text output.
  /// Trailing spaces are kept so that every line is `width` characters long.
  public func lines() -> [String] {
    (0..<height).map { y in String(row(y).map(\.character)) }
  }

  private static func isControl(_ character: Character) -> Bool {
    character.unicodeScalars.contains { scalar in
      scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value < 0xA0)
    }
  }
}
