import Testing

@testable import LeptonTUI

@Suite struct FlushPlanTests {
  /// A screen whose cells are the characters of `rows`, which must have equal lengths.
  private func screen(_ rows: [String]) -> ScreenSnapshot<Character> {
    let width = rows.first?.count ?? 0
    return ScreenSnapshot(width: width, height: rows.count, cells: rows.flatMap { Array($0) })
  }

  @Test func firstFlushSendsEveryRow() {
    let plan = FlushPlan.between(previous: nil, next: screen(["abc", "def"]))

    #expect(plan.clearsScreen)
    #expect(
      plan.runs == [
        CellRun(row: 0, column: 0, length: 3), CellRun(row: 1, column: 0, length: 3),
      ])
    #expect(plan.cellCount == 6)
  }

  @Test func identicalScreensSendNothing() {
    let plan = FlushPlan.between(previous: screen(["abc", "def"]), next: screen(["abc", "def"]))

    #expect(!plan.clearsScreen)
    #expect(plan.runs.isEmpty)
  }

  @Test func singleChangedCell() {
    let plan = FlushPlan.between(previous: screen(["abc", "def"]), next: screen(["abc", "dXf"]))

    #expect(plan.runs == [CellRun(row: 1, column: 1, length: 1)])
  }

  @Test func adjacentChangesFormOneRun() {
    let plan = FlushPlan.between(previous: screen(["abcdef"]), next: screen(["aXYZef"]))

    #expect(plan.runs == [CellRun(row: 0, column: 1, length: 3)])
  }

  @Test func separateChangesFormSeparateRuns() {
    let plan = FlushPlan.between(previous: screen(["abcdef"]), next: screen(["Xbcd.."]))

    #expect(
      plan.runs == [
        CellRun(row: 0, column: 0, length: 1), CellRun(row: 0, column: 4, length: 2),
      ])
  }

  @Test func runsNeverCrossRows() {
    let plan = FlushPlan.between(previous: screen(["abc", "def"]), next: screen(["abX", "Xef"]))

    #expect(
      plan.runs == [
        CellRun(row: 0, column: 2, length: 1), CellRun(row: 1, column: 0, length: 1),
      ])
  }

  @Test func sizeChangeRedrawsEverything() {
    let previous = screen(["abc", "def"])
    let next = screen(["ab", "cd", "ef"])

    let plan = FlushPlan.between(previous: previous, next: next)

    #expect(plan.clearsScreen)
    #expect(plan.runs.count == 3)
    #expect(plan.runs.allSatisfy { $0.column == 0 })
    #expect(plan.runs.allSatisfy { $0.length == 2 })
  }

  @Test func emptyScreenSendsNothing() {
    let empty = ScreenSnapshot<Character>(width: 0, height: 0, cells: [])

    let plan = FlushPlan.between(previous: nil, next: empty)

    #expect(plan.runs.isEmpty)
  }

  @Test func styleChangeCountsAsChange() {
    let red = DrawnCell(character: "x", style: ResolvedStyle(foreground: .indexed(1)))
    let blue = DrawnCell(character: "x", style: ResolvedStyle(foreground: .indexed(4)))
    let previous = ScreenSnapshot(width: 2, height: 1, cells: [red, red])
    let next = ScreenSnapshot(width: 2, height: 1, cells: [red, blue])

    let plan = FlushPlan.between(previous: previous, next: next)

    #expect(plan.runs == [CellRun(row: 0, column: 1, length: 1)])
  }

  @Test func runsCoverExactlyTheChangedCells() {
    // A pseudo-random pattern of changes over a screen the size of the dashboard.
    let width = 100
    let height = 30
    let previous = ScreenSnapshot(
      width: width, height: height, cells: Array(repeating: 0, count: width * height))
    var cells = previous.cells
    var state: UInt64 = 42
    for index in cells.indices {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      if state >> 61 == 0 { cells[index] = 1 }
    }
    let next = ScreenSnapshot(width: width, height: height, cells: cells)

    let plan = FlushPlan.between(previous: previous, next: next)

    var covered = Array(repeating: false, count: width * height)
    for run in plan.runs {
      for column in run.column..<(run.column + run.length) {
        #expect(!covered[run.row * width + column], "cell sent twice")
        covered[run.row * width + column] = true
      }
    }
    for index in cells.indices {
      #expect(covered[index] == (cells[index] == 1), "cell \(index) coverage is wrong")
    }
  }
}

@Suite struct CellTextTests {
  @Test func asciiPassesThrough() {
    #expect(Terminal.wideCharacters(for: "a", allowNonASCII: true) == [97, 0])
    #expect(Terminal.wideCharacters(for: "a", allowNonASCII: false) == [97, 0])
  }

  @Test func controlCharactersBecomeSpaces() {
    #expect(Terminal.wideCharacters(for: "\u{1B}", allowNonASCII: true) == [32, 0])
    #expect(Terminal.wideCharacters(for: "\t", allowNonASCII: true) == [32, 0])
  }

  @Test func nonASCIIWithoutUTF8BecomesQuestionMark() {
    #expect(Terminal.wideCharacters(for: "█", allowNonASCII: false) == [63, 0])
  }

  @Test func combiningMarkIsKept() {
    let text = Terminal.wideCharacters(for: "e\u{301}", allowNonASCII: true)
    #expect(text == [0x65, 0x301, 0])
  }

  @Test func clippingPadsAndCuts() {
    let cell = DrawnCell(character: "x", style: ResolvedStyle())
    let snapshot = ScreenSnapshot(width: 3, height: 2, cells: Array(repeating: cell, count: 6))

    let clipped = Terminal.clipped(snapshot, width: 2, height: 3)

    #expect(clipped.width == 2)
    #expect(clipped.height == 3)
    #expect(clipped.cells.map(\.character) == ["x", "x", "x", "x", " ", " "])
  }
}
