import LeptonEngine
import LeptonMetrics

/// The panels that can take keyboard focus, in Tab order.
public enum DashboardPanel: CaseIterable, Sendable {
  case curves
  case epochs
  case confusion
  case roc

  /// The panel after this one in Tab order, wrapping around.
  public var next: DashboardPanel {
    let all = Self.allCases
    let index = all.firstIndex(of: self) ?? 0
    return all[(index + 1) % all.count]
  }

  /// The panel before this one in Tab order, wrapping around.
  public var previous: DashboardPanel {
    let all = Self.allCases
    let index = all.firstIndex(of: self) ?? 0
    return all[(index + all.count - 1) % all.count]
  }
}

/// The stage of a run, as shown in the status line.
public enum RunStatus: Equatable, Sendable {
  /// No `runStarted` event yet.
  case waiting
  case running
  case paused
  /// A stop was requested and the trainer has not reported the end yet.
  case stopping
  case finished
  /// Stopped before its last epoch by the user, a signal or a killed process.
  case interrupted(message: String)
  case failed(message: String)

  /// The lower-case word shown in the status line.
  public var label: String {
    switch self {
    case .waiting: return "waiting"
    case .running: return "training"
    case .paused: return "paused"
    case .stopping: return "stopping"
    case .finished: return "finished"
    case .interrupted: return "interrupted"
    case .failed: return "failed"
    }
  }
}

/// Everything the dashboard shows, built by applying training events in order,
/// plus the state of the user interface. It is a value, so a front end can hand
/// a copy to the renderer while training goes on.
public struct DashboardState: Sendable {
  /// Points kept per step-level curve before older points are merged in pairs.
  public static let stepCurveCapacity = 2048
  /// Points kept per ROC curve.
  public static let rocPointLimit = 256
  /// Weight of the previous value in the smoothed step curves.
  public static let smoothingWeight = 0.98

  public private(set) var config: RunConfig?
  /// Per-step training loss and accuracy, x being the global step.
  public private(set) var trainLoss = SeriesBuffer(capacity: stepCurveCapacity)
  public private(set) var trainAccuracy = SeriesBuffer(capacity: stepCurveCapacity)
  /// Exponential moving averages of the two curves above.
  public private(set) var smoothedLoss = SeriesBuffer(capacity: stepCurveCapacity)
  public private(set) var smoothedAccuracy = SeriesBuffer(capacity: stepCurveCapacity)
  /// Test loss and accuracy after each epoch, x being the global step at the epoch's end.
  public private(set) var testLoss: [ChartPoint] = []
  public private(set) var testAccuracy: [ChartPoint] = []
  public private(set) var epochs: [EpochSummary] = []
  public internal(set) var confusionMatrix: ConfusionMatrix?
  /// One-vs-rest ROC curves of the latest evaluation, one per class.
  public internal(set) var rocCurves: [ROCSeries] = []
  /// The reason the latest evaluation has no ROC curves, such as invalid scores.
  public internal(set) var rocFailure: String?
  public private(set) var progress: BatchProgress?
  public private(set) var runSummary: RunSummary?
  public private(set) var failure: RunFailure?
  /// Whether the trainer reported `runFinished` or `runFailed`.
  public private(set) var ended = false

  private var lossAverage = ExponentialMovingAverage(weight: smoothingWeight)
  private var accuracyAverage = ExponentialMovingAverage(weight: smoothingWeight)

  // MARK: User interface state

  public var focusedPanel: DashboardPanel = .curves
  public var helpVisible = false
  /// Whether the confusion matrix shows row percentages instead of counts.
  public var matrixNormalized = false
  /// Whether the per-class table replaces the confusion matrix and ROC panels.
  public var perClassVisible = false
  /// The epoch whose evaluation the matrix, ROC, per-class and explorer panels show when
  /// the user picked one with `<` or `>`, or nil for the latest.
  public internal(set) var selectedEpoch: Int?
  /// The threshold explorer's class, threshold and mode.
  public var explorerSettings = ExplorerSettings()
  /// The latest test-set evaluation, which the threshold explorer reads.
  public internal(set) var latestTestEvaluation: Evaluation?
  /// The explorer's sorted scores and curves of each class built so far, for the latest
  /// evaluation.
  public internal(set) var explorerCache: [Int: ExplorerData] = [:]
  /// Sorted top probabilities of the latest evaluation, for the explorer's selective mode.
  public internal(set) var selectivePredictor: SelectivePredictor? {
    didSet { selectiveCurve = selectivePredictor.map(Self.coverageAccuracyCurve) ?? [] }
  }
  /// Accuracy of the kept samples against coverage, at thresholds 0, 0.01, ..., 1.
  public private(set) var selectiveCurve: [ChartPoint] = []
  /// The reason the explorer has no data, such as invalid scores.
  public internal(set) var explorerFailure: String?
  /// Whether the step curves show the smoothed line over the raw one.
  public var smoothingEnabled = true
  /// Whether the user paused training.
  public var paused = false
  /// A one-line notice for the status line, such as the theme just chosen. The app clears
  /// it at the next key.
  public var notice: String?
  /// Whether the user asked the run to stop.
  public var stopRequested = false

  public init() {}

  /// The status line's state, from the run's events and the user's requests.
  public var status: RunStatus {
    if let failure {
      return failure.kind == .interrupted
        ? .interrupted(message: failure.message) : .failed(message: failure.message)
    }
    if ended { return .finished }
    if config == nil { return .waiting }
    if stopRequested { return .stopping }
    return paused ? .paused : .running
  }

  /// Class names from the run config, or nothing before the run started.
  public var classNames: [String] { config?.classNames ?? [] }

  /// The number of optimisation steps in the whole run, when known.
  public var totalSteps: Int? {
    guard let config else { return nil }
    let perEpoch = progress?.stepsPerEpoch ?? config.stepsPerEpoch
    return perEpoch * config.epochs
  }

  /// Fraction of the run's steps done, in `0...1`.
  public var runFraction: Double {
    guard let progress, let totalSteps, totalSteps > 0 else { return ended ? 1 : 0 }
    return min(1, max(0, Double(progress.globalStep) / Double(totalSteps)))
  }

  /// Estimated seconds of training left, from the latest throughput and the
  /// images still to train on. Evaluation time is not included, so this is an
  /// estimate on the low side. Nil when there is no throughput yet.
  public var estimatedSecondsRemaining: Double? {
    guard !ended, let progress, let config, let totalSteps, progress.imagesPerSecond > 0 else {
      return nil
    }
    let remainingSteps = max(0, totalSteps - progress.globalStep)
    return Double(remainingSteps * config.batchSize) / progress.imagesPerSecond
  }

  // MARK: Events

  /// Updates the state with one training event. `batchEnded` does constant work
  /// apart from occasional compaction of the step curves. `evaluated` of the test
  /// split computes the ROC curves, which sorts the scores of every class.
  public mutating func apply(_ event: TrainingEvent) {
    switch event {
    case .runStarted(let config):
      self = DashboardState(keepingInterfaceOf: self)
      self.config = config
    case .runResumed(let resumption):
      applyResumption(resumption)
    case .batchEnded(let progress):
      applyBatch(progress)
    case .evaluated(let evaluation):
      // The ROC panel shows the test set, so validation scores are not drawn.
      guard evaluation.split == "test" else { return }
      showTestEvaluation(evaluation)
    case .epochEnded(let summary):
      applyEpoch(summary)
    case .runFinished(let summary):
      runSummary = summary
      ended = true
    case .runFailed(let failure):
      self.failure = failure
      ended = true
    }
  }

  /// Moves keyboard focus to the next panel.
  public mutating func focusNextPanel() {
    focusedPanel = focusedPanel.next
  }

  /// Moves keyboard focus to the previous panel.
  public mutating func focusPreviousPanel() {
    focusedPanel = focusedPanel.previous
  }

  private init(keepingInterfaceOf other: DashboardState) {
    focusedPanel = other.focusedPanel
    helpVisible = other.helpVisible
    matrixNormalized = other.matrixNormalized
    perClassVisible = other.perClassVisible
    explorerSettings = other.explorerSettings
    smoothingEnabled = other.smoothingEnabled
  }

  /// Starts a new segment of a resumed run. The steps and epochs after the checkpoint,
  /// which a killed or stopped segment may have logged, are removed because the resumed
  /// run trains them again.
  private mutating func applyResumption(_ resumption: RunResumption) {
    config = resumption.config
    ended = false
    failure = nil
    runSummary = nil
    let resumedFrom = resumption.resumedFromEpoch
    let lastStep = Double(resumedFrom * resumption.config.stepsPerEpoch)
    epochs.removeAll { $0.epoch > resumedFrom }
    testLoss.removeAll { $0.x > lastStep }
    testAccuracy.removeAll { $0.x > lastStep }
    trainLoss.removePoints(afterX: lastStep)
    trainAccuracy.removePoints(afterX: lastStep)
    smoothedLoss.removePoints(afterX: lastStep)
    smoothedAccuracy.removePoints(afterX: lastStep)
    if let progress, Double(progress.globalStep) > lastStep { self.progress = nil }
    confusionMatrix = epochs.last?.test.confusionMatrix
  }

  private mutating func applyBatch(_ progress: BatchProgress) {
    self.progress = progress
    let step = Double(progress.globalStep)
    trainLoss.append(x: step, y: progress.loss)
    trainAccuracy.append(x: step, y: progress.accuracy)
    if let loss = lossAverage.add(progress.loss) {
      smoothedLoss.append(x: step, y: loss)
    }
    if let accuracy = accuracyAverage.add(progress.accuracy) {
      smoothedAccuracy.append(x: step, y: accuracy)
    }
  }

  private mutating func applyEpoch(_ summary: EpochSummary) {
    epochs.removeAll { $0.epoch == summary.epoch }
    epochs.append(summary)
    confusionMatrix = summary.test.confusionMatrix
    let stepsPerEpoch = progress?.stepsPerEpoch ?? config?.stepsPerEpoch ?? 0
    let step = Double(summary.epoch * stepsPerEpoch)
    testLoss.removeAll { $0.x == step }
    testAccuracy.removeAll { $0.x == step }
    testLoss.append(ChartPoint(x: step, y: summary.test.loss))
    testAccuracy.append(ChartPoint(x: step, y: summary.test.accuracy))
  }
}
