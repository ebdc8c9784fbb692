import LeptonEngine
import LeptonMetrics

@testable import LeptonRender

/// Comparisons of two or three hand-written runs on the same 500 test samples, built
/// from `FakeRun`. B's reports and scores are those of one epoch later than A's and C's
/// of one epoch earlier, so every difference has a known sign. The reports and the
/// scores come from separate `FakeRun` functions, so the statistics from the scores do
/// not match the changes in the metrics table.
enum FakeComparison {
  static let epochs = 3
  static let stepsPerEpoch = 120

  /// Returns the events of run `variant`: 0 for A, 1 for B and 2 for C.
  static func events(variant: Int) -> [TrainingEvent] {
    var config = FakeRun.config
    config.runID =
      ["20250114-093012-fmnist-cnn", "20250115-101500-fmnist-wide", "20250116-080000-lenet5"][
        variant]
    config.model = ["fmnist-cnn", "fmnist-wide", "lenet5"][variant]
    config.epochs = epochs
    config.stepsPerEpoch = stepsPerEpoch
    config.learningRate = [0.01, 0.01, 0.05][variant]
    let shift = [0, 1, -1][variant]
    var events: [TrainingEvent] = [.runStarted(config)]
    for epoch in 1...epochs {
      for step in 1...stepsPerEpoch {
        var batch = FakeRun.batch(epoch: epoch, step: step * 7)
        batch.step = step
        batch.stepsPerEpoch = stepsPerEpoch
        batch.globalStep = (epoch - 1) * stepsPerEpoch + step
        batch.loss *= [1.0, 0.8, 1.3][variant]
        events.append(.batchEnded(batch))
      }
      let source = max(1, epoch + shift)
      var evaluation = FakeRun.evaluation(epoch: source)
      evaluation.epoch = epoch
      var summary = FakeRun.summary(epoch: source)
      summary.epoch = epoch
      events.append(.evaluated(evaluation))
      events.append(.epochEnded(summary))
    }
    events.append(
      .runFinished(RunSummary(completedEpochs: epochs, finalTest: nil, totalSeconds: 60)))
    return events
  }

  /// Builds the comparison of the first `runCount` runs.
  static func state(runCount: Int) -> ComparisonState {
    var state = ComparisonState(runIDs: (0..<runCount).map { "run-\($0)" })
    for index in 0..<runCount {
      for event in events(variant: index) {
        state.apply(event, toRun: index)
      }
    }
    return state
  }
}
