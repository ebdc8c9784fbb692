import LeptonRender

/// The "press q to quit" note on the status line after training ends, because the
/// dashboard then stays open until the user leaves.
enum QuitHint {
  static let text = "press q to quit"

  /// Writes `text` on the last row, just before the `? help` hint, when the cells there
  /// are blank. Leaves the grid unchanged when the status line already mentions `q`,
  /// has no help hint, or lacks room.
  static func add(to grid: inout Grid) {
    guard grid.height > 0 else { return }
    let row = grid.height - 1
    let line = String(grid.row(row).map(\.character))
    guard !line.contains(text), let help = line.range(of: "? help") else { return }

    let helpColumn = line.distance(from: line.startIndex, to: help.lowerBound)
    let padded = text + "   "
    let start = helpColumn - padded.count
    // Keep one blank cell before the note, so it does not touch the text before it.
    guard start > 0 else { return }
    for column in (start - 1)..<helpColumn where grid[column, row]?.character != " " {
      return
    }
    let style = grid[helpColumn, row]?.style ?? .plain
    grid.write(text, x: start, y: row, style: style)
  }
}
