import Foundation
import LeptonEngine
import LeptonMetrics
import Testing

@testable import LeptonRender

/// `ComparisonState` built from hand-made events.
@Suite struct ComparisonStateTests {
  static func config(id: String, stepsPerEpoch: Int, classNames: [String] = ["cat", "dog"])
    -> RunConfig
  {
    var config = FakeRun.config
    config.runID = id
    config.stepsPerEpoch = stepsPerEpoch
    config.classNames = classNames
    return config
  }

  static func batch(globalStep: Int, stepsPerEpoch: Int, loss: Double) -> BatchProgress {
    BatchProgress(
      epoch: (globalStep - 1) / stepsPerEpoch + 1, step: (globalStep - 1) % stepsPerEpoch + 1,
      stepsPerEpoch: stepsPerEpoch, globalStep: globalStep, loss: loss, accuracy: 0.5,
      imagesPerSecond: 100)
  }

  static func summary(epoch: Int, accuracy: Double, loss: Double) -> EpochSummary {
    var summary = FakeRun.summary(epoch: epoch)
    summary.test.accuracy = accuracy
    summary.test.loss = loss
    return summary
  }

  /// Builds one run of 2 epochs of 4 steps, with losses 8, 7, ..., 1 and test accuracies
  /// 0.5 and 0.75.
  static func twoEpochState() -> ComparisonState {
    var state = ComparisonState(runIDs: ["a"])
    state.apply(.runStarted(config(id: "run-a", stepsPerEpoch: 4)), toRun: 0)
    for step in 1...8 {
      state.apply(
        .batchEnded(batch(globalStep: step, stepsPerEpoch: 4, loss: Double(9 - step))), toRun: 0)
      if step % 4 == 0 {
        let epoch = step / 4
        state.apply(
          .epochEnded(summary(epoch: epoch, accuracy: 0.25 + 0.25 * Double(epoch), loss: 1)),
          toRun: 0)
      }
    }
    return state
  }

  @Test func stepCurveAlignsByEpochAndStep() {
    var state = Self.twoEpochState()
    state.smoothingEnabled = false
    state.selectMetric(.trainLossByStep)
    let byEpoch = state.curves()[0].points
    #expect(byEpoch.map(\.x) == [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2])
    #expect(byEpoch.map(\.y) == [8, 7, 6, 5, 4, 3, 2, 1])
    state.toggleAxis()
    #expect(state.axis == .step)
    let byStep = state.curves()[0].points
    #expect(byStep.map(\.x) == [1, 2, 3, 4, 5, 6, 7, 8])
    #expect(state.curves()[0].perEpoch == false)
  }

  @Test func epochCurveAlignsByEpochAndStep() {
    var state = Self.twoEpochState()
    state.selectMetric(.testAccuracy)
    let byEpoch = state.curves()[0]
    #expect(byEpoch.perEpoch)
    #expect(byEpoch.points == [ChartPoint(x: 1, y: 0.5), ChartPoint(x: 2, y: 0.75)])
    state.toggleAxis()
    #expect(state.curves()[0].points == [ChartPoint(x: 4, y: 0.5), ChartPoint(x: 8, y: 0.75)])
  }

  @Test func runsWithDifferentEpochLengthsAlignByEpoch() {
    var state = ComparisonState(runIDs: ["a", "b"])
    state.apply(.runStarted(Self.config(id: "a", stepsPerEpoch: 4)), toRun: 0)
    state.apply(.runStarted(Self.config(id: "b", stepsPerEpoch: 10)), toRun: 1)
    state.apply(.batchEnded(Self.batch(globalStep: 2, stepsPerEpoch: 4, loss: 1)), toRun: 0)
    state.apply(.batchEnded(Self.batch(globalStep: 5, stepsPerEpoch: 10, loss: 1)), toRun: 1)
    state.smoothingEnabled = false
    state.selectMetric(.trainLossByStep)
    let curves = state.curves()
    #expect(curves[0].points.map(\.x) == [0.5])
    #expect(curves[1].points.map(\.x) == [0.5])
  }

  @Test func smoothingMatchesHandComputedAverage() {
    var state = ComparisonState(runIDs: ["a"])
    state.apply(.runStarted(Self.config(id: "a", stepsPerEpoch: 10)), toRun: 0)
    for (step, loss) in [1.0, 2.0, 4.0].enumerated() {
      state.apply(
        .batchEnded(Self.batch(globalStep: step + 1, stepsPerEpoch: 10, loss: loss)), toRun: 0)
    }
    state.selectMetric(.trainLossByStep)
    #expect(state.smoothingEnabled)
    #expect(ComparisonState.smoothingWeight == 0.98)
    // Bias-corrected averages with weight 0.98: sums of weighted values over 1 - 0.98^n.
    // n=1: 0.02 * 1 / 0.02; n=2: (0.98 * 0.02 + 0.02 * 2) / 0.0396;
    // n=3: (0.98 * 0.0596 + 0.02 * 4) / 0.058808.
    let expected = [1.0, 0.0596 / 0.0396, 0.138408 / 0.058808]
    let smoothed = state.curves()[0].points.map(\.y)
    #expect(smoothed.count == 3)
    for (actual, reference) in zip(smoothed, expected) {
      #expect(abs(actual - reference) < 1e-12, "\(actual) vs \(reference)")
    }
    state.toggleSmoothing()
    #expect(state.curves()[0].points.map(\.y) == [1, 2, 4])
  }

  @Test func logScaleRejectsZeroValues() {
    var state = ComparisonState(runIDs: ["a"])
    state.apply(.runStarted(Self.config(id: "a", stepsPerEpoch: 10)), toRun: 0)
    state.apply(.batchEnded(Self.batch(globalStep: 1, stepsPerEpoch: 10, loss: 0)), toRun: 0)
    state.apply(.batchEnded(Self.batch(globalStep: 2, stepsPerEpoch: 10, loss: 2)), toRun: 0)
    state.smoothingEnabled = false
    state.selectMetric(.trainLossByStep)
    state.toggleLogScale()
    #expect(state.logScale == false)
    #expect(state.message == "log scale rejected: train loss per step has values <= 0")
  }

  @Test func logScaleTransformsPositiveValues() throws {
    var state = Self.twoEpochState()
    state.smoothingEnabled = false
    state.selectMetric(.trainLossByStep)
    state.toggleLogScale()
    #expect(state.logScale)
    let first = try #require(state.curves()[0].points.first)
    #expect(abs(first.y - log10(8)) < 1e-12)
    state.toggleLogScale()
    #expect(state.logScale == false)
  }

  @Test func metricWithZeroTurnsLogScaleOff() {
    var state = ComparisonState(runIDs: ["a"])
    state.apply(.runStarted(Self.config(id: "a", stepsPerEpoch: 2)), toRun: 0)
    state.apply(.batchEnded(Self.batch(globalStep: 1, stepsPerEpoch: 2, loss: 1)), toRun: 0)
    state.apply(.epochEnded(Self.summary(epoch: 1, accuracy: 0, loss: 1)), toRun: 0)
    state.selectMetric(.testLoss)
    state.toggleLogScale()
    #expect(state.logScale)
    state.selectMetric(.testAccuracy)
    #expect(state.logScale == false)
    #expect(state.message == "log scale off: test accuracy has values <= 0")
  }

  @Test func metricCycleSkipsMissingValidation() {
    var state = Self.twoEpochState()
    #expect(!state.availableMetrics.contains(.validationLoss))
    #expect(state.availableMetrics.contains(.trainLossByStep))
    var seen: [ComparisonMetric] = []
    for _ in 0..<state.availableMetrics.count {
      state.cycleMetric()
      seen.append(state.metric)
    }
    #expect(Set(seen) == Set(state.availableMetrics))
    #expect(!seen.contains(.validationAccuracy))
  }

  /// Two classes, four samples: A predicts 0, 1, 1, 1 and B predicts 0, 0, 1, 0 for
  /// labels 0, 0, 1, 1.
  static func matrixState() -> ComparisonState {
    func evaluation(_ predictions: [Int]) -> Evaluation {
      let scores: [Float] = predictions.flatMap { $0 == 0 ? [0.9, 0.1] : [0.2, 0.8] }
      return Evaluation(
        epoch: 1, split: "test", classCount: 2, labels: [0, 0, 1, 1], scores: scores)
    }
    var state = ComparisonState(runIDs: ["a", "b"])
    state.apply(.runStarted(config(id: "a", stepsPerEpoch: 1)), toRun: 0)
    state.apply(.runStarted(config(id: "b", stepsPerEpoch: 1)), toRun: 1)
    state.setEvaluation(evaluation([0, 1, 1, 1]), forRun: 0)
    state.apply(.evaluated(evaluation([0, 0, 1, 0])), toRun: 1)
    return state
  }

  @Test func matrixDifferenceCounts() throws {
    var state = Self.matrixState()
    #expect(state.runs[0].confusionMatrix?.counts == [1, 1, 0, 2])
    #expect(state.runs[1].confusionMatrix?.counts == [2, 0, 1, 1])
    let counts = try #require(state.matrixDifference())
    #expect(counts.values == [1, -1, 1, -1])
    #expect(counts.isImprovement(actual: 0, predicted: 0) == true)
    #expect(counts.isImprovement(actual: 0, predicted: 1) == true)
    #expect(counts.isImprovement(actual: 1, predicted: 0) == false)
    #expect(counts.isImprovement(actual: 1, predicted: 1) == false)
    state.matrixNormalized = true
    let rates = try #require(state.matrixDifference())
    #expect(rates.values == [0.5, -0.5, 0.5, -0.5])
    #expect(rates.normalized)
  }

  @Test func matrixDifferenceZeroIsNeither() throws {
    var state = Self.matrixState()
    state.setEvaluation(try #require(state.runs[0].evaluation), forRun: 1)
    let difference = try #require(state.matrixDifference())
    #expect(difference.values == [0, 0, 0, 0])
    #expect(difference.isImprovement(actual: 0, predicted: 0) == nil)
  }

  @Test func statisticsMatchMcNemarCounts() throws {
    let state = Self.matrixState()
    let statistics = try #require(state.statistics[1])
    // Sample 1 is right only in B, sample 3 only in A.
    #expect(statistics.mcNemar.onlyACorrectCount == 1)
    #expect(statistics.mcNemar.onlyBCorrectCount == 1)
    #expect(statistics.bootstrap.accuracyDifference.estimate == 0)
    #expect(state.statisticsFailures.isEmpty)
  }

  @Test func differentLabelsGiveNoStatistics() {
    var state = Self.matrixState()
    state.setEvaluation(
      Evaluation(
        epoch: 1, split: "test", classCount: 2, labels: [1, 1, 1, 1],
        scores: [Float](repeating: 0.5, count: 8)),
      forRun: 1)
    #expect(state.statistics[1] == nil)
    #expect(state.statisticsFailures[1] == "B and A were tested on different labels")
  }

  @Test func bestValueFollowsDirection() {
    let state = FakeComparison.state(runCount: 3)
    let accuracy = ComparisonText.metrics[0]
    let loss = ComparisonText.metrics[6]
    #expect(accuracy.name == "accuracy")
    #expect(loss.name == "loss")
    #expect(state.bestRun(for: accuracy) == 1)
    #expect(state.bestRun(for: loss) == 1)
    #expect(ComparisonText.bestIndex(of: [.nan, 0.5, 0.7, 0.7], higherIsBetter: true) == 2)
    #expect(ComparisonText.bestIndex(of: [0.3, .nan, 0.2], higherIsBetter: false) == 2)
    #expect(ComparisonText.bestIndex(of: [.nan, .nan], higherIsBetter: true) == nil)
  }

  @Test func classCycleWraps() {
    var state = FakeComparison.state(runCount: 2)
    #expect(state.classCount == 10)
    #expect(state.selectedClass == 0)
    state.changeClass(by: -1)
    #expect(state.selectedClass == 9)
    state.changeClass(by: 1)
    #expect(state.selectedClass == 0)
    state.changeClass(by: 23)
    #expect(state.selectedClass == 3)
  }

  @Test func comparedRunCyclesPastA() {
    var three = ComparisonState(runIDs: ["a", "b", "c"])
    #expect(three.comparedRun == 1)
    three.cycleComparedRun()
    #expect(three.comparedRun == 2)
    three.cycleComparedRun()
    #expect(three.comparedRun == 1)
    var two = ComparisonState(runIDs: ["a", "b"])
    two.cycleComparedRun()
    #expect(two.comparedRun == 1)
    #expect(two.message == "only run B can be compared with A")
  }

  @Test func tabsWrapBothWays() {
    #expect(ComparisonTab.roc.next == .curves)
    #expect(ComparisonTab.curves.previous == .roc)
    #expect(ComparisonTab.metrics.next == .perClass)
    #expect(ComparisonTab(rawValue: 4) == .confusion)
  }

  @Test func runStartedNamesRunAndKeepsLetter() {
    var state = ComparisonState(runIDs: ["given-a", "given-b"])
    #expect(state.runs[1].id == "given-b")
    state.apply(.runStarted(Self.config(id: "20250101-000000-x", stepsPerEpoch: 3)), toRun: 1)
    #expect(state.runs[1].id == "20250101-000000-x")
    #expect(state.runs[1].letter == "B")
    state.apply(.runStarted(Self.config(id: "ignored", stepsPerEpoch: 3)), toRun: 5)
    #expect(state.runs.count == 2)
  }
}

@Suite struct ComparisonWrapTests {
  @Test func wrapSplitsAtSpacesWithIndent() {
    let lines = ComparisonPanels.wrap(
      "B: McNemar p = 0.01 (chi-squared; 68 right only in A)", width: 24,
      continuationIndent: "    ")
    #expect(lines == ["B: McNemar p = 0.01", "    (chi-squared; 68", "    right only in A)"])
  }

  @Test func wrapKeepsShortText() {
    #expect(ComparisonPanels.wrap("short", width: 24, continuationIndent: "  ") == ["short"])
  }

  @Test func wrapKeepsLeadingIndent() {
    let lines = ComparisonPanels.wrap(
      "  accuracy B - A +0.1000, 95% interval", width: 20, continuationIndent: "      ")
    #expect(lines == ["  accuracy B - A", "      +0.1000, 95%", "      interval"])
  }
}
