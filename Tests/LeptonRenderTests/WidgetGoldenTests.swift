import Foundation
import LeptonEngine
import LeptonMetrics
import Testing

@testable import LeptonRender

/// Golden renderings of each widget on its own, in both glyph sets.
@Suite struct WidgetGoldenTests {
  static let glyphSets: [(name: String, glyphs: GlyphSet)] = [
    ("Unicode", .unicodeSet), ("ASCII", .asciiSet),
  ]

  func render(
    width: Int, height: Int, _ draw: (inout Grid, Rect) -> Void
  ) -> [String] {
    var grid = Grid(width: width, height: height)
    draw(&grid, grid.bounds)
    return grid.lines()
  }

  @Test(arguments: glyphSets.map(\.name))
  func lossChart(glyphSetName: String) throws {
    let glyphs = try #require(Self.glyphSets.first { $0.name == glyphSetName }?.glyphs)
    let state = FakeRun.midRunState()
    let chart = LineChart(
      series: DashboardView.curveSeries(
        raw: state.trainLoss, smoothed: state.smoothedLoss, test: state.testLoss, smoothing: true),
      xLabel: "step")
    let lines = render(width: 60, height: 14) { grid, rect in
      chart.draw(in: rect, on: &grid, glyphs: glyphs)
    }
    try expectGolden(lines, named: "LineChart\(glyphSetName)")
  }

  @Test func chartDropsLegendWhenShort() throws {
    let chart = LineChart(
      series: [
        ChartSeries(
          name: "rising", points: (0...20).map { ChartPoint(x: Double($0), y: Double($0)) },
          role: .series(0)),
        ChartSeries(
          name: "marks", points: [ChartPoint(x: 5, y: 15)], role: .series(1), kind: .markers),
      ],
      xLabel: "x")
    let lines = render(width: 24, height: 5) { grid, rect in
      chart.draw(in: rect, on: &grid, glyphs: .unicodeSet)
    }
    try expectGolden(lines, named: "LineChartShort")
    #expect(!lines.joined().contains("rising"))
  }

  @Test func chartWithoutPointsShowsMessage() {
    let chart = LineChart(series: [ChartSeries(name: "loss", points: [], role: .series(0))])
    let lines = render(width: 20, height: 3) { grid, rect in
      chart.draw(in: rect, on: &grid, glyphs: .unicodeSet)
    }
    #expect(lines[1] == "    no data yet     ")
  }

  @Test func chartSurvivesTinyAreas() {
    let chart = LineChart(
      series: [
        ChartSeries(
          name: "a", points: [ChartPoint(x: 0, y: 1), ChartPoint(x: 1, y: 0)], role: .series(0))
      ])
    for (width, height) in [(0, 0), (1, 1), (2, 1), (1, 5), (10, 3), (6, 2)] {
      let lines = render(width: width, height: height) { grid, rect in
        chart.draw(in: rect, on: &grid, glyphs: .unicodeSet)
      }
      #expect(lines.count == height)
      #expect(lines.allSatisfy { $0.count == width })
    }
  }

  @Test(arguments: glyphSets.map(\.name))
  func rocPlot(glyphSetName: String) throws {
    let glyphs = try #require(Self.glyphSets.first { $0.name == glyphSetName }?.glyphs)
    let curves = (0..<4).map { index in
      let power = 2.0 + 3.0 * Double(index)
      let rates = (0...40).map { Double($0) / 40 }
      return ROCSeries(
        className: FakeRun.classNames[index], falsePositiveRates: rates,
        truePositiveRates: rates.map { 1 - pow(1 - $0, power) }, auc: 1 - 1 / (power + 1))
    }
    let undefined = ROCSeries(
      className: "Bag", falsePositiveRates: [.nan, .nan], truePositiveRates: [0, 1], auc: .nan)
    let lines = render(width: 50, height: 14) { grid, rect in
      ROCPlot(curves: curves + [undefined]).draw(in: rect, on: &grid, glyphs: glyphs)
    }
    try expectGolden(lines, named: "ROCPlot\(glyphSetName)")
    #expect(lines.contains { $0.contains("undefined") })
  }

  @Test func rocLegendShowsOverflowCount() {
    let curves = (0..<10).map {
      ROCSeries(
        className: FakeRun.classNames[$0], falsePositiveRates: [0, 1], truePositiveRates: [0, 1],
        auc: 0.5)
    }
    let lines = render(width: 44, height: 6) { grid, rect in
      ROCPlot(curves: curves).draw(in: rect, on: &grid, glyphs: .asciiSet)
    }
    #expect(lines[5].contains("+5 more"))
  }

  @Test(arguments: glyphSets.map(\.name))
  func confusionCounts(glyphSetName: String) throws {
    let glyphs = try #require(Self.glyphSets.first { $0.name == glyphSetName }?.glyphs)
    let view = ConfusionMatrixView(
      matrix: FakeRun.matrix(epoch: 3), classNames: FakeRun.classNames, normalized: false)
    let lines = render(width: 70, height: 11) { grid, rect in
      view.draw(in: rect, on: &grid, glyphs: glyphs)
    }
    try expectGolden(lines, named: "ConfusionCounts\(glyphSetName)")
  }

  @Test func confusionRowPercent() throws {
    let view = ConfusionMatrixView(
      matrix: FakeRun.matrix(epoch: 1), classNames: FakeRun.classNames, normalized: true)
    let lines = render(width: 46, height: 11) { grid, rect in
      view.draw(in: rect, on: &grid, glyphs: .unicodeSet)
    }
    try expectGolden(lines, named: "ConfusionRowPercent")
  }

  @Test func confusionNarrowUsesShades() throws {
    let view = ConfusionMatrixView(
      matrix: FakeRun.matrix(epoch: 1), classNames: FakeRun.classNames, normalized: false)
    let lines = render(width: 26, height: 11) { grid, rect in
      view.draw(in: rect, on: &grid, glyphs: .unicodeSet)
    }
    try expectGolden(lines, named: "ConfusionNarrow")
  }

  @Test func confusionShadingIsRowNormalised() {
    let matrix = ConfusionMatrix(classCount: 2, counts: [90, 10, 1, 1])
    let view = ConfusionMatrixView(matrix: matrix, classNames: ["a", "b"], normalized: false)
    var grid = Grid(width: 20, height: 3)
    view.draw(in: grid.bounds, on: &grid, glyphs: .unicodeSet)
    let layout = view.layout(for: grid.bounds)
    let firstCell = layout.labelWidth + 1
    #expect(grid[firstCell, 1]?.style.background == .heat(7))
    #expect(grid[firstCell + layout.cellWidth, 1]?.style.background == .heat(1))
    #expect(grid[firstCell, 2]?.style.background == .heat(4))
  }

  @Test func confusionSurvivesTinyAreas() {
    let view = ConfusionMatrixView(
      matrix: FakeRun.matrix(epoch: 1), classNames: FakeRun.classNames, normalized: true)
    for (width, height) in [(0, 0), (1, 1), (3, 2), (12, 4)] {
      let lines = render(width: width, height: height) { grid, rect in
        view.draw(in: rect, on: &grid, glyphs: .unicodeSet)
      }
      #expect(lines.count == height)
    }
  }

  @Test func epochTableFullWidth() throws {
    var epochs = (1...3).map(FakeRun.summary(epoch:))
    epochs[1].test.macro.auc = .nan
    let lines = render(width: 98, height: 4) { grid, rect in
      EpochTable(epochs: epochs).draw(in: rect, on: &grid, glyphs: .unicodeSet)
    }
    try expectGolden(lines, named: "EpochTableWide")
    #expect(lines[2].contains("n/a"))
  }

  @Test func epochTableWithValidation() throws {
    let accuracies = [0.85, 0.9105, 0.8875]
    let epochs = accuracies.enumerated().map { index, accuracy in
      FakeRun.summary(epoch: index + 1, validationAccuracy: accuracy)
    }
    let lines = render(width: 120, height: 4) { grid, rect in
      EpochTable(epochs: epochs).draw(in: rect, on: &grid, glyphs: .unicodeSet)
    }
    try expectGolden(lines, named: "EpochTableValidation")
    #expect(lines[0].hasPrefix("Epoch  Train loss  Val loss  Val acc  Test loss  Accuracy"))
    #expect(lines[2].contains("91.05%"))
  }

  @Test func validationColumnsBeforeFirstEpoch() {
    let lines = render(width: 120, height: 3) { grid, rect in
      EpochTable(epochs: [], expectsValidation: true).draw(
        in: rect, on: &grid, glyphs: .unicodeSet)
    }
    #expect(lines[0].hasPrefix("Epoch  Train loss  Val loss  Val acc  Test loss  Accuracy"))
    #expect(lines[1].contains("no finished epoch yet"))
  }

  @Test func bestEpochFollowsValidation() {
    // Test accuracy rises every epoch, and validation accuracy peaks at epoch 2.
    let epochs = [0.85, 0.91, 0.88].enumerated().map { index, accuracy in
      FakeRun.summary(epoch: index + 1, validationAccuracy: accuracy)
    }
    #expect(EpochTable(epochs: epochs).bestEpoch() == 2)
    let withoutValidation = (1...3).map(FakeRun.summary(epoch:))
    #expect(EpochTable(epochs: withoutValidation).bestEpoch() == 3)
  }

  @Test func epochTableDropsColumnsFromRight() throws {
    let epochs = (1...5).map(FakeRun.summary(epoch:))
    let lines = render(width: 40, height: 4) { grid, rect in
      EpochTable(epochs: epochs).draw(in: rect, on: &grid, glyphs: .asciiSet)
    }
    try expectGolden(lines, named: "EpochTableNarrow")
    #expect(lines[0].hasPrefix("Epoch  Train loss  Test loss"))
    #expect(lines[3].hasPrefix("    5"))
  }

  @Test(arguments: glyphSets.map(\.name))
  func statusLine(glyphSetName: String) throws {
    let glyphs = try #require(Self.glyphSets.first { $0.name == glyphSetName }?.glyphs)
    let status = StatusLine(state: FakeRun.midRunState())
    var lines: [String] = []
    for width in [120, 100, 60, 30] {
      lines += render(width: width, height: 1) { grid, rect in
        status.draw(in: rect, on: &grid, glyphs: glyphs)
      }
    }
    try expectGolden(lines, named: "StatusLine\(glyphSetName)")
  }

  @Test func statusLineStates() throws {
    let cases: [RunStatus] = [
      .waiting, .running, .paused, .stopping, .finished, .failed(message: "loss diverged"),
    ]
    var lines: [String] = []
    for status in cases {
      let line = StatusLine(
        status: status, epoch: 2, epochs: 10, step: 100, stepsPerEpoch: 938, fraction: 0.11,
        imagesPerSecond: 4321, secondsRemaining: 125)
      lines += render(width: 100, height: 1) { grid, rect in
        line.draw(in: rect, on: &grid, glyphs: .unicodeSet)
      }
    }
    try expectGolden(lines, named: "StatusLineStates")
  }

  @Test func statusLineNoticeComesFirst() {
    var state = FakeRun.midRunState()
    state.notice = "theme light"
    let lines = render(width: 100, height: 1) { grid, rect in
      StatusLine(state: state).draw(in: rect, on: &grid, glyphs: .unicodeSet)
    }
    #expect(lines[0].hasPrefix(" TRAINING   theme light  epoch "), "\(lines[0])")
  }

  @Test(arguments: glyphSets.map(\.name))
  func helpOverlay(glyphSetName: String) throws {
    let glyphs = try #require(Self.glyphSets.first { $0.name == glyphSetName }?.glyphs)
    let lines = render(width: 50, height: 12) { grid, rect in
      grid.fill(rect, with: Cell("."))
      HelpOverlay().draw(in: rect, on: &grid, glyphs: glyphs)
    }
    try expectGolden(lines, named: "HelpOverlay\(glyphSetName)")
  }
}
