import LeptonEngine
import LeptonMetrics
import Testing

@testable import LeptonRender

/// The threshold explorer's state: key commands, presets and the numbers it draws, checked
/// against a direct count over the evaluation's samples.
struct ThresholdExplorerStateTests {
  func explorerState() -> DashboardState {
    var state = FakeRun.midRunState()
    state.toggleExplorer()
    return state
  }

  /// Counts true and false positives of class `classIndex` at `threshold` sample by sample.
  func recount(_ evaluation: Evaluation, classIndex: Int, threshold: Double) -> (Int, Int) {
    var truePositives = 0
    var falsePositives = 0
    for sample in 0..<evaluation.sampleCount {
      let score = Double(evaluation.scores[sample * evaluation.classCount + classIndex])
      guard score >= threshold else { continue }
      if Int(evaluation.labels[sample]) == classIndex {
        truePositives += 1
      } else {
        falsePositives += 1
      }
    }
    return (truePositives, falsePositives)
  }

  @Test func openingBuildsDataForFirstClass() throws {
    let state = explorerState()
    let data = try #require(state.explorerData)
    #expect(data.classIndex == 0)
    #expect(data.epoch == 3)
    #expect(data.explorer.positiveCount == 50)
    #expect(data.explorer.negativeCount == 450)
    #expect(data.rocPoints.first == ChartPoint(x: 0, y: 0))
    #expect(data.rocPoints.last == ChartPoint(x: 1, y: 1))
  }

  @Test func countsMatchRecountAtEveryStep() throws {
    var state = explorerState()
    let evaluation = try #require(state.latestTestEvaluation)
    for _ in 0..<40 {
      state.moveThreshold(by: 0.01)
      let data = try #require(state.explorerData)
      let counts = data.explorer.point(atThreshold: state.explorerSettings.threshold).counts
      let expected = recount(
        evaluation, classIndex: 0, threshold: state.explorerSettings.threshold)
      #expect(counts.truePositives == expected.0)
      #expect(counts.falsePositives == expected.1)
    }
    #expect(state.explorerSettings.threshold == 0.9)
  }

  @Test func thresholdStaysWithinZeroAndOne() {
    var state = explorerState()
    for _ in 0..<80 { state.moveThreshold(by: 0.01) }
    #expect(state.explorerSettings.threshold == 1)
    for _ in 0..<3000 { state.moveThreshold(by: -0.001) }
    #expect(state.explorerSettings.threshold == 0)
  }

  @Test func pageKeysJumpToNeighbouringScores() throws {
    var state = explorerState()
    let evaluation = try #require(state.latestTestEvaluation)
    let scores = (0..<evaluation.sampleCount).map {
      Double(evaluation.scores[$0 * evaluation.classCount])
    }
    state.jumpToScore(1)
    let above = state.explorerSettings.threshold
    #expect(above == scores.filter { $0 > 0.5 }.min())
    state.jumpToScore(-1)
    #expect(state.explorerSettings.threshold == scores.filter { $0 < above }.max())
  }

  @Test func classKeysWrapAround() throws {
    var state = explorerState()
    state.changeExplorerClass(by: -1)
    #expect(state.explorerSettings.classIndex == 9)
    #expect(state.explorerData?.classIndex == 9)
    state.changeExplorerClass(by: 1)
    state.changeExplorerClass(by: 1)
    #expect(state.explorerSettings.classIndex == 1)
  }

  @Test func presetsJumpToTheirThresholds() throws {
    var state = explorerState()
    let data = try #require(state.explorerData)
    state.applyMaximumF1()
    #expect(state.explorerSettings.threshold == data.explorer.maximumF1.threshold)
    #expect(state.explorerSettings.note?.hasPrefix("max F1 ") == true)
    state.applyMaximumYoudenJ()
    #expect(state.explorerSettings.threshold == data.explorer.maximumYoudenJ.threshold)
  }

  @Test func typedThresholdApplies() {
    var state = explorerState()
    state.startPrompt()
    for character in "0.73" { state.typeInPrompt(character) }
    #expect(state.explorerSettings.prompt == "0.73")
    state.submitPrompt()
    #expect(state.explorerSettings.threshold == 0.73)
    #expect(state.explorerSettings.prompt == nil)
  }

  @Test func typedTargetsUsePresets() throws {
    var state = explorerState()
    let explorer = try #require(state.explorerData?.explorer)
    state.startPrompt()
    for character in "p0.9" { state.typeInPrompt(character) }
    state.submitPrompt()
    let precision = explorer.lowestThreshold(precisionAtLeast: 0.9)
    #expect(state.explorerSettings.threshold == precision.threshold)
    let point = explorer.point(atThreshold: state.explorerSettings.threshold)
    #expect(point.precision >= 0.9)

    state.startPrompt()
    for character in "r0.8" { state.typeInPrompt(character) }
    state.submitPrompt()
    #expect(
      state.explorerSettings.threshold == explorer.highestThreshold(recallAtLeast: 0.8).threshold)
    #expect(explorer.point(atThreshold: state.explorerSettings.threshold).recall >= 0.8)
  }

  @Test func invalidTypedValueKeepsThreshold() {
    var state = explorerState()
    state.startPrompt()
    for character in "1.5" { state.typeInPrompt(character) }
    state.submitPrompt()
    #expect(state.explorerSettings.threshold == 0.5)
    #expect(state.explorerSettings.note?.hasPrefix("invalid value '1.5'") == true)
  }

  @Test func promptIgnoresOtherCharactersAndDeletes() {
    var state = explorerState()
    state.startPrompt()
    for character in "0x.4q2" { state.typeInPrompt(character) }
    #expect(state.explorerSettings.prompt == "0.42")
    state.deleteInPrompt()
    #expect(state.explorerSettings.prompt == "0.4")
    state.cancelPrompt()
    #expect(state.explorerSettings.prompt == nil)
    #expect(state.explorerSettings.threshold == 0.5)
  }

  @Test func selectiveModeKeepsConfidentSamples() throws {
    var state = explorerState()
    state.toggleSelective()
    let predictor = try #require(state.selectivePredictor)
    let evaluation = try #require(state.latestTestEvaluation)
    let result = predictor.result(atThreshold: 0.5)
    var kept = 0
    for sample in 0..<evaluation.sampleCount {
      let row = evaluation.scores[
        (sample * evaluation.classCount)..<((sample + 1) * evaluation.classCount)]
      if Double(row.max() ?? 0) >= 0.5 { kept += 1 }
    }
    #expect(result.keptCount == kept)
  }

  @Test func newEvaluationRebuildsData() throws {
    var state = explorerState()
    state.changeExplorerClass(by: 2)
    state.apply(.evaluated(FakeRun.evaluation(epoch: 4)))
    let data = try #require(state.explorerData)
    #expect(data.epoch == 4)
    #expect(data.classIndex == 2)
  }

  @Test func binaryTaskOpensOnPositiveClass() throws {
    var config = FakeRun.config
    config.classNames = ["negative", "positive"]
    var state = DashboardState()
    state.apply(.runStarted(config))
    state.apply(
      .evaluated(
        Evaluation(
          epoch: 1, split: "test", classCount: 2, labels: [0, 1, 1, 0],
          scores: [0.8, 0.2, 0.3, 0.7, 0.4, 0.6, 0.9, 0.1])))
    state.toggleExplorer()
    #expect(state.explorerSettings.classIndex == 1)
    let data = try #require(state.explorerData)
    #expect(data.explorer.positiveCount == 2)
    // At 0.5 samples 1 and 2 (scores 0.7 and 0.6) are positive and both are class 1.
    let counts = data.explorer.point(atThreshold: 0.5).counts
    #expect(counts.truePositives == 2)
    #expect(counts.falsePositives == 0)
    state.toggleExplorer()
    state.changeExplorerClass(by: 1)
    state.toggleExplorer()
    state.changeExplorerClass(by: 1)
    #expect(state.explorerSettings.classIndex == 0, "later openings keep the chosen class")
  }

  @Test func thresholdTitleShowsHiddenDecimals() {
    #expect(ThresholdExplorerPanel.format(threshold: 0.5) == "0.500")
    #expect(ThresholdExplorerPanel.format(threshold: 0.529) == "0.529")
    #expect(ThresholdExplorerPanel.format(threshold: 0.51134) == "0.51134")
    #expect(ThresholdExplorerPanel.format(threshold: 0) == "0.000")
  }

  @Test func selectedEpochSetsOverallAccuracy() throws {
    var state = explorerState()
    state.toggleSelective()
    state.selectEpoch(2, evaluation: FakeRun.evaluation(epoch: 2))
    let panel = ThresholdExplorerPanel(state: state)
    #expect(panel.epoch == 2)
    #expect(panel.overallAccuracy == state.epochs[1].test.accuracy)
    #expect(panel.title.hasSuffix(", epoch 2"))
  }

  @Test func keysDoNothingWhileHidden() {
    var state = FakeRun.midRunState()
    state.moveThreshold(by: 0.1)
    state.changeExplorerClass(by: 1)
    #expect(state.explorerSettings.threshold == 0.5)
    #expect(state.explorerSettings.classIndex == 0)
    #expect(state.explorerData == nil)
    #expect(state.explorerCache.isEmpty)
  }

  @Test func renderingShowsMatrixAndMetrics() throws {
    var state = explorerState()
    state.moveThreshold(by: 0.2)
    let grid = DashboardView.render(state: state, width: 120, height: 36, glyphs: .unicodeSet)
    let lines = grid.lines()
    try expectGolden(lines, named: "DashboardExplorer")
    let screen = lines.joined(separator: "\n")
    #expect(screen.contains("Threshold explorer: T-shirt/top vs rest at 0.700"))
    let expected = try recount(
      #require(state.latestTestEvaluation), classIndex: 0, threshold: 0.7)
    #expect(screen.contains("TP " + TextFit.pad(String(expected.0), to: 6, alignment: .right)))
    #expect(screen.contains("FP " + TextFit.pad(String(expected.1), to: 6, alignment: .right)))
    #expect(screen.contains("precision "))
  }

  @Test func renderingSelectiveMode() throws {
    var state = explorerState()
    state.toggleSelective()
    let grid = DashboardView.render(state: state, width: 120, height: 36, glyphs: .asciiSet)
    let lines = grid.lines()
    try expectGolden(lines, named: "DashboardSelective")
    #expect(lines.joined().contains("Selective prediction, threshold 0.500"))
    #expect(lines.joined().contains("coverage "))
  }
}
