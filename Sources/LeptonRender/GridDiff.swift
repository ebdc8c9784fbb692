/// One cell that differs between two frames.
public struct CellChange: Hashable, Sendable {
  public var x: Int
  public var y: Int
  public var cell: Cell

  public init(x: Int, y: Int, cell: Cell) {
    self.x = x
    self.y = y
    self.cell = cell
  }
}

extension Grid {
  /// Returns the indices of rows that differ from the same rows of `previous`. Every row
  /// counts as changed when there is no previous frame or its size differs.
  public func changedRows(since previous: Grid?) -> [Int] {
    guard let previous, previous.width == width, previous.height == height else {
      return Array(0..<height)
    }
    return (0..<height).filter { row($0) != previous.row($0) }
  }

  /// Returns the cells that differ from `previous`, in row-major order, so that a front
  /// end can redraw only those. Every cell counts as changed when there is no
  /// previous frame or its size differs.
  public func changedCells(since previous: Grid?) -> [CellChange] {
    var changes: [CellChange] = []
    let sameSize = previous.map { $0.width == width && $0.height == height } ?? false
    for y in changedRows(since: previous) {
      for x in 0..<width {
        let index = y * width + x
        let cell = cells[index]
        if sameSize, let previous, previous.cells[index] == cell { continue }
        changes.append(CellChange(x: x, y: y, cell: cell))
      }
    }
    return changes
  }
}
