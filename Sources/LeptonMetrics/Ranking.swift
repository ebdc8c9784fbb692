/// The reason a ranking metric (ROC AUC, average precision) has no value.
public enum AUCUndefinedReason: String, Sendable, Codable, Equatable {
  /// There are no samples at all.
  case noSamples
  /// No sample is positive, so the true positive rate is 0/0.
  case noPositiveSamples
  /// Every sample is positive, so the false positive rate is 0/0.
  case noNegativeSamples

  /// Returns the text a view shows in place of the number, such as
  /// "undefined: only class 1 present".
  /// - Parameters:
  ///   - positiveClass: name of the positive class.
  ///   - negativeClass: name of the negative class for a binary task, or
  ///     nil for one class against the rest.
  public func message(positiveClass: String, negativeClass: String? = nil) -> String {
    switch self {
    case .noSamples:
      return "undefined: no samples"
    case .noPositiveSamples:
      guard let negativeClass else { return "undefined: no samples of class \(positiveClass)" }
      return "undefined: only class \(negativeClass) present"
    case .noNegativeSamples:
      return "undefined: only class \(positiveClass) present"
    }
  }

  init?(positiveCount: Int, negativeCount: Int) {
    switch (positiveCount, negativeCount) {
    case (0, 0): self = .noSamples
    case (0, _): self = .noPositiveSamples
    case (_, 0): self = .noNegativeSamples
    default: return nil
    }
  }
}

// MARK: - Sorted samples

/// A score with the class of its sample.
struct ScoredSample {
  var score: Double
  var isPositive: Bool
}

extension Array where Element == ScoredSample {
  /// Sorts by descending score. Scores must be finite (see `checkFinite`).
  mutating func sortByDescendingScore() {
    sort { $0.score > $1.score }
  }
}

/// Calls `body` once per distinct score of `sorted` (descending), with the
/// numbers of positive and negative samples whose score is >= that score.
/// Tied scores form one step, so ties never depend on input order.
@inline(__always)
func forEachDistinctScore(
  _ sorted: [ScoredSample],
  _ body: (_ threshold: Double, _ truePositives: Int, _ falsePositives: Int) -> Void
) {
  var truePositives = 0
  var falsePositives = 0
  var index = 0
  while index < sorted.count {
    let threshold = sorted[index].score
    while index < sorted.count, sorted[index].score == threshold {
      if sorted[index].isPositive { truePositives += 1 } else { falsePositives += 1 }
      index += 1
    }
    body(threshold, truePositives, falsePositives)
  }
}

/// ROC AUC and average precision from one pass over sorted samples.
struct RankSummary {
  var positiveCount = 0
  var negativeCount = 0
  /// Twice the area under the ROC curve in count units: the sum over steps of
  /// ΔFP * (TP + previous TP). Integer, so the AUC equals the Mann-Whitney
  /// statistic (ties counted 1/2) up to one final division.
  var doubledArea = 0
  /// Sum over steps of ΔTP * precision, the step-wise AP times the positive count.
  var precisionSum = 0.0

  init(sorted: [ScoredSample]) {
    var previousTruePositives = 0
    var previousFalsePositives = 0
    forEachDistinctScore(sorted) { _, truePositives, falsePositives in
      doubledArea +=
        (falsePositives - previousFalsePositives) * (truePositives + previousTruePositives)
      let precision = Double(truePositives) / Double(truePositives + falsePositives)
      precisionSum += Double(truePositives - previousTruePositives) * precision
      previousTruePositives = truePositives
      previousFalsePositives = falsePositives
    }
    positiveCount = previousTruePositives
    negativeCount = previousFalsePositives
  }

  var aucUndefinedReason: AUCUndefinedReason? {
    AUCUndefinedReason(positiveCount: positiveCount, negativeCount: negativeCount)
  }

  /// Area under the full ROC curve, or NaN when one class is missing.
  var auc: Double {
    guard aucUndefinedReason == nil else { return .nan }
    return Double(doubledArea) / (2 * Double(positiveCount) * Double(negativeCount))
  }

  /// Step-wise average precision, or NaN when there are no positive samples.
  var averagePrecision: Double {
    positiveCount > 0 ? precisionSum / Double(positiveCount) : .nan
  }
}
