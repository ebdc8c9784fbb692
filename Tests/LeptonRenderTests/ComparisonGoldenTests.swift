import Testing

@testable import LeptonRender

/// Golden renderings of the five comparison views, and sizes from 1x1 to 300x100.
@Suite struct ComparisonGoldenTests {
  static let sizes = [("Wide", 140, 40), ("Narrow", 80, 24)]

  @Test(arguments: ComparisonTab.allCases, [true, false])
  func twoRuns(tab: ComparisonTab, unicode: Bool) throws {
    for (label, width, height) in Self.sizes {
      var state = FakeComparison.state(runCount: 2)
      state.tab = tab
      let grid = ComparisonScreen.render(
        state: state, width: width, height: height, glyphs: GlyphSet(unicode: unicode))
      try expectGolden(
        grid.lines(), named: "Compare2\(tab.shortName)\(label)\(unicode ? "Unicode" : "ASCII")")
    }
  }

  @Test(arguments: ComparisonTab.allCases)
  func threeRuns(tab: ComparisonTab) throws {
    var state = FakeComparison.state(runCount: 3)
    state.tab = tab
    state.cycleComparedRun()
    state.changeClass(by: 6)
    let wide = ComparisonScreen.render(state: state, width: 140, height: 40, glyphs: .unicodeSet)
    try expectGolden(wide.lines(), named: "Compare3\(tab.shortName)WideUnicode")
    let narrow = ComparisonScreen.render(state: state, width: 80, height: 24, glyphs: .asciiSet)
    try expectGolden(narrow.lines(), named: "Compare3\(tab.shortName)NarrowASCII")
  }

  @Test func twoRunsShowIdsAndMatrixTitle() {
    var state = FakeComparison.state(runCount: 2)
    state.tab = .confusion
    let lines = ComparisonScreen.render(state: state, width: 140, height: 40, glyphs: .unicodeSet)
      .lines()
    #expect(lines[0].contains("A 20250114-093012-fmnist-cnn"))
    #expect(lines[0].contains("B 20250115-101500-fmnist-wide"))
    #expect(lines.contains { $0.contains("Confusion matrix B - A (counts)") })
  }

  @Test func stepCurvesWithLogScaleAndHelp() throws {
    var state = FakeComparison.state(runCount: 2)
    state.selectMetric(.trainLossByStep)
    state.toggleAxis()
    state.toggleLogScale()
    #expect(state.logScale)
    state.helpVisible = true
    let grid = ComparisonScreen.render(state: state, width: 100, height: 30, glyphs: .unicodeSet)
    let lines = grid.lines()
    try expectGolden(lines, named: "Compare2StepLogHelp")
    #expect(lines.contains { $0.contains("curves: log y scale on or off") })
  }

  @Test func normalizedMatrixDifference() throws {
    var state = FakeComparison.state(runCount: 2)
    state.tab = .confusion
    state.matrixNormalized = true
    let grid = ComparisonScreen.render(state: state, width: 120, height: 32, glyphs: .unicodeSet)
    try expectGolden(grid.lines(), named: "Compare2MatrixRates")
  }

  @Test func tinyAndHugeSizesKeepShape() {
    let sizes = [(1, 1), (0, 0), (10, 3), (39, 10), (40, 9), (40, 10), (52, 14), (300, 100)]
    for tab in ComparisonTab.allCases {
      for runCount in [2, 3] {
        var state = FakeComparison.state(runCount: runCount)
        state.tab = tab
        state.helpVisible = tab == .roc
        for (width, height) in sizes {
          let lines = ComparisonScreen.render(
            state: state, width: width, height: height, glyphs: .asciiSet
          ).lines()
          #expect(lines.count == height, "\(tab) \(width)x\(height)")
          #expect(lines.allSatisfy { $0.count == width }, "\(tab) \(width)x\(height)")
        }
      }
    }
  }

  @Test func belowMinimumNamesComparisonSize() {
    let lines = ComparisonScreen.render(
      state: FakeComparison.state(runCount: 2), width: 60, height: 9, glyphs: .unicodeSet
    ).lines()
    #expect(lines[4].contains("terminal too small: needs 40x10, have 60x9"))
  }

  @Test func emptyStateDrawsPlaceholders() {
    for tab in ComparisonTab.allCases {
      var state = ComparisonState(runIDs: ["first", "second"])
      state.tab = tab
      let lines = ComparisonScreen.render(state: state, width: 80, height: 24, glyphs: .unicodeSet)
        .lines()
      #expect(lines[0].contains("A first"), "\(tab)")
      #expect(lines.count == 24)
    }
  }
}

extension ComparisonTab {
  /// The golden file name part of the view.
  var shortName: String {
    switch self {
    case .curves: return "Curves"
    case .metrics: return "Metrics"
    case .perClass: return "PerClass"
    case .confusion: return "Matrix"
    case .roc: return "ROC"
    }
  }
}
