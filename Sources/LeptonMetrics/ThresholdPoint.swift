/// The 2x2 confusion matrix of one class against the rest at one threshold,
/// with its metrics. A metric whose denominator is zero is NaN here, and
/// `undefinedReason(_:)` returns the text a view shows in its place.
public struct ThresholdPoint: Sendable, Equatable {
  public let threshold: Double
  public let counts: BinaryCounts

  public init(threshold: Double, counts: BinaryCounts) {
    self.threshold = threshold
    self.counts = counts
  }

  /// TP / (TP + FP), NaN when nothing is predicted positive.
  public var precision: Double { counts.precision(zeroDivision: .nan) }
  /// TP / (TP + FN), the true positive rate, NaN without positive samples.
  public var recall: Double { counts.recall(zeroDivision: .nan) }
  /// 2TP / (2TP + FP + FN), NaN when TP + FP + FN = 0.
  public var f1: Double { counts.fScore(beta: 1, zeroDivision: .nan) }
  /// FP / (FP + TN), NaN without negative samples.
  public var falsePositiveRate: Double { counts.falsePositiveRate(zeroDivision: .nan) }
  /// FN / (TP + FN), NaN without positive samples.
  public var falseNegativeRate: Double {
    ZeroDivisionPolicy.nan.divide(Double(counts.falseNegatives), Double(counts.support))
  }
  /// TN / (FP + TN), the true negative rate, NaN without negative samples.
  public var specificity: Double {
    ZeroDivisionPolicy.nan.divide(Double(counts.trueNegatives), Double(counts.negatives))
  }
  /// (TP + TN) / total, NaN without samples.
  public var accuracy: Double { counts.accuracy(zeroDivision: .nan) }

  /// The point on the ROC curve: (FPR, TPR).
  public var rocPoint: (falsePositiveRate: Double, truePositiveRate: Double) {
    (falsePositiveRate, recall)
  }

  /// The point on the precision-recall curve: (recall, precision).
  public var precisionRecallPoint: (recall: Double, precision: Double) {
    (recall, precision)
  }

  /// Returns the value of `metric`.
  public func value(of metric: ThresholdMetric) -> Double {
    switch metric {
    case .precision: return precision
    case .recall: return recall
    case .f1: return f1
    case .falsePositiveRate: return falsePositiveRate
    case .falseNegativeRate: return falseNegativeRate
    case .specificity: return specificity
    case .accuracy: return accuracy
    }
  }

  /// Returns the reason `metric` is undefined, or nil when it has a value.
  public func undefinedReason(_ metric: ThresholdMetric) -> String? {
    switch metric {
    case .precision:
      return counts.predictedPositives == 0
        ? "no sample is predicted positive (TP + FP = 0)" : nil
    case .recall, .falseNegativeRate:
      return counts.support == 0 ? "no positive samples (TP + FN = 0)" : nil
    case .f1:
      return counts.truePositives + counts.falsePositives + counts.falseNegatives == 0
        ? "TP + FP + FN = 0" : nil
    case .falsePositiveRate, .specificity:
      return counts.negatives == 0 ? "no negative samples (FP + TN = 0)" : nil
    case .accuracy:
      return counts.total == 0 ? "no samples" : nil
    }
  }
}

/// A metric of a 2x2 confusion matrix. The raw value is the key used in
/// JSON output.
public enum ThresholdMetric: String, Sendable, CaseIterable {
  case precision
  case recall
  case f1
  case falsePositiveRate
  case falseNegativeRate
  case specificity
  case accuracy
}

/// Counts of positive and negative samples per score bin. The bins split
/// [0, 1] into equal parts, each containing its lower edge, and the last
/// one its upper edge too. Scores outside [0, 1] are counted apart.
public struct ScoreHistogram: Sendable, Equatable {
  /// `binCount + 1` ascending edges from 0 to 1.
  public var edges: [Double]
  public var positiveCounts: [Int]
  public var negativeCounts: [Int]
  /// Positive and negative samples with a score below 0.
  public var belowRange: (positives: Int, negatives: Int)
  /// Positive and negative samples with a score above 1.
  public var aboveRange: (positives: Int, negatives: Int)

  public static func == (left: ScoreHistogram, right: ScoreHistogram) -> Bool {
    left.edges == right.edges && left.positiveCounts == right.positiveCounts
      && left.negativeCounts == right.negativeCounts
      && left.belowRange == right.belowRange && left.aboveRange == right.aboveRange
  }
}

extension ThresholdExplorer {
  /// Returns the histogram of the scores over `binCount` equal bins of
  /// [0, 1], from the cumulative counts at the bin edges: O(binCount log n).
  public func histogram(binCount: Int) -> ScoreHistogram {
    precondition(binCount >= 1, "a histogram needs at least one bin")
    let edges = (0...binCount).map { Double($0) / Double(binCount) }
    // Samples with score >= each edge, and with score > 1 for the last bin.
    let atOrAbove = edges.map { ranking.counts(atThreshold: $0) }
    let aboveOne = ranking.counts(atThreshold: 1.0.nextUp)
    var positives: [Int] = []
    var negatives: [Int] = []
    for bin in 0..<binCount {
      let upper = bin == binCount - 1 ? aboveOne : atOrAbove[bin + 1]
      positives.append(atOrAbove[bin].truePositives - upper.truePositives)
      negatives.append(atOrAbove[bin].falsePositives - upper.falsePositives)
    }
    return ScoreHistogram(
      edges: edges, positiveCounts: positives, negativeCounts: negatives,
      belowRange: (
        ranking.positiveCount - atOrAbove[0].truePositives,
        ranking.negativeCount - atOrAbove[0].falsePositives
      ),
      aboveRange: (aboveOne.truePositives, aboveOne.falsePositives))
  }
}
