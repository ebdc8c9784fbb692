/// A horizontal run of cells to send to the terminal: `length` cells of row `row`
/// starting at column `column`, all zero-based.
public struct CellRun: Hashable, Sendable {
  public var row: Int
  public var column: Int
  public var length: Int

  public init(row: Int, column: Int, length: Int) {
    self.row = row
    self.column = column
    self.length = length
  }
}

/// The cells to send so that the screen shows `next`.
public struct FlushPlan: Hashable, Sendable {
  /// True when the screen must be cleared first because the size changed or nothing
  /// was flushed before. `runs` then covers every row.
  public var clearsScreen: Bool
  public var runs: [CellRun]

  /// Number of cells the plan sends.
  public var cellCount: Int { runs.reduce(0) { $0 + $1.length } }

  /// Compares two screens and returns the runs of changed cells, one run per
  /// maximal stretch of changed cells in a row. Without a `previous` screen of the
  /// same size, the plan clears the screen and sends every row as one run.
  ///
  /// Cells are compared with `==`, so the cell type must include everything drawn:
  /// the character and the resolved style.
  public static func between<Cell: Equatable>(
    previous: ScreenSnapshot<Cell>?, next: ScreenSnapshot<Cell>
  ) -> FlushPlan {
    let width = next.width
    let height = next.height
    guard let previous, previous.width == width, previous.height == height else {
      let rows = width > 0 ? (0..<height).map { CellRun(row: $0, column: 0, length: width) } : []
      return FlushPlan(clearsScreen: true, runs: rows)
    }

    var runs: [CellRun] = []
    for row in 0..<height {
      let rowStart = row * width
      var runStart: Int?
      for column in 0..<width {
        let changed = previous.cells[rowStart + column] != next.cells[rowStart + column]
        if changed, runStart == nil {
          runStart = column
        } else if !changed, let start = runStart {
          runs.append(CellRun(row: row, column: start, length: column - start))
          runStart = nil
        }
      }
      if let start = runStart {
        runs.append(CellRun(row: row, column: start, length: width - start))
      }
    }
    return FlushPlan(clearsScreen: false, runs: runs)
  }
}

/// The cells of a whole screen in row-major order.
public struct ScreenSnapshot<Cell: Equatable>: Equatable {
  public let width: Int
  public let height: Int
  public let cells: [Cell]

  /// Creates a snapshot. `cells` must contain `width * height` cells, row by row.
  public init(width: Int, height: Int, cells: [Cell]) {
    precondition(width >= 0 && height >= 0, "invalid screen size \(width)x\(height)")
    precondition(cells.count == width * height, "\(cells.count) cells for \(width)x\(height)")
    self.width = width
    self.height = height
    self.cells = cells
  }

  public subscript(row: Int, column: Int) -> Cell {
    cells[row * width + column]
  }
}

extension ScreenSnapshot: Sendable where Cell: Sendable {}
