/// The value stored for a ratio whose denominator is zero, as scikit-learn's
/// `zero_division` parameter. Whatever the policy, the `UndefinedMetrics`
/// stored beside such values mark them, so a view can show "undefined".
public enum ZeroDivisionPolicy: String, Sendable, Codable, Equatable, CaseIterable {
  /// Store 0, scikit-learn's default.
  case zero
  /// Store 1.
  case one
  /// Store NaN, and leave the value out of macro and weighted averages.
  case nan

  /// The value stored for an undefined ratio.
  public var value: Double {
    switch self {
    case .zero: return 0
    case .one: return 1
    case .nan: return .nan
    }
  }

  /// Divides `numerator` by `denominator`, or returns the policy's value
  /// when `denominator` is zero. Both are counts or sums of counts.
  @inlinable
  public func divide(_ numerator: Double, _ denominator: Double) -> Double {
    denominator == 0 ? value : numerator / denominator
  }
}

/// Metrics whose value was undefined (a zero denominator, or one class
/// missing for AUC), so that a view shows "undefined" instead of the number.
public struct UndefinedMetrics: OptionSet, Sendable, Codable, Hashable {
  public let rawValue: Int

  public init(rawValue: Int) {
    self.rawValue = rawValue
  }

  /// No sample was predicted as the class: TP + FP = 0.
  public static let precision = UndefinedMetrics(rawValue: 1 << 0)
  /// No sample belongs to the class: TP + FN = 0.
  public static let recall = UndefinedMetrics(rawValue: 1 << 1)
  /// TP + FP + FN = 0, so the F-score has a zero denominator.
  public static let fScore = UndefinedMetrics(rawValue: 1 << 2)
  /// The class or its complement has no samples.
  public static let auc = UndefinedMetrics(rawValue: 1 << 3)
  /// The class has no samples.
  public static let averagePrecision = UndefinedMetrics(rawValue: 1 << 4)
}
