/// A precision-recall curve, as scikit-learn's `precision_recall_curve`:
/// ordered by increasing threshold, so recall decreases, and ending at
/// (precision 1, recall 0), a point without a threshold.
public struct PrecisionRecallCurve: Sendable, Equatable {
  /// `thresholds.count + 1` values, the last of them 1.
  public var precisions: [Double]
  /// `thresholds.count + 1` values, the last of them 0. With no positive samples
  /// every other recall is 1, as scikit-learn sets it.
  public var recalls: [Double]
  /// Distinct scores, ascending. Precision is always defined at these,
  /// because each predicts at least one sample positive.
  public var thresholds: [Double]
  /// Step-wise sum of (R[n] - R[n-1]) * P[n] without interpolation, or NaN when
  /// there are no positive samples.
  public var averagePrecision: Double
  /// Reason `averagePrecision` is NaN, or nil when it has a value.
  public var undefinedReason: AUCUndefinedReason?
  public var positiveCount: Int

  /// Computes the curve of binary scores.
  /// - Throws: `MetricsError` for mismatched lengths or non-finite scores.
  public init(isPositive: [Bool], scores: [Double]) throws {
    self = try BinaryRanking(isPositive: isPositive, scores: scores).precisionRecallCurve()
  }

  public init(
    precisions: [Double], recalls: [Double], thresholds: [Double], averagePrecision: Double,
    undefinedReason: AUCUndefinedReason?, positiveCount: Int
  ) {
    self.precisions = precisions
    self.recalls = recalls
    self.thresholds = thresholds
    self.averagePrecision = averagePrecision
    self.undefinedReason = undefinedReason
    self.positiveCount = positiveCount
  }
}

extension BinaryRanking {
  /// Returns the precision-recall curve with one point per distinct score.
  public func precisionRecallCurve() -> PrecisionRecallCurve {
    let order = thresholds.indices.reversed()
    let precisions = order.map { index in
      Double(truePositives[index]) / Double(truePositives[index] + falsePositives[index])
    }
    let recalls = order.map { index in
      positiveCount > 0 ? Double(truePositives[index]) / Double(positiveCount) : 1
    }
    return PrecisionRecallCurve(
      precisions: precisions + [1], recalls: recalls + [0],
      thresholds: order.map { thresholds[$0] }, averagePrecision: averagePrecision,
      undefinedReason: averagePrecisionUndefinedReason, positiveCount: positiveCount)
  }
}
