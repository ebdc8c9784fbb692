import LeptonRender
import Testing

@testable import LeptonTUI

@Suite struct QuitHintTests {
  private func statusGrid(_ line: String) -> Grid {
    var grid = Grid(width: line.count, height: 2)
    grid.write(line, x: 0, y: 1, style: Style(foreground: .muted))
    return grid
  }

  @Test func hintGoesBeforeHelp() {
    var grid = statusGrid(" FINISHED  100%                              ? help ")

    QuitHint.add(to: &grid)

    let line = grid.lines()[1]
    #expect(line.contains("press q to quit   ? help "))
    #expect(line.hasPrefix(" FINISHED  100%"))
  }

  @Test func hintKeepsHelpStyle() throws {
    var grid = statusGrid(" FINISHED                                    ? help ")

    QuitHint.add(to: &grid)

    let start = try #require(grid.lines()[1].range(of: "press"))
    let column = grid.lines()[1].distance(from: grid.lines()[1].startIndex, to: start.lowerBound)
    #expect(grid[column, 1]?.style == Style(foreground: .muted))
  }

  @Test func noRoomLeavesGridUnchanged() {
    let original = statusGrid(" FINISHED  epoch 3/3  step 10/10  ? help ")
    var grid = original

    QuitHint.add(to: &grid)

    #expect(grid == original)
  }

  @Test func noHelpHintLeavesGridUnchanged() {
    let original = statusGrid("terminal too small: needs 100x30, have 80x24")
    var grid = original

    QuitHint.add(to: &grid)

    #expect(grid == original)
  }

  @Test func existingHintIsNotRepeated() {
    let original = statusGrid(" FINISHED  press q to quit                   ? help ")
    var grid = original

    QuitHint.add(to: &grid)

    #expect(grid == original)
  }
}
