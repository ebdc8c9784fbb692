/// A percentile bootstrap confidence interval of one metric.
public struct ConfidenceInterval: Sendable, Codable, Equatable {
  /// The metric on the full data.
  public let estimate: Double
  /// Percentile (1 − level)/2 of the resampled values, NaN when no resample
  /// had a value.
  public let lower: Double
  /// Percentile (1 + level)/2 of the resampled values, NaN when no resample
  /// had a value.
  public let upper: Double
  /// Coverage, such as 0.95.
  public let level: Double
  /// Resamples whose value entered the percentiles.
  public let includedCount: Int
  /// Resamples left out because the metric was undefined on them.
  public let skippedCount: Int

  /// Reason the bounds are NaN, or nil when they have values.
  public var undefinedReason: String? {
    guard includedCount == 0 else { return nil }
    return "undefined: the metric is undefined on all \(skippedCount) resamples"
  }
}

// MARK: - JSON with NaN as null

extension ConfidenceInterval {
  private enum CodingKeys: String, CodingKey {
    case estimate, lower, upper, level, includedCount, skippedCount, undefined
  }

  /// Decodes `null` estimates and bounds as NaN.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    estimate = try container.decodeNullableDouble(forKey: .estimate)
    lower = try container.decodeNullableDouble(forKey: .lower)
    upper = try container.decodeNullableDouble(forKey: .upper)
    level = try container.decode(Double.self, forKey: .level)
    includedCount = try container.decode(Int.self, forKey: .includedCount)
    skippedCount = try container.decode(Int.self, forKey: .skippedCount)
  }

  /// Encodes NaN as `null`, with `undefinedReason` under "undefined".
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encodeNullable(estimate, forKey: .estimate)
    try container.encodeNullable(lower, forKey: .lower)
    try container.encodeNullable(upper, forKey: .upper)
    try container.encode(level, forKey: .level)
    try container.encode(includedCount, forKey: .includedCount)
    try container.encode(skippedCount, forKey: .skippedCount)
    try container.encodeIfPresent(undefinedReason, forKey: .undefined)
  }

  /// NaN equals NaN here, so decoded intervals compare equal to the originals.
  public static func == (left: ConfidenceInterval, right: ConfidenceInterval) -> Bool {
    func same(_ first: Double, _ second: Double) -> Bool {
      first == second || (first.isNaN && second.isNaN)
    }
    return same(left.estimate, right.estimate) && same(left.lower, right.lower)
      && same(left.upper, right.upper) && left.level == right.level
      && left.includedCount == right.includedCount && left.skippedCount == right.skippedCount
  }
}

// MARK: - Percentiles

/// Builds the interval from the non-NaN values, with NumPy's default
/// (linear) percentile: position q·(n − 1) in the sorted values, interpolated.
func percentileInterval(_ values: [Double], estimate: Double, level: Double)
  -> ConfidenceInterval
{
  let kept = values.filter { !$0.isNaN }.sorted()
  func percentile(_ quantile: Double) -> Double {
    guard !kept.isEmpty else { return .nan }
    let position = quantile * Double(kept.count - 1)
    let below = Int(position.rounded(.down))
    let above = min(below + 1, kept.count - 1)
    let fraction = position - Double(below)
    return kept[below] + (kept[above] - kept[below]) * fraction
  }
  let tail = (1 - level) / 2
  return ConfidenceInterval(
    estimate: estimate, lower: percentile(tail), upper: percentile(1 - tail), level: level,
    includedCount: kept.count, skippedCount: values.count - kept.count)
}
