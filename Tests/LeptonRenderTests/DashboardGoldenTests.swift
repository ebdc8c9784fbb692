import LeptonEngine
import Testing

@testable import LeptonRender

/// Golden renderings of the whole dashboard at the minimum and a large size.
@Suite struct DashboardGoldenTests {
  @Test(arguments: [(100, 30), (160, 48)], [true, false])
  func midRun(size: (Int, Int), unicode: Bool) throws {
    let grid = DashboardView.render(
      state: FakeRun.midRunState(), width: size.0, height: size.1,
      glyphs: GlyphSet(unicode: unicode))
    let name = "Dashboard\(size.0)x\(size.1)\(unicode ? "Unicode" : "ASCII")"
    try expectGolden(grid.lines(), named: name)
    #expect(grid.width == size.0)
    #expect(grid.height == size.1)
  }

  @Test func finishedWithHelpAndPercentages() throws {
    var state = DashboardState()
    for event in FakeRun.events(finishedEpochs: 10, extraSteps: 0) {
      state.apply(event)
    }
    state.apply(.runFinished(RunSummary(completedEpochs: 10, finalTest: nil, totalSeconds: 146)))
    state.helpVisible = true
    state.matrixNormalized = true
    state.smoothingEnabled = false
    state.focusedPanel = .confusion
    let grid = DashboardView.render(state: state, width: 120, height: 36, glyphs: .unicodeSet)
    try expectGolden(grid.lines(), named: "DashboardFinishedHelp")
  }

  @Test func perClassTableReplacesMatrixAndROC() throws {
    var state = FakeRun.midRunState()
    state.perClassVisible = true
    let grid = DashboardView.render(state: state, width: 120, height: 36, glyphs: .unicodeSet)
    let lines = grid.lines()
    try expectGolden(lines, named: "DashboardPerClass")
    #expect(lines.contains { $0.contains("Per-class test metrics") })
    #expect(!lines.contains { $0.contains("Confusion matrix") })
    #expect(!lines.contains { $0.contains("ROC one-vs-rest") })
  }

  @Test func titleShowsValidationAndAugmentation() {
    var config = FakeRun.config
    config.trainCount = 54000
    config.validationCount = 6000
    config.validationSplit = 0.1
    config.augmentation = "crop4,flip"
    var state = DashboardState()
    state.apply(.runStarted(config))
    let title = DashboardView.render(state: state, width: 200, height: 48, glyphs: .asciiSet)
      .lines()[0]
    #expect(title.contains("| 54000 train / 6000 val / 10000 test |"))
    #expect(title.contains("| augment crop4,flip"))
  }

  @Test func waitingForRun() throws {
    let grid = DashboardView.render(
      state: DashboardState(), width: 100, height: 30, glyphs: .unicodeSet)
    try expectGolden(grid.lines(), named: "DashboardWaiting")
  }

  @Test func belowMinimumShowsMessage() throws {
    let grid = DashboardView.render(
      state: FakeRun.midRunState(), width: 99, height: 29, glyphs: .unicodeSet)
    try expectGolden(grid.lines(), named: "Dashboard99x29")
    #expect(grid.lines()[14].contains("terminal too small: needs 100x30, have 99x29"))
  }

  @Test(arguments: [(0, 0), (1, 1), (10, 3), (100, 29), (99, 30)])
  func tinySizes(size: (Int, Int)) throws {
    let grid = DashboardView.render(
      state: FakeRun.midRunState(), width: size.0, height: size.1, glyphs: .unicodeSet)
    let lines = grid.lines()
    #expect(lines.count == size.1)
    #expect(lines.allSatisfy { $0.count == size.0 })
    try expectGolden(lines, named: "Dashboard\(size.0)x\(size.1)")
  }

  @Test func focusedPanelBorderIsHighlighted() {
    var state = FakeRun.midRunState()
    state.focusedPanel = .roc
    let layout = DashboardLayout.make(width: 100, height: 30)
    let grid = DashboardView.render(state: state, width: 100, height: 30, glyphs: .unicodeSet)
    let roc = grid[layout.roc.x, layout.roc.y]
    let matrix = grid[layout.confusionMatrix.x, layout.confusionMatrix.y]
    #expect(roc?.style.foreground == .focusedBorder)
    #expect(matrix?.style.foreground == .border)
  }

  @Test(arguments: [(100, 30), (160, 48), (250, 70)])
  func layoutTilesScreen(size: (Int, Int)) {
    let layout = DashboardLayout.make(width: size.0, height: size.1)
    let panels = [
      layout.titleBar, layout.lossChart, layout.accuracyChart, layout.epochTable,
      layout.confusionMatrix, layout.roc, layout.statusLine,
    ]
    let area = panels.reduce(0) { $0 + $1.width * $1.height }
    #expect(area == size.0 * size.1)
    #expect(layout.confusionMatrix.height >= 13)
    #expect(layout.epochTable.height >= 6)
    for (index, panel) in panels.enumerated() {
      for other in panels[(index + 1)...] {
        #expect(panel.intersection(other).isEmpty)
      }
    }
  }
}
