/// Metrics of one class against the rest at any decision threshold. The
/// scores are sorted once when the explorer is built, so each query is a
/// binary search over the distinct scores and never a pass over the samples.
/// A sample is predicted positive when its score is >= the threshold.
public struct ThresholdExplorer: Sendable {
  /// Distinct scores with cumulative true and false positive counts.
  public let ranking: BinaryRanking
  /// `precisionSuffixMaximum[i]` is the maximum precision over distinct
  /// scores `i...` (the thresholds at or below `ranking.thresholds[i]`).
  /// It is non-increasing, so a precision target is a binary search.
  private let precisionSuffixMaximum: [Double]
  /// Threshold and value of the maximum F1 over the distinct scores.
  public let maximumF1: ThresholdSearch
  /// Threshold and value of the maximum Youden's J = TPR - FPR.
  public let maximumYoudenJ: ThresholdSearch

  /// Sorts `scores` once, where `isPositive[i]` is the class of sample `i`.
  /// - Throws: `MetricsError` for mismatched lengths or NaN and infinite
  ///   scores, which are found before sorting.
  public init(isPositive: [Bool], scores: [Double]) throws {
    self.init(ranking: try BinaryRanking(isPositive: isPositive, scores: scores))
  }

  /// Takes column `classIndex` of a row-major `[N, classCount]` score matrix
  /// as the scores of class `classIndex` against the rest.
  /// - Throws: `MetricsError` for a matrix size that does not match the
  ///   labels, a class index outside `0..<classCount`, or non-finite scores.
  public init(labels: [Int], scores: [Float], classCount: Int, classIndex: Int) throws {
    self.init(
      ranking: try Self.rankColumn(
        labels: labels, scores: scores, classCount: classCount, classIndex: classIndex))
  }

  /// Takes column `classIndex` of a row-major `[N, classCount]` score matrix
  /// as the scores of class `classIndex` against the rest.
  /// - Throws: `MetricsError` as the `[Float]` variant.
  public init(labels: [Int], scores: [Double], classCount: Int, classIndex: Int) throws {
    self.init(
      ranking: try Self.rankColumn(
        labels: labels, scores: scores, classCount: classCount, classIndex: classIndex))
  }

  // The public initialisers have concrete score types, so that this generic
  // code is specialised inside the module instead of running unspecialised
  // for callers in other modules, which was 7 times slower in a release build
  // of `lepton bench --threshold`.
  private static func rankColumn<Score: BinaryFloatingPoint>(
    labels: [Int], scores: [Score], classCount: Int, classIndex: Int
  ) throws -> BinaryRanking {
    guard classCount >= 1 else { throw MetricsError.invalidClassCount(classCount, minimum: 1) }
    guard (0..<classCount).contains(classIndex) else {
      throw MetricsError.invalidLabelSelection(label: classIndex, classCount: classCount)
    }
    try checkMatrixSize(scores.count, sampleCount: labels.count, classCount: classCount)
    try checkFinite(scores, columnCount: classCount)
    let column = stride(from: classIndex, to: scores.count, by: classCount).map {
      Double(scores[$0])
    }
    return try BinaryRanking(isPositive: labels.map { $0 == classIndex }, scores: column)
  }

  /// Builds the explorer on an existing ranking.
  public init(ranking: BinaryRanking) {
    self.ranking = ranking
    var suffixMaximum = [Double](repeating: 0, count: ranking.thresholds.count)
    var runningMaximum = -Double.infinity
    for index in ranking.thresholds.indices.reversed() {
      let truePositives = Double(ranking.truePositives[index])
      let predicted = truePositives + Double(ranking.falsePositives[index])
      runningMaximum = max(runningMaximum, truePositives / predicted)
      suffixMaximum[index] = runningMaximum
    }
    self.precisionSuffixMaximum = suffixMaximum
    self.maximumF1 = Self.searchMaximumF1(ranking)
    self.maximumYoudenJ = Self.searchMaximumYoudenJ(ranking)
  }

  public var positiveCount: Int { ranking.positiveCount }
  public var negativeCount: Int { ranking.negativeCount }
  /// Distinct scores, descending.
  public var distinctScores: [Double] { ranking.thresholds }

  // MARK: - Queries

  /// Returns the confusion matrix and its metrics at `threshold`.
  /// `threshold` may be infinite but must not be NaN.
  public func point(atThreshold threshold: Double) -> ThresholdPoint {
    precondition(!threshold.isNaN, "a threshold must not be NaN")
    return ThresholdPoint(threshold: threshold, counts: ranking.counts(atThreshold: threshold))
  }

  /// Returns the lowest distinct score above `threshold`, or nil when no
  /// score is above it.
  public func nextScore(above threshold: Double) -> Double? {
    // Distinct scores > threshold are a prefix of the descending list.
    let count = prefixCount { $0 > threshold }
    return count > 0 ? ranking.thresholds[count - 1] : nil
  }

  /// Returns the highest distinct score below `threshold`, or nil when no
  /// score is below it.
  public func nextScore(below threshold: Double) -> Double? {
    let count = prefixCount { $0 >= threshold }
    return count < ranking.thresholds.count ? ranking.thresholds[count] : nil
  }

  /// Returns the lowest threshold (a distinct score) whose precision is
  /// >= `target`, which predicts the most samples positive at that precision.
  public func lowestThreshold(precisionAtLeast target: Double) -> ThresholdSearch {
    guard !ranking.thresholds.isEmpty else { return .notFound(reason: "no samples") }
    guard ranking.positiveCount > 0 else {
      return .notFound(reason: "no positive samples, so precision is 0 at every threshold")
    }
    let count = LeptonMetrics.prefixCount(of: precisionSuffixMaximum) { $0 >= target }
    guard count > 0 else {
      let best = precisionSuffixMaximum[0]
      return .notFound(
        reason:
          "no threshold reaches precision \(target); the maximum is "
          + String(format: "%.4f", best))
    }
    let index = count - 1
    return .found(threshold: ranking.thresholds[index], value: precisionSuffixMaximum[index])
  }

  /// Returns the highest threshold (a distinct score) whose recall is >=
  /// `target`, which predicts the fewest samples positive at that recall.
  public func highestThreshold(recallAtLeast target: Double) -> ThresholdSearch {
    guard !ranking.thresholds.isEmpty else { return .notFound(reason: "no samples") }
    guard ranking.positiveCount > 0 else {
      return .notFound(reason: "no positive samples, so recall is undefined")
    }
    let positives = Double(ranking.positiveCount)
    // Recall grows as the threshold falls, so the distinct scores whose
    // recall is below the target are a prefix.
    let below = LeptonMetrics.prefixCount(of: ranking.truePositives) {
      Double($0) / positives < target
    }
    guard below < ranking.thresholds.count else {
      return .notFound(reason: "recall \(target) is above 1, so no threshold reaches it")
    }
    let recall = Double(ranking.truePositives[below]) / positives
    return .found(threshold: ranking.thresholds[below], value: recall)
  }

  // MARK: - Binary search

  /// Number of leading distinct scores for which `isInPrefix` holds. The
  /// predicate must hold for a prefix of the descending scores only.
  private func prefixCount(_ isInPrefix: (Double) -> Bool) -> Int {
    LeptonMetrics.prefixCount(of: ranking.thresholds, isInPrefix)
  }

  // MARK: - Presets computed once

  private static func searchMaximumF1(_ ranking: BinaryRanking) -> ThresholdSearch {
    guard !ranking.thresholds.isEmpty else { return .notFound(reason: "no samples") }
    guard ranking.positiveCount > 0 else {
      return .notFound(reason: "no positive samples, so F1 is 0 at every threshold")
    }
    var bestIndex = 0
    var bestValue = -Double.infinity
    for index in ranking.thresholds.indices {
      let truePositives = ranking.truePositives[index]
      let falsePositives = ranking.falsePositives[index]
      let falseNegatives = ranking.positiveCount - truePositives
      let value =
        Double(2 * truePositives) / Double(2 * truePositives + falsePositives + falseNegatives)
      // A strict comparison keeps the highest threshold among equal values.
      if value > bestValue {
        bestValue = value
        bestIndex = index
      }
    }
    return .found(threshold: ranking.thresholds[bestIndex], value: bestValue)
  }

  private static func searchMaximumYoudenJ(_ ranking: BinaryRanking) -> ThresholdSearch {
    if let reason = ranking.aucUndefinedReason {
      let text: String
      switch reason {
      case .noSamples: text = "no samples"
      case .noPositiveSamples: text = "no positive samples, so the true positive rate is undefined"
      case .noNegativeSamples:
        text = "no negative samples, so the false positive rate is undefined"
      }
      return .notFound(reason: text)
    }
    let positives = Double(ranking.positiveCount)
    let negatives = Double(ranking.negativeCount)
    var bestIndex = 0
    var bestValue = -Double.infinity
    for index in ranking.thresholds.indices {
      let value =
        Double(ranking.truePositives[index]) / positives
        - Double(ranking.falsePositives[index]) / negatives
      if value > bestValue {
        bestValue = value
        bestIndex = index
      }
    }
    return .found(threshold: ranking.thresholds[bestIndex], value: bestValue)
  }
}

/// The result of a search for a threshold: the threshold with the metric
/// value it reaches, or the reason no threshold qualifies.
public enum ThresholdSearch: Sendable, Equatable {
  case found(threshold: Double, value: Double)
  case notFound(reason: String)

  /// The threshold found, or nil.
  public var threshold: Double? {
    if case .found(let threshold, _) = self { return threshold }
    return nil
  }

  /// The metric value at the threshold found, or nil.
  public var value: Double? {
    if case .found(_, let value) = self { return value }
    return nil
  }

  /// The reason no threshold qualifies, or nil when one was found.
  public var reason: String? {
    if case .notFound(let reason) = self { return reason }
    return nil
  }
}
