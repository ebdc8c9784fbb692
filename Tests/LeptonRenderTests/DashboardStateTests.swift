import LeptonEngine
import LeptonMetrics
import Testing

@testable import LeptonRender

@Suite struct DashboardStateTests {
  @Test func startsWaiting() {
    let state = DashboardState()
    #expect(state.status == .waiting)
    #expect(state.config == nil)
    #expect(state.trainLoss.isEmpty)
  }

  @Test func runStartedStoresConfig() {
    var state = DashboardState()
    state.apply(.runStarted(FakeRun.config))
    #expect(state.config?.runID == "20250114-093012-fmnist-cnn")
    #expect(state.status == .running)
    #expect(state.classNames.count == 10)
  }

  @Test func batchesUpdateProgressAndCurves() {
    var state = DashboardState()
    state.apply(.runStarted(FakeRun.config))
    for step in 1...10 {
      state.apply(.batchEnded(FakeRun.batch(epoch: 1, step: step)))
    }
    #expect(state.progress?.step == 10)
    #expect(state.trainLoss.allPoints.count == 10)
    #expect(state.trainLoss.allPoints.last?.y == FakeRun.batch(epoch: 1, step: 10).loss)
    #expect(state.smoothedLoss.allPoints.count == 10)
  }

  @Test func smoothedCurveStartsAtFirstValue() {
    var state = DashboardState()
    state.apply(.runStarted(FakeRun.config))
    let first = FakeRun.batch(epoch: 1, step: 1)
    state.apply(.batchEnded(first))
    let smoothed = state.smoothedLoss.allPoints.first?.y ?? .nan
    #expect(abs(smoothed - first.loss) < 1e-12)
  }

  @Test func stepCurvesStayBounded() {
    var state = DashboardState()
    state.apply(.runStarted(FakeRun.config))
    for step in 1...20_000 {
      state.apply(.batchEnded(FakeRun.batch(epoch: 1, step: step)))
    }
    let points = state.trainLoss.allPoints
    #expect(points.count <= DashboardState.stepCurveCapacity)
    #expect(points.count >= DashboardState.stepCurveCapacity / 2)
    #expect((points.first?.x ?? 0) < 10)
    #expect((points.last?.x ?? 0) > 19_900)
  }

  @Test func seriesBufferKeepsMean() {
    var buffer = SeriesBuffer(capacity: 4)
    for value in 1...8 {
      buffer.append(x: Double(value), y: Double(value))
    }
    #expect(buffer.pointsPerBucket == 4)
    #expect(buffer.allPoints == [ChartPoint(x: 2.5, y: 2.5), ChartPoint(x: 6.5, y: 6.5)])
  }

  @Test func movingAverageSkipsNonFinite() {
    var average = ExponentialMovingAverage(weight: 0.5)
    #expect(average.value == nil)
    average.add(2)
    average.add(.nan)
    #expect(average.value == 2)
    average.add(4)
    #expect(abs((average.value ?? 0) - 10.0 / 3.0) < 1e-12)
  }

  @Test func epochEndedRecordsSummaryAndTestPoints() {
    var state = DashboardState()
    state.apply(.runStarted(FakeRun.config))
    state.apply(.batchEnded(FakeRun.batch(epoch: 1, step: 938)))
    state.apply(.epochEnded(FakeRun.summary(epoch: 1)))
    #expect(state.epochs.map(\.epoch) == [1])
    #expect(state.testLoss == [ChartPoint(x: 938, y: FakeRun.report(epoch: 1).loss)])
    #expect(state.testAccuracy.first?.y == FakeRun.report(epoch: 1).accuracy)
    #expect(state.confusionMatrix == FakeRun.matrix(epoch: 1))
  }

  @Test func repeatedEpochReplacesRow() {
    var state = DashboardState()
    state.apply(.runStarted(FakeRun.config))
    state.apply(.epochEnded(FakeRun.summary(epoch: 1)))
    state.apply(.epochEnded(FakeRun.summary(epoch: 1)))
    #expect(state.epochs.count == 1)
    #expect(state.testLoss.count == 1)
  }

  @Test func evaluatedComputesROCPerClass() {
    var state = DashboardState()
    state.apply(.runStarted(FakeRun.config))
    state.apply(.evaluated(FakeRun.evaluation(epoch: 2)))
    #expect(state.rocCurves.count == 10)
    #expect(state.rocCurves.first?.className == "T-shirt/top")
    for curve in state.rocCurves {
      #expect(curve.falsePositiveRates.count <= DashboardState.rocPointLimit)
      #expect(curve.falsePositiveRates.count == curve.truePositiveRates.count)
      #expect(curve.auc > 0.5)
      #expect(curve.auc <= 1)
    }
  }

  @Test func validationScoresLeaveROCAlone() {
    var state = DashboardState()
    state.apply(.runStarted(FakeRun.config))
    state.apply(.evaluated(FakeRun.evaluation(epoch: 2)))
    let testCurves = state.rocCurves
    var validation = FakeRun.evaluation(epoch: 1)
    validation.split = "validation"
    state.apply(.evaluated(validation))
    #expect(state.rocCurves == testCurves)
  }

  @Test func evaluationWithMissingClassHasUndefinedAUC() {
    var state = DashboardState()
    state.apply(.runStarted(FakeRun.config))
    let evaluation = Evaluation(
      epoch: 1, split: "test", classCount: 3, labels: [0, 1, 0, 1],
      scores: [0.7, 0.2, 0.1, 0.3, 0.6, 0.1, 0.5, 0.4, 0.1, 0.2, 0.7, 0.1])
    state.apply(.evaluated(evaluation))
    #expect(state.rocCurves.count == 3)
    #expect(state.rocCurves[0].auc == 1)
    #expect(state.rocCurves[2].auc.isNaN)
  }

  @Test func mismatchedScoresGiveNoCurves() {
    var state = DashboardState()
    state.apply(.runStarted(FakeRun.config))
    let evaluation = Evaluation(
      epoch: 1, split: "test", classCount: 3, labels: [0, 1], scores: [0.5, 0.5])
    state.apply(.evaluated(evaluation))
    #expect(state.rocCurves.isEmpty)
    #expect(state.rocFailure?.hasPrefix("ROC curves unavailable") == true)
  }

  @Test func downsampleKeepsEnds() {
    let rates = (0...1000).map { Double($0) / 1000 }
    let result = DashboardState.downsample(
      falsePositiveRates: rates, truePositiveRates: rates, limit: 10)
    #expect(result.falsePositive.count == 10)
    #expect(result.falsePositive.first == 0)
    #expect(result.falsePositive.last == 1)
    #expect(result.truePositive == result.falsePositive)
  }

  @Test func statusFollowsEventsAndRequests() {
    var state = DashboardState()
    state.apply(.runStarted(FakeRun.config))
    state.paused = true
    #expect(state.status == .paused)
    state.stopRequested = true
    #expect(state.status == .stopping)
    state.apply(.runFinished(RunSummary(completedEpochs: 1, finalTest: nil, totalSeconds: 10)))
    #expect(state.status == .finished)
  }

  @Test func failureCarriesMessage() {
    var state = DashboardState()
    state.apply(.runStarted(FakeRun.config))
    let failure = RunFailure(
      kind: .diverged, message: "loss is NaN at step 12", epoch: 1, step: 12, completedEpochs: 0)
    state.apply(.runFailed(failure))
    #expect(state.status == .failed(message: "loss is NaN at step 12"))
  }

  @Test func runStartedKeepsInterfaceChoices() {
    var state = FakeRun.midRunState()
    state.matrixNormalized = true
    state.focusedPanel = .roc
    state.apply(.runStarted(FakeRun.config))
    #expect(state.matrixNormalized)
    #expect(state.focusedPanel == .roc)
    #expect(state.epochs.isEmpty)
    #expect(state.progress == nil)
  }

  @Test func focusCyclesThroughPanels() {
    var state = DashboardState()
    var seen: [DashboardPanel] = []
    for _ in 0..<5 {
      seen.append(state.focusedPanel)
      state.focusNextPanel()
    }
    #expect(seen == [.curves, .epochs, .confusion, .roc, .curves])
    state.focusPreviousPanel()
    #expect(state.focusedPanel == .curves)
    state.focusPreviousPanel()
    #expect(state.focusedPanel == .roc)
  }

  @Test func estimateUsesThroughputAndRemainingImages() throws {
    var state = DashboardState()
    state.apply(.runStarted(FakeRun.config))
    let progress = BatchProgress(
      epoch: 10, step: 838, stepsPerEpoch: 938, globalStep: 9280, loss: 0.3, accuracy: 0.9,
      imagesPerSecond: 6400)
    state.apply(.batchEnded(progress))
    let remaining = try #require(state.estimatedSecondsRemaining)
    #expect(abs(remaining - 1.0) < 1e-9)
    #expect(abs(state.runFraction - 9280.0 / 9380.0) < 1e-12)
  }
}
