/// Binary scores sorted once, with the cumulative counts at every distinct
/// score. ROC and precision-recall curves, AUC, average precision and the
/// counts at any decision threshold all derive from it. A sample is
/// predicted positive when its score is >= the threshold.
public struct BinaryRanking: Sendable, Equatable {
  /// Distinct scores, descending.
  public let thresholds: [Double]
  /// Positive samples with score >= `thresholds[i]`.
  public let truePositives: [Int]
  /// Negative samples with score >= `thresholds[i]`.
  public let falsePositives: [Int]
  public let positiveCount: Int
  public let negativeCount: Int
  /// Area under the full ROC curve, equal to the Mann-Whitney statistic
  /// with ties counted 1/2, or NaN when one class is missing.
  public let auc: Double
  /// Step-wise average precision without interpolation, as scikit-learn;
  /// NaN when there are no positive samples (scikit-learn stores 0 there).
  public let averagePrecision: Double

  /// Ranks `scores`, where `isPositive[i]` is the class of sample `i`.
  /// - Throws: `MetricsError` for mismatched lengths or NaN and infinite
  ///   scores, which are found before sorting.
  public init(isPositive: [Bool], scores: [Double]) throws {
    guard scores.count == isPositive.count else {
      throw MetricsError.lengthMismatch(
        name: "scores", expected: isPositive.count, actual: scores.count)
    }
    try checkFinite(scores, columnCount: 1)
    var samples = zip(scores, isPositive).map { ScoredSample(score: $0, isPositive: $1) }
    samples.sortByDescendingScore()
    self.init(sorted: samples)
  }

  /// Ranks `scores` with `positiveLabel` as the positive class and every
  /// other label as negative.
  /// - Throws: `MetricsError.positiveLabelNotFound` when `labels` contain two
  ///   or more distinct values and `positiveLabel` is not among them.
  public init<Label: Hashable>(labels: [Label], scores: [Double], positiveLabel: Label) throws {
    try checkPositiveLabel(positiveLabel, among: labels)
    try self.init(isPositive: labels.map { $0 == positiveLabel }, scores: scores)
  }

  init(sorted: [ScoredSample]) {
    var thresholds: [Double] = []
    var truePositives: [Int] = []
    var falsePositives: [Int] = []
    forEachDistinctScore(sorted) { threshold, truePositiveCount, falsePositiveCount in
      thresholds.append(threshold)
      truePositives.append(truePositiveCount)
      falsePositives.append(falsePositiveCount)
    }
    let summary = RankSummary(sorted: sorted)
    self.thresholds = thresholds
    self.truePositives = truePositives
    self.falsePositives = falsePositives
    self.positiveCount = summary.positiveCount
    self.negativeCount = summary.negativeCount
    self.auc = summary.auc
    self.averagePrecision = summary.averagePrecision
  }

  /// Reason `auc` is NaN, or nil when it has a value.
  public var aucUndefinedReason: AUCUndefinedReason? {
    AUCUndefinedReason(positiveCount: positiveCount, negativeCount: negativeCount)
  }

  /// Reason `averagePrecision` is NaN, or nil when it has a value.
  public var averagePrecisionUndefinedReason: AUCUndefinedReason? {
    positiveCount > 0 ? nil : AUCUndefinedReason(positiveCount: 0, negativeCount: negativeCount)
  }

  /// Returns the counts when samples with score >= `threshold` are predicted
  /// positive. Above the highest score nothing is predicted positive, so
  /// precision is undefined there.
  public func counts(atThreshold threshold: Double) -> BinaryCounts {
    // Binary search for the number of distinct scores >= threshold.
    var low = 0
    var high = thresholds.count
    while low < high {
      let middle = (low + high) / 2
      if thresholds[middle] >= threshold { low = middle + 1 } else { high = middle }
    }
    let truePositiveCount = low > 0 ? truePositives[low - 1] : 0
    let falsePositiveCount = low > 0 ? falsePositives[low - 1] : 0
    return BinaryCounts(
      truePositives: truePositiveCount, falsePositives: falsePositiveCount,
      falseNegatives: positiveCount - truePositiveCount,
      trueNegatives: negativeCount - falsePositiveCount)
  }
}
