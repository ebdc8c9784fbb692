import Foundation
import LeptonEngine
import LeptonMetrics

/// Settings of the threshold explorer: its class, threshold and mode.
public struct ExplorerSettings: Sendable, Equatable {
  public var visible = false
  /// Whether the explorer abstains on low top probabilities instead of showing one class
  /// against the rest.
  public var selective = false
  public var classIndex = 0
  public var threshold = 0.5
  /// The outcome of the last preset jump, such as the F1 it found or why none exists.
  public var note: String?
  /// The text typed after `=`, or nil when no value is being typed.
  public var prompt: String?
  /// Whether the explorer was opened before, so the first opening can pick the class.
  public var openedBefore = false

  public init() {}
}

/// The sorted scores and curves of the explorer's class, built once per evaluation and
/// class so that each key press costs a binary search.
public struct ExplorerData: Sendable {
  public var epoch: Int
  public var classIndex: Int
  public var explorer: ThresholdExplorer
  /// The class's ROC curve and precision-recall curve, at most `rocPointLimit` points each.
  public var rocPoints: [ChartPoint]
  public var precisionRecallPoints: [ChartPoint]
  public var histogram: ScoreHistogram
}

extension DashboardState {
  /// The explorer's sorted scores and curves for the current class.
  public var explorerData: ExplorerData? { explorerCache[explorerSettings.classIndex] }

  /// Bins of the explorer's score histogram.
  static let explorerHistogramBins = 20

  /// Builds the explorer's data for every class while the explorer is visible, so that
  /// changing the class costs no sort. It runs once per evaluation.
  public mutating func refreshExplorer() {
    guard explorerSettings.visible, let classCount = latestTestEvaluation?.classCount else {
      return
    }
    let current = explorerSettings.classIndex
    for index in 0..<classCount where explorerCache[index] == nil {
      explorerSettings.classIndex = index
      refreshCurrentClass()
      if explorerFailure != nil { break }
    }
    explorerSettings.classIndex = current
    if explorerSettings.selective || explorerFailure != nil { refreshCurrentClass() }
  }

  /// Builds the explorer's data for the current class when it is missing.
  mutating func refreshCurrentClass() {
    guard explorerSettings.visible, let evaluation = latestTestEvaluation else { return }
    let classCount = evaluation.classCount
    guard classCount > 0 else { return }
    explorerSettings.classIndex = min(max(0, explorerSettings.classIndex), classCount - 1)
    let labels = evaluation.labels.map(Int.init)
    do {
      if explorerSettings.selective {
        if selectivePredictor == nil {
          selectivePredictor = try SelectivePredictor(
            labels: labels, probabilities: evaluation.scores, classCount: classCount)
        }
      } else if explorerCache[explorerSettings.classIndex]?.epoch != evaluation.epoch {
        let explorer = try ThresholdExplorer(
          labels: labels, scores: evaluation.scores, classCount: classCount,
          classIndex: explorerSettings.classIndex)
        let roc = explorer.ranking.rocCurve(dropIntermediate: true)
        let rates = Self.downsample(
          falsePositiveRates: roc.falsePositiveRates, truePositiveRates: roc.truePositiveRates,
          limit: Self.rocPointLimit)
        let pr = explorer.ranking.precisionRecallCurve()
        let prPoints = Self.downsample(
          falsePositiveRates: pr.recalls, truePositiveRates: pr.precisions,
          limit: Self.rocPointLimit)
        explorerCache[explorerSettings.classIndex] = ExplorerData(
          epoch: evaluation.epoch, classIndex: explorerSettings.classIndex, explorer: explorer,
          rocPoints: zip(rates.falsePositive, rates.truePositive).map {
            ChartPoint(x: $0, y: $1)
          },
          precisionRecallPoints: zip(prPoints.falsePositive, prPoints.truePositive).map {
            ChartPoint(x: $0, y: $1)
          },
          histogram: explorer.histogram(binCount: Self.explorerHistogramBins))
      }
      explorerFailure = nil
    } catch {
      explorerCache = [:]
      selectivePredictor = nil
      explorerFailure = "threshold explorer unavailable: \(error)"
    }
  }

  /// Returns (coverage, accuracy of kept samples) at thresholds 0, 0.01, ..., 1, leaving
  /// out thresholds that keep no sample.
  static func coverageAccuracyCurve(_ predictor: SelectivePredictor) -> [ChartPoint] {
    (0...100).compactMap { step in
      let result = predictor.result(atThreshold: Double(step) / 100)
      guard !result.accuracy.isNaN, !result.coverage.isNaN else { return nil }
      return ChartPoint(x: result.coverage, y: result.accuracy)
    }
  }

  /// Keeps the latest test evaluation for the explorer and drops data built on the
  /// previous one.
  mutating func storeTestEvaluation(_ evaluation: Evaluation) {
    latestTestEvaluation = evaluation
    explorerCache = [:]
    selectivePredictor = nil
    refreshExplorer()
  }

  /// Opens or closes the explorer. The first opening on a binary task shows class 1, the
  /// positive class by scikit-learn's convention.
  public mutating func toggleExplorer() {
    explorerSettings.visible.toggle()
    if explorerSettings.visible && !explorerSettings.openedBefore {
      explorerSettings.openedBefore = true
      if latestTestEvaluation?.classCount == 2 { explorerSettings.classIndex = 1 }
    }
    refreshExplorer()
  }

  public mutating func toggleSelective() {
    guard explorerSettings.visible else { return }
    explorerSettings.selective.toggle()
    explorerSettings.note = nil
    refreshExplorer()
  }

  /// Moves the threshold by `step`, kept within 0...1 and rounded to 1e-6 so that repeated
  /// steps of 0.01 land on round values.
  public mutating func moveThreshold(by step: Double) {
    guard explorerSettings.visible else { return }
    let moved = ((explorerSettings.threshold + step) * 1e6).rounded() / 1e6
    explorerSettings.threshold = min(1, max(0, moved))
    explorerSettings.note = nil
  }

  /// Moves the threshold to the next distinct score of the class above (`direction` > 0)
  /// or below it, or of the top probabilities in selective mode.
  public mutating func jumpToScore(_ direction: Int) {
    guard explorerSettings.visible else { return }
    let current = explorerSettings.threshold
    let next: Double?
    if explorerSettings.selective, let predictor = selectivePredictor {
      // The probabilities are descending, so those above a value form a prefix.
      let sorted = predictor.sortedTopProbabilities
      if direction > 0 {
        let above = Self.prefixLength(sorted) { $0 > current }
        next = above > 0 ? sorted[above - 1] : nil
      } else {
        let atOrAbove = Self.prefixLength(sorted) { $0 >= current }
        next = atOrAbove < sorted.count ? sorted[atOrAbove] : nil
      }
    } else if let data = explorerData {
      next =
        direction > 0
        ? data.explorer.nextScore(above: current) : data.explorer.nextScore(below: current)
    } else {
      next = nil
    }
    if let next {
      explorerSettings.threshold = next
      explorerSettings.note = nil
    } else {
      explorerSettings.note = direction > 0 ? "no score above" : "no score below"
    }
  }

  /// Returns the length of the prefix of `values` whose elements satisfy `condition`, for
  /// a condition that holds on a prefix only, by binary search.
  static func prefixLength(_ values: [Double], where condition: (Double) -> Bool) -> Int {
    var low = 0
    var high = values.count
    while low < high {
      let middle = (low + high) / 2
      if condition(values[middle]) { low = middle + 1 } else { high = middle }
    }
    return low
  }

  /// Shows the next (`delta` = 1) or previous class against the rest, wrapping around.
  public mutating func changeExplorerClass(by delta: Int) {
    guard explorerSettings.visible, let classCount = latestTestEvaluation?.classCount,
      classCount > 0
    else { return }
    let index = explorerSettings.classIndex + delta
    explorerSettings.classIndex = ((index % classCount) + classCount) % classCount
    explorerSettings.note = nil
    refreshExplorer()
  }

  /// Jumps to the threshold with the highest F1.
  public mutating func applyMaximumF1() {
    guard let data = explorerData, explorerSettings.visible, !explorerSettings.selective else {
      return
    }
    apply(data.explorer.maximumF1, label: "max F1")
  }

  /// Jumps to the threshold with the highest Youden's J.
  public mutating func applyMaximumYoudenJ() {
    guard let data = explorerData, explorerSettings.visible, !explorerSettings.selective else {
      return
    }
    apply(data.explorer.maximumYoudenJ, label: "max Youden's J")
  }

  private mutating func apply(_ search: ThresholdSearch, label: String) {
    if let threshold = search.threshold {
      explorerSettings.threshold = threshold
      let value = search.value.map { NumberFormat.fixed($0, decimals: 4) } ?? "undefined"
      explorerSettings.note = "\(label) \(value)"
    } else {
      explorerSettings.note = "\(label): \(search.reason ?? "not found")"
    }
  }

  // MARK: - Typed values

  /// Starts typing a threshold, or a precision or recall target such as `p0.9`.
  public mutating func startPrompt() {
    guard explorerSettings.visible else { return }
    explorerSettings.prompt = ""
    explorerSettings.note = nil
  }

  /// Adds a typed character: digits, a decimal point, or `p` or `r` first.
  public mutating func typeInPrompt(_ character: Character) {
    guard var text = explorerSettings.prompt, text.count < 12 else { return }
    let lowered = Character(character.lowercased())
    if character.isASCII && (character.isNumber || character == ".") {
      text.append(character)
    } else if text.isEmpty && (lowered == "p" || lowered == "r") {
      text.append(lowered)
    }
    explorerSettings.prompt = text
  }

  public mutating func deleteInPrompt() {
    guard let text = explorerSettings.prompt, !text.isEmpty else { return }
    explorerSettings.prompt = String(text.dropLast())
  }

  public mutating func cancelPrompt() {
    explorerSettings.prompt = nil
  }

  /// Applies the typed value: a threshold from 0 to 1, `pX` for the lowest threshold with
  /// precision at least X, or `rX` for the highest threshold with recall at least X.
  public mutating func submitPrompt() {
    guard let text = explorerSettings.prompt else { return }
    explorerSettings.prompt = nil
    let usage = "type a threshold from 0 to 1, or p0.9 or r0.8 for a precision or recall target"
    let target = text.first.map { $0 == "p" || $0 == "r" } ?? false
    guard let value = Double(target ? String(text.dropFirst()) : text), (0...1).contains(value)
    else {
      explorerSettings.note = "invalid value '\(text)': \(usage)"
      return
    }
    guard target else {
      explorerSettings.threshold = value
      explorerSettings.note = nil
      return
    }
    guard let data = explorerData, !explorerSettings.selective else {
      explorerSettings.note = "precision and recall targets need one class against the rest"
      return
    }
    if text.first == "p" {
      apply(
        data.explorer.lowestThreshold(precisionAtLeast: value),
        label: "lowest with precision >= \(text.dropFirst()):")
    } else {
      apply(
        data.explorer.highestThreshold(recallAtLeast: value),
        label: "highest with recall >= \(text.dropFirst()):")
    }
  }

  // MARK: - Epoch selection

  /// The epoch the evaluation panels show.
  public var displayedEpoch: Int? { selectedEpoch ?? epochs.last?.epoch }

  /// The epochs up to the displayed one, for the per-class table.
  public var epochsUpToDisplayed: [EpochSummary] {
    guard let selectedEpoch else { return epochs }
    return epochs.filter { $0.epoch <= selectedEpoch }
  }

  /// Shows epoch `epoch` in the evaluation panels: its confusion matrix, and the ROC
  /// curves and explorer data of `evaluation`, its test scores.
  public mutating func selectEpoch(_ epoch: Int, evaluation: Evaluation) {
    guard let summary = epochs.first(where: { $0.epoch == epoch }) else { return }
    selectedEpoch = epoch == epochs.last?.epoch ? nil : epoch
    confusionMatrix = summary.test.confusionMatrix
    showTestEvaluation(evaluation)
  }

  /// Computes the ROC curves of a test evaluation and hands it to the explorer.
  mutating func showTestEvaluation(_ evaluation: Evaluation) {
    do {
      rocCurves = try Self.rocSeries(for: evaluation, classNames: classNames)
      rocFailure = nil
    } catch {
      rocCurves = []
      rocFailure = "ROC curves unavailable: \(error)"
    }
    storeTestEvaluation(evaluation)
  }
}
