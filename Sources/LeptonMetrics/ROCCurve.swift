/// A receiver operating characteristic curve, as scikit-learn's `roc_curve`.
/// It starts at (0, 0) with threshold +infinity (shown as "∞") and ends at
/// (1, 1) with the lowest score as threshold. Thresholds are scores, which
/// may be logits, so they are not always probabilities.
public struct ROCCurve: Sendable, Equatable {
  /// Ascending, and all NaN when there are no negative samples.
  public var falsePositiveRates: [Double]
  /// Ascending, and all NaN when there are no positive samples.
  public var truePositiveRates: [Double]
  /// Descending: +infinity, then one distinct score per vertex.
  public var thresholds: [Double]
  /// Area under the full curve (before any vertex is dropped), or NaN when one
  /// class is missing.
  public var auc: Double
  /// Reason `auc` is NaN, or nil when it has a value.
  public var undefinedReason: AUCUndefinedReason?
  public var positiveCount: Int
  public var negativeCount: Int

  /// Computes the curve of binary scores.
  /// - Parameter dropIntermediate: drop vertices on a straight segment with
  ///   equal steps on both sides, as scikit-learn's default
  ///   `drop_intermediate=True`. The default here keeps every vertex.
  /// - Throws: `MetricsError` for mismatched lengths or non-finite scores.
  public init(isPositive: [Bool], scores: [Double], dropIntermediate: Bool = false) throws {
    self = try BinaryRanking(isPositive: isPositive, scores: scores)
      .rocCurve(dropIntermediate: dropIntermediate)
  }

  public init(
    falsePositiveRates: [Double], truePositiveRates: [Double], thresholds: [Double],
    auc: Double, undefinedReason: AUCUndefinedReason?, positiveCount: Int, negativeCount: Int
  ) {
    self.falsePositiveRates = falsePositiveRates
    self.truePositiveRates = truePositiveRates
    self.thresholds = thresholds
    self.auc = auc
    self.undefinedReason = undefinedReason
    self.positiveCount = positiveCount
    self.negativeCount = negativeCount
  }
}

extension BinaryRanking {
  /// Returns the ROC curve with one vertex per distinct score plus the
  /// (0, 0) vertex at threshold +infinity.
  /// - Parameter dropIntermediate: drop collinear vertices as scikit-learn's
  ///   `drop_intermediate=True`. The AUC is always that of the full curve.
  public func rocCurve(dropIntermediate: Bool = false) -> ROCCurve {
    var vertexIndices = Array(thresholds.indices)
    if dropIntermediate && thresholds.count > 2 {
      vertexIndices =
        [0] + (1..<(thresholds.count - 1)).filter(isCorner) + [thresholds.count - 1]
    }
    // The (0, 0) vertex goes through `rate` too, so it is NaN like the rest
    // of its axis when a class is missing.
    let falsePositiveRates = ([0] + vertexIndices.map { falsePositives[$0] }).map {
      rate($0, of: negativeCount)
    }
    let truePositiveRates = ([0] + vertexIndices.map { truePositives[$0] }).map {
      rate($0, of: positiveCount)
    }
    return ROCCurve(
      falsePositiveRates: falsePositiveRates, truePositiveRates: truePositiveRates,
      thresholds: [.infinity] + vertexIndices.map { thresholds[$0] }, auc: auc,
      undefinedReason: aucUndefinedReason, positiveCount: positiveCount,
      negativeCount: negativeCount)
  }

  /// Tells whether vertex `index` changes direction or step size, as
  /// scikit-learn's test on the second differences of FP and TP.
  private func isCorner(_ index: Int) -> Bool {
    let falsePositiveBend =
      falsePositives[index + 1] - 2 * falsePositives[index] + falsePositives[index - 1]
    let truePositiveBend =
      truePositives[index + 1] - 2 * truePositives[index] + truePositives[index - 1]
    return falsePositiveBend != 0 || truePositiveBend != 0
  }

  /// `count / total`, or NaN for every vertex when `total` is zero, as
  /// scikit-learn, because the rate is meaningless then.
  private func rate(_ count: Int, of total: Int) -> Double {
    total > 0 ? Double(count) / Double(total) : .nan
  }
}
