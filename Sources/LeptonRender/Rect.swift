/// An axis-aligned area of the grid in cell coordinates, origin at the top left.
/// Negative sizes are stored as zero.
public struct Rect: Hashable, Sendable {
  public var x: Int
  public var y: Int
  public var width: Int
  public var height: Int

  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = max(0, width)
    self.height = max(0, height)
  }

  public static let zero = Rect(x: 0, y: 0, width: 0, height: 0)

  public var isEmpty: Bool { width == 0 || height == 0 }
  public var maxX: Int { x + width }
  public var maxY: Int { y + height }

  public func contains(x column: Int, y row: Int) -> Bool {
    column >= x && column < maxX && row >= y && row < maxY
  }

  /// Returns the overlap of two rectangles, or an empty rectangle at `x`, `y` when they do not overlap.
  public func intersection(_ other: Rect) -> Rect {
    let left = max(x, other.x)
    let top = max(y, other.y)
    let right = min(maxX, other.maxX)
    let bottom = min(maxY, other.maxY)
    return Rect(x: left, y: top, width: right - left, height: bottom - top)
  }

  /// Returns the rectangle shrunk by `amount` cells on every side.
  public func inset(by amount: Int) -> Rect {
    Rect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
  }

  /// Splits off the top `rows` rows, returning the top part and the rest.
  public func splitTop(_ rows: Int) -> (top: Rect, rest: Rect) {
    let taken = min(max(0, rows), height)
    let top = Rect(x: x, y: y, width: width, height: taken)
    let rest = Rect(x: x, y: y + taken, width: width, height: height - taken)
    return (top, rest)
  }

  /// Splits off the bottom `rows` rows, returning the rest and the bottom part.
  public func splitBottom(_ rows: Int) -> (rest: Rect, bottom: Rect) {
    let taken = min(max(0, rows), height)
    let rest = Rect(x: x, y: y, width: width, height: height - taken)
    let bottom = Rect(x: x, y: maxY - taken, width: width, height: taken)
    return (rest, bottom)
  }

  /// Splits off the left `columns` columns, returning the left part and the rest.
  public func splitLeft(_ columns: Int) -> (left: Rect, rest: Rect) {
    let taken = min(max(0, columns), width)
    let left = Rect(x: x, y: y, width: taken, height: height)
    let rest = Rect(x: x + taken, y: y, width: width - taken, height: height)
    return (left, rest)
  }

  /// Splits off the right `columns` columns, returning the rest and the right part.
  public func splitRight(_ columns: Int) -> (rest: Rect, right: Rect) {
    let taken = min(max(0, columns), width)
    let rest = Rect(x: x, y: y, width: width - taken, height: height)
    let right = Rect(x: maxX - taken, y: y, width: taken, height: height)
    return (rest, right)
  }

  /// Divides the width into `count` columns whose widths differ by at most one.
  public func columns(_ count: Int) -> [Rect] {
    guard count > 0 else { return [] }
    let sizes = Layout.distribute(width, into: count)
    var offset = 0
    var result: [Rect] = []
    for size in sizes {
      result.append(Rect(x: x + offset, y: y, width: size, height: height))
      offset += size
    }
    return result
  }

  /// Divides the height into `count` rows whose heights differ by at most one.
  public func rows(_ count: Int) -> [Rect] {
    guard count > 0 else { return [] }
    let sizes = Layout.distribute(height, into: count)
    var offset = 0
    var result: [Rect] = []
    for size in sizes {
      result.append(Rect(x: x, y: y + offset, width: width, height: size))
      offset += size
    }
    return result
  }

  /// Returns a rectangle of at most the given size centred in this one.
  public func centered(width requestedWidth: Int, height requestedHeight: Int) -> Rect {
    let w = min(max(0, requestedWidth), width)
    let h = min(max(0, requestedHeight), height)
    return Rect(x: x + (width - w) / 2, y: y + (height - h) / 2, width: w, height: h)
  }
}

/// Helpers that size layout parts before anything is drawn.
public enum Layout {
  /// Splits `total` into `count` non-negative parts that differ by at most one,
  /// larger parts first.
  public static func distribute(_ total: Int, into count: Int) -> [Int] {
    guard count > 0 else { return [] }
    let available = max(0, total)
    let base = available / count
    let remainder = available % count
    return (0..<count).map { $0 < remainder ? base + 1 : base }
  }

  /// Clamps `value` into `lower...upper`, preferring `lower` when the range is empty.
  public static func clamp(_ value: Int, _ lower: Int, _ upper: Int) -> Int {
    max(lower, min(value, upper))
  }
}
