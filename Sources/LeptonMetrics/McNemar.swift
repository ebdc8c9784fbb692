import Foundation

/// McNemar's test of whether two models evaluated on the same samples have
/// the same error rate. Only the discordant samples count: b, where model A
/// is right and model B wrong, and c, where A is wrong and B right.
public struct McNemarTest: Sendable, Codable, Equatable {
  /// Method that produced `statistic` and `pValue`.
  public enum Method: String, Sendable, Codable, Equatable {
    /// Exact two-sided binomial test: p = min(1, 2·P[X ≤ min(b, c)]) for
    /// X ~ Binomial(b + c, 1/2). The statistic is min(b, c).
    case exactBinomial
    /// Chi-squared test with 1 degree of freedom and continuity correction:
    /// statistic max(0, |b − c| − 1)² / (b + c).
    case chiSquaredContinuityCorrected
  }

  /// Discordant pair counts below this use the exact binomial test, and
  /// counts from it on use the chi-squared approximation.
  public static let exactTestLimit = 25

  /// b: samples that model A classifies right and model B wrong.
  public let onlyACorrectCount: Int
  /// c: samples that model A classifies wrong and model B right.
  public let onlyBCorrectCount: Int
  public let method: Method
  public let statistic: Double
  /// Two-sided p-value of the null hypothesis that b and c have the same
  /// expected value, which means both models have the same error rate.
  public let pValue: Double
  /// Reason the test has no evidence at all, or nil when b + c > 0.
  public let note: String?

  /// Runs the test on the discordant counts b and c.
  /// - Precondition: both counts are non-negative.
  public init(onlyACorrectCount: Int, onlyBCorrectCount: Int) {
    precondition(
      onlyACorrectCount >= 0 && onlyBCorrectCount >= 0, "discordant counts must be non-negative")
    self.onlyACorrectCount = onlyACorrectCount
    self.onlyBCorrectCount = onlyBCorrectCount
    let discordantCount = onlyACorrectCount + onlyBCorrectCount
    if discordantCount == 0 {
      method = .exactBinomial
      statistic = 0
      pValue = 1
      note =
        "no discordant samples: both models are right and wrong on the same samples, "
        + "so the test has no evidence of a difference"
    } else if discordantCount < Self.exactTestLimit {
      method = .exactBinomial
      statistic = Double(min(onlyACorrectCount, onlyBCorrectCount))
      pValue = Self.exactPValue(
        onlyACorrectCount: onlyACorrectCount, onlyBCorrectCount: onlyBCorrectCount)
      note = nil
    } else {
      // The correction never takes |b − c| below 0, so b == c gives a statistic of 0 and
      // p = 1, as R's mcnemar.test does. Without the clamp it would give 1 / (b + c).
      let excess = Double(max(0, abs(onlyACorrectCount - onlyBCorrectCount) - 1))
      method = .chiSquaredContinuityCorrected
      statistic = excess * excess / Double(discordantCount)
      // For Z standard normal, P[Z² > x] = P[|Z| > √x] = erfc(√(x / 2)).
      pValue = erfc((statistic / 2).squareRoot())
      note = nil
    }
  }

  /// Returns the exact two-sided binomial p-value for any counts, also from
  /// `exactTestLimit` on, where `init` uses the chi-squared approximation.
  /// - Precondition: both counts are non-negative.
  public static func exactPValue(onlyACorrectCount: Int, onlyBCorrectCount: Int) -> Double {
    precondition(
      onlyACorrectCount >= 0 && onlyBCorrectCount >= 0, "discordant counts must be non-negative")
    let discordantCount = onlyACorrectCount + onlyBCorrectCount
    guard discordantCount > 0 else { return 1 }
    let smaller = min(onlyACorrectCount, onlyBCorrectCount)
    return min(1, 2 * exp(logBinomialHalfLowerTail(smaller, trials: discordantCount)))
  }

  /// Runs the test on whether each model classified each sample right.
  /// - Throws: `MetricsError.lengthMismatch` unless both vectors have one
  ///   value per sample.
  public init(correctA: [Bool], correctB: [Bool]) throws {
    guard correctB.count == correctA.count else {
      throw MetricsError.lengthMismatch(
        name: "correctB", expected: correctA.count, actual: correctB.count)
    }
    var onlyA = 0
    var onlyB = 0
    for (rightA, rightB) in zip(correctA, correctB) where rightA != rightB {
      if rightA { onlyA += 1 } else { onlyB += 1 }
    }
    self.init(onlyACorrectCount: onlyA, onlyBCorrectCount: onlyB)
  }

  /// Runs the test on the predicted classes of two models for the same
  /// labelled samples.
  /// - Throws: `MetricsError.lengthMismatch` unless both prediction vectors
  ///   have one value per label.
  public init<Label: Equatable>(labels: [Label], predictionsA: [Label], predictionsB: [Label])
    throws
  {
    guard predictionsA.count == labels.count else {
      throw MetricsError.lengthMismatch(
        name: "predictionsA", expected: labels.count, actual: predictionsA.count)
    }
    guard predictionsB.count == labels.count else {
      throw MetricsError.lengthMismatch(
        name: "predictionsB", expected: labels.count, actual: predictionsB.count)
    }
    try self.init(
      correctA: zip(labels, predictionsA).map { $0 == $1 },
      correctB: zip(labels, predictionsB).map { $0 == $1 })
  }
}

/// Returns log P[X ≤ k] for X ~ Binomial(n, 1/2) with 0 ≤ k ≤ n / 2.
///
/// The largest term, P[X = k], comes from `lgamma` in log space, so it does
/// not underflow for large n. The smaller terms are summed relative to it
/// through the ratio P[X = i − 1] / P[X = i] = i / (n − i + 1), which stays
/// below 1 for k ≤ n / 2, and the sum stops once a term falls below 1e-17
/// of the total.
func logBinomialHalfLowerTail(_ k: Int, trials n: Int) -> Double {
  let logChoose: Double =
    lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
  let logLargestTerm = logChoose - Double(n) * log(2.0)
  var relativeSum = 1.0
  var relativeTerm = 1.0
  var index = k
  while index > 0 {
    relativeTerm *= Double(index) / Double(n - index + 1)
    relativeSum += relativeTerm
    if relativeTerm < 1e-17 * relativeSum { break }
    index -= 1
  }
  return logLargestTerm + log(relativeSum)
}
