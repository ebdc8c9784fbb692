import Foundation
import LeptonEngine
import LeptonMetrics

/// The views of the comparison screen, in Tab order. The raw value is the number key
/// that selects the view.
public enum ComparisonTab: Int, CaseIterable, Sendable {
  case curves = 1
  case metrics
  case perClass
  case confusion
  case roc

  /// The name shown in the tab bar.
  public var title: String {
    switch self {
    case .curves: return "Curves"
    case .metrics: return "Metrics"
    case .perClass: return "Per-class F1"
    case .confusion: return "Confusion diff"
    case .roc: return "ROC per class"
    }
  }

  /// A shorter name for narrow terminals.
  public var shortTitle: String {
    switch self {
    case .curves: return "Curves"
    case .metrics: return "Metrics"
    case .perClass: return "F1"
    case .confusion: return "Diff"
    case .roc: return "ROC"
    }
  }

  /// The view after this one, wrapping around.
  public var next: ComparisonTab {
    ComparisonTab(rawValue: rawValue % Self.allCases.count + 1) ?? .curves
  }

  /// The view before this one, wrapping around.
  public var previous: ComparisonTab {
    let count = Self.allCases.count
    return ComparisonTab(rawValue: (rawValue + count - 2) % count + 1) ?? .curves
  }
}

/// A quantity that the curves view draws for every run.
public enum ComparisonMetric: CaseIterable, Sendable {
  case trainLossByStep
  case trainLossByEpoch
  case trainAccuracyByStep
  case testLoss
  case testAccuracy
  case macroF1
  case macroAUC
  case validationLoss
  case validationAccuracy

  /// The name shown in the chart title and the status line.
  public var title: String {
    switch self {
    case .trainLossByStep: return "train loss per step"
    case .trainLossByEpoch: return "train loss per epoch"
    case .trainAccuracyByStep: return "train accuracy per step"
    case .testLoss: return "test loss"
    case .testAccuracy: return "test accuracy"
    case .macroF1: return "test macro F1"
    case .macroAUC: return "test macro AUC"
    case .validationLoss: return "validation loss"
    case .validationAccuracy: return "validation accuracy"
    }
  }

  /// Whether the metric has one value per training step rather than one per epoch.
  public var isStepLevel: Bool {
    self == .trainLossByStep || self == .trainAccuracyByStep
  }

  /// Returns the metric's value for one epoch, or nil when the epoch has none.
  func value(of summary: EpochSummary) -> Double? {
    switch self {
    case .trainLossByStep, .trainAccuracyByStep: return nil
    case .trainLossByEpoch: return summary.trainLoss
    case .testLoss: return summary.test.loss
    case .testAccuracy: return summary.test.accuracy
    case .macroF1: return summary.test.macro.f1
    case .macroAUC: return summary.test.macro.auc
    case .validationLoss: return summary.validation?.loss
    case .validationAccuracy: return summary.validation?.accuracy
    }
  }
}

/// The quantity on the x axis of the curves view.
public enum ComparisonAxis: Sendable {
  /// Epochs, where step-level points sit at fractions of an epoch.
  case epoch
  /// Global optimisation steps, where an epoch's values sit at the epoch's last step.
  case step
}

/// One run of a comparison, built from its training events.
public struct ComparedRun: Sendable {
  /// The column letter: A, B, C and so on.
  public let letter: String
  /// The run id from the run's config, or the id given before the run started.
  public private(set) var id: String
  public private(set) var config: RunConfig?
  public private(set) var epochs: [EpochSummary] = []
  /// Per-step training loss and accuracy, x being the global step.
  public private(set) var trainLoss = SeriesBuffer(capacity: DashboardState.stepCurveCapacity)
  public private(set) var trainAccuracy = SeriesBuffer(
    capacity: DashboardState.stepCurveCapacity)
  /// Steps per epoch from the latest batch event, or from the config before any.
  public private(set) var stepsPerEpoch: Int?
  /// The latest test-set evaluation, with its argmax predictions.
  public private(set) var evaluation: Evaluation?
  public private(set) var predictions: [Int32] = []
  /// The confusion matrix of the latest evaluation, or of the latest epoch summary.
  public private(set) var confusionMatrix: ConfusionMatrix?
  /// One-vs-rest ROC curves of the latest evaluation, one per class.
  public private(set) var rocCurves: [ROCSeries] = []
  /// The reason the latest evaluation has no ROC curves, such as invalid scores.
  public private(set) var rocFailure: String?
  /// Whether the trainer reported `runFinished` or `runFailed`.
  public private(set) var ended = false
  /// The latest training step, while the run trains.
  public private(set) var progress: BatchProgress?
  /// The end state of the run: "finished", "interrupted" or "failed", or nil while it runs.
  public private(set) var outcome: String?

  init(letter: String, id: String) {
    self.letter = letter
    self.id = id
  }

  /// The test report of the latest epoch.
  public var latestReport: ClassificationReport? { epochs.last?.test }

  /// Class names from the config, or nothing before the run started.
  public var classNames: [String] { config?.classNames ?? [] }

  mutating func start(_ config: RunConfig) {
    self = ComparedRun(letter: letter, id: config.runID)
    self.config = config
    stepsPerEpoch = config.stepsPerEpoch
  }

  /// Drops what the log recorded after the resumed checkpoint's epoch, since the resumed
  /// run trains those epochs again.
  mutating func resume(_ resumption: RunResumption) {
    config = resumption.config
    stepsPerEpoch = resumption.config.stepsPerEpoch
    ended = false
    let resumedFrom = resumption.resumedFromEpoch
    let lastStep = Double(resumedFrom * resumption.config.stepsPerEpoch)
    outcome = nil
    progress = nil
    epochs.removeAll { $0.epoch > resumedFrom }
    trainLoss.removePoints(afterX: lastStep)
    trainAccuracy.removePoints(afterX: lastStep)
    if let epoch = evaluation?.epoch, epoch > resumedFrom {
      evaluation = nil
      predictions = []
      rocCurves = []
      rocFailure = nil
      confusionMatrix = epochs.last?.test.confusionMatrix
    }
  }

  mutating func addBatch(_ progress: BatchProgress) {
    self.progress = progress
    stepsPerEpoch = progress.stepsPerEpoch
    let step = Double(progress.globalStep)
    trainLoss.append(x: step, y: progress.loss)
    trainAccuracy.append(x: step, y: progress.accuracy)
  }

  mutating func addEpoch(_ summary: EpochSummary) {
    epochs.removeAll { $0.epoch == summary.epoch }
    epochs.append(summary)
    if evaluation?.epoch != summary.epoch {
      confusionMatrix = summary.test.confusionMatrix
    }
  }

  mutating func end(outcome: String) {
    ended = true
    self.outcome = outcome
  }

  /// Stores a test evaluation: argmax predictions, their confusion matrix and the ROC
  /// curves. Scores that give no ROC curves leave a message in `rocFailure`.
  mutating func setEvaluation(_ evaluation: Evaluation) {
    self.evaluation = evaluation
    let classes = evaluation.classCount
    predictions = (0..<evaluation.sampleCount).map { row in
      var best = 0
      for column in 1..<max(1, classes)
      where evaluation.scores[row * classes + column] > evaluation.scores[row * classes + best] {
        best = column
      }
      return Int32(best)
    }
    confusionMatrix = try? ConfusionMatrix(
      classCount: classes, actual: evaluation.labels, predicted: predictions)
    do {
      rocCurves = try DashboardState.rocSeries(for: evaluation, classNames: classNames)
      rocFailure = nil
    } catch {
      rocCurves = []
      rocFailure = "ROC curves unavailable: \(error)"
    }
  }
}

/// One run's curve in the curves view, in chart coordinates.
public struct RunCurve: Sendable {
  public var runIndex: Int
  /// The points drawn, after alignment, smoothing and the log transform.
  public var points: [ChartPoint]
  /// Whether the points are one per epoch, drawn with a marker on each.
  public var perEpoch: Bool
}

/// A confusion-matrix difference between two runs on the same classes.
public struct MatrixDifference: Equatable, Sendable {
  public var classCount: Int
  /// Row-major `[classCount, classCount]`: counts, or row rates in `-1...1` when `normalized`.
  public var values: [Double]
  public var normalized: Bool

  public subscript(actual: Int, predicted: Int) -> Double {
    values[actual * classCount + predicted]
  }

  /// Returns whether a cell's change is an improvement: more samples on the diagonal
  /// or fewer off it. Zero changes are neither.
  public func isImprovement(actual: Int, predicted: Int) -> Bool? {
    let value = self[actual, predicted]
    guard value != 0 else { return nil }
    return (actual == predicted) == (value > 0)
  }
}

/// Everything the comparison screen shows: one `ComparedRun` per run, built by
/// applying the same training events as the dashboard, plus the state of the screen.
/// Run A (index 0) is the reference of every difference.
public struct ComparisonState: Sendable {
  /// Weight of the previous value in the smoothed step curves, as in the dashboard.
  public static let smoothingWeight = DashboardState.smoothingWeight
  /// Markers drawn on each step-level curve, so runs stay apart without colour.
  public static let markersPerStepCurve = 8

  public private(set) var runs: [ComparedRun]
  /// Statistics of each run against A, keyed by run index, once both have evaluations.
  public private(set) var statistics: [Int: PairedStatistics] = [:]
  /// The reason a run has no statistics against A, keyed by run index.
  public private(set) var statisticsFailures: [Int: String] = [:]
  /// Seed of the paired bootstrap resamples.
  public let bootstrapSeed: UInt64

  // MARK: Screen state

  public var tab: ComparisonTab = .curves
  public var helpVisible = false
  public private(set) var metric: ComparisonMetric = .testAccuracy
  public var axis: ComparisonAxis = .epoch
  /// Whether step-level curves are replaced by their exponential moving average.
  public var smoothingEnabled = true
  /// Whether the curves view draws log10 of the values. Only set when every value is positive.
  public private(set) var logScale = false
  /// Whether the matrix difference compares row rates instead of counts.
  public var matrixNormalized = false
  /// The run compared with A in the matrix difference, from 1 to `runs.count - 1`.
  public private(set) var comparedRun = 1
  /// The class whose ROC curves are shown.
  public private(set) var selectedClass = 0
  /// A one-line notice for the status line, such as why log scale was rejected.
  public var message: String?
  /// Whether the runs train while the screen is open, as with `lepton train --model A
  /// --model B`, so the status line shows their progress.
  public var live = false
  /// Whether the user paused the live runs.
  public var paused = false
  /// Whether the user asked the live runs to stop.
  public var stopRequested = false

  /// Whether every run has reported its end.
  public var allEnded: Bool { runs.allSatisfy(\.ended) }

  /// Creates a comparison of `runIDs.count` runs, named by these ids until their
  /// `runStarted` events arrive.
  public init(runIDs: [String], bootstrapSeed: UInt64 = 0) {
    runs = runIDs.enumerated().map { index, id in
      ComparedRun(letter: ComparisonText.letter(index), id: id)
    }
    self.bootstrapSeed = bootstrapSeed
  }

  /// Class names of run A, which every run must share for the statistics.
  public var classNames: [String] { runs.first?.classNames ?? [] }

  /// The number of classes, from run A's config or evaluation.
  public var classCount: Int {
    if let evaluation = runs.first?.evaluation { return evaluation.classCount }
    return runs.first?.config?.classNames.count ?? 0
  }

  /// Returns the name of class `index`, or its number when the run has no names.
  public func className(_ index: Int) -> String {
    index < classNames.count ? classNames[index] : String(index)
  }

  // MARK: Events

  /// Updates run `index` with one training event, as `DashboardState.apply` does for a
  /// single run. Events for an index outside the runs are ignored.
  public mutating func apply(_ event: TrainingEvent, toRun index: Int) {
    guard runs.indices.contains(index) else { return }
    switch event {
    case .runStarted(let config):
      runs[index].start(config)
    case .runResumed(let resumption):
      runs[index].resume(resumption)
      refreshStatistics(changedRun: index)
    case .batchEnded(let progress):
      runs[index].addBatch(progress)
    case .evaluated(let evaluation):
      guard evaluation.split == "test" else { return }
      setEvaluation(evaluation, forRun: index)
    case .epochEnded(let summary):
      runs[index].addEpoch(summary)
    case .runFinished:
      runs[index].end(outcome: "finished")
    case .runFailed(let failure):
      runs[index].end(outcome: failure.kind == .interrupted ? "interrupted" : "failed")
    }
  }

  /// Stores the test evaluation of run `index` and recomputes the statistics that use it.
  public mutating func setEvaluation(_ evaluation: Evaluation, forRun index: Int) {
    guard runs.indices.contains(index) else { return }
    runs[index].setEvaluation(evaluation)
    refreshStatistics(changedRun: index)
  }

  /// Recomputes the statistics that compare with run `index`: every run's when it is A.
  private mutating func refreshStatistics(changedRun index: Int) {
    let others = index == 0 ? Array(runs.indices.dropFirst()) : [index]
    for other in others { updateStatistics(forRun: other) }
  }

  // NOTE: The bootstrap draws 1000 resamples on the caller's thread. Stored runs pay
  // this once before the screen opens, but a live trainer's evaluation would delay the
  // next redraw by that much.
  private mutating func updateStatistics(forRun index: Int) {
    statistics[index] = nil
    statisticsFailures[index] = nil
    guard let first = runs[0].evaluation, let other = runs[index].evaluation else { return }
    guard first.labels == other.labels, first.classCount == other.classCount else {
      statisticsFailures[index] = "\(runs[index].letter) and A were tested on different labels"
      return
    }
    do {
      statistics[index] = try PairedStatistics(
        labels: first.labels, predictionsA: runs[0].predictions,
        predictionsB: runs[index].predictions, classCount: first.classCount, seed: bootstrapSeed)
    } catch {
      statisticsFailures[index] = "statistics of \(runs[index].letter) unavailable: \(error)"
    }
  }

  // MARK: Curves

  /// The metrics that at least one run has a value for, in `ComparisonMetric` order.
  public var availableMetrics: [ComparisonMetric] {
    ComparisonMetric.allCases.filter { metric in
      if metric.isStepLevel { return runs.contains { !$0.trainLoss.isEmpty } }
      return runs.contains { run in run.epochs.contains { metric.value(of: $0) != nil } }
    }
  }

  /// Returns the curve of every run for the current metric, axis, smoothing and scale.
  /// With the log scale on, y is log10 of the value, and the chart labels the axis with
  /// the original values.
  public func curves() -> [RunCurve] {
    runs.indices.map { index in
      var points = linearPoints(of: index, metric: metric)
      if logScale {
        points = points.map { ChartPoint(x: $0.x, y: $0.y > 0 ? log10($0.y) : .nan) }
      }
      return RunCurve(runIndex: index, points: points, perEpoch: !metric.isStepLevel)
    }
  }

  /// Returns run `index`'s points of `metric` on the current axis, smoothed when that is
  /// on and the metric is step-level, before any log transform.
  func linearPoints(of index: Int, metric: ComparisonMetric) -> [ChartPoint] {
    let run = runs[index]
    let stepsPerEpoch = Double(max(1, run.stepsPerEpoch ?? 1))
    if metric.isStepLevel {
      // NOTE: Past `stepCurveCapacity` steps the buffer keeps means of groups of steps,
      // so the moving average then runs over those means instead of single steps.
      let raw = metric == .trainLossByStep ? run.trainLoss.allPoints : run.trainAccuracy.allPoints
      let values = smoothingEnabled ? Self.smoothed(raw.map(\.y)) : raw.map(\.y)
      return zip(raw, values).map { point, value in
        ChartPoint(x: axis == .epoch ? point.x / stepsPerEpoch : point.x, y: value)
      }
    }
    return run.epochs.sorted { $0.epoch < $1.epoch }.compactMap { summary in
      guard let value = metric.value(of: summary) else { return nil }
      let epoch = Double(summary.epoch)
      return ChartPoint(x: axis == .epoch ? epoch : epoch * stepsPerEpoch, y: value)
    }
  }

  /// Returns the bias-corrected exponential moving average after each value, with
  /// `smoothingWeight`. Non-finite values keep the previous average.
  public static func smoothed(_ values: [Double]) -> [Double] {
    var average = ExponentialMovingAverage(weight: smoothingWeight)
    return values.map { average.add($0) ?? .nan }
  }

  /// Returns whether every finite value of `metric` in every run is above zero, which a
  /// log scale needs.
  func allPositive(_ metric: ComparisonMetric) -> Bool {
    runs.indices.allSatisfy { index in
      linearPoints(of: index, metric: metric).allSatisfy { !$0.y.isFinite || $0.y > 0 }
    }
  }

  /// Switches the log scale. Turning it on is rejected, with a message, when a value of
  /// the current metric is zero or negative.
  public mutating func toggleLogScale() {
    if logScale {
      logScale = false
      message = "linear y scale"
    } else if allPositive(metric) {
      logScale = true
      message = "log y scale"
    } else {
      message = "log scale rejected: \(metric.title) has values <= 0"
    }
  }

  /// Moves to the next metric that a run has values for. A log scale that the new
  /// metric cannot use is switched off with a message.
  public mutating func cycleMetric() {
    let available = availableMetrics
    guard !available.isEmpty else {
      message = "no metric has values yet"
      return
    }
    let position = available.firstIndex(of: metric).map { $0 + 1 } ?? 0
    metric = available[position % available.count]
    message = nil
    if logScale && !allPositive(metric) {
      logScale = false
      message = "log scale off: \(metric.title) has values <= 0"
    }
  }

  /// Selects a metric directly, with the same log-scale check as `cycleMetric`.
  public mutating func selectMetric(_ metric: ComparisonMetric) {
    self.metric = metric
    if logScale && !allPositive(metric) {
      logScale = false
      message = "log scale off: \(metric.title) has values <= 0"
    }
  }

  /// Switches the x axis between epochs and global steps.
  public mutating func toggleAxis() {
    axis = axis == .epoch ? .step : .epoch
  }

  /// Switches smoothing of step-level curves, re-checking the log scale.
  public mutating func toggleSmoothing() {
    smoothingEnabled.toggle()
    if logScale && !allPositive(metric) {
      logScale = false
      message = "log scale off: \(metric.title) has values <= 0"
    }
  }

  // MARK: Tables and matrices

  /// Returns the index of the run with the best value of `metric` in its latest report,
  /// or nil when no run has a defined value.
  public func bestRun(for metric: ComparedMetric) -> Int? {
    let values = runs.map { $0.latestReport.map(metric.value) ?? .nan }
    return ComparisonText.bestIndex(of: values, higherIsBetter: metric.higherIsBetter)
  }

  /// Returns the confusion matrix of `comparedRun` minus that of A, or nil when either is
  /// missing or they have different classes.
  public func matrixDifference() -> MatrixDifference? {
    guard runs.count > 1, let first = runs[0].confusionMatrix,
      let other = runs[comparedRun].confusionMatrix, first.classCount == other.classCount
    else { return nil }
    let count = first.classCount
    var values: [Double] = []
    values.reserveCapacity(count * count)
    for actual in 0..<count {
      let firstTotal = Double(first.rowSum(actual))
      let otherTotal = Double(other.rowSum(actual))
      for predicted in 0..<count {
        let a = Double(first[actual, predicted])
        let b = Double(other[actual, predicted])
        if matrixNormalized {
          let rateA = firstTotal > 0 ? a / firstTotal : 0
          let rateB = otherTotal > 0 ? b / otherTotal : 0
          values.append(rateB - rateA)
        } else {
          values.append(b - a)
        }
      }
    }
    return MatrixDifference(classCount: count, values: values, normalized: matrixNormalized)
  }

  /// Compares the next run with A in the matrix difference, wrapping after the last run.
  public mutating func cycleComparedRun() {
    guard runs.count > 2 else {
      message = "only run B can be compared with A"
      return
    }
    comparedRun = comparedRun % (runs.count - 1) + 1
  }

  /// Moves the ROC view to the class `delta` away, wrapping around.
  public mutating func changeClass(by delta: Int) {
    let count = classCount
    guard count > 0 else { return }
    selectedClass = ((selectedClass + delta) % count + count) % count
  }
}
