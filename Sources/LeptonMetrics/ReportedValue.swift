/// One metric value for export. JSON has no NaN, so an undefined value
/// encodes as `null`, and `undefined` then gives the reason. Encoding needs no
/// non-conforming float strategy.
public struct ReportedValue: Sendable, Codable, Equatable {
  /// The value. NaN, or the documented stand-in (0 for Matthews correlation),
  /// where the metric is undefined.
  public var value: Double
  /// Reason the metric is undefined, such as "undefined: no samples of class
  /// 3", or nil when `value` is the metric itself.
  public var undefined: String?

  public init(_ value: Double, undefined: String? = nil) {
    self.value = value
    self.undefined = undefined
  }

  /// Creates a value whose only undefined case is NaN, with `reason` as its message.
  init(orNaN value: Double, reason: @autoclosure () -> String) {
    self.init(value, undefined: value.isNaN ? reason() : nil)
  }

  init(_ score: AgreementScore) {
    self.init(score.value, undefined: score.undefinedReason?.message)
  }

  private enum CodingKeys: String, CodingKey {
    case value
    case undefined
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    value = try container.decodeNullableDouble(forKey: .value)
    undefined = try container.decodeIfPresent(String.self, forKey: .undefined)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encodeNullable(value, forKey: .value)
    try container.encodeIfPresent(undefined, forKey: .undefined)
  }

  /// NaN equals NaN here, so decoded reports compare equal to the originals.
  public static func == (left: ReportedValue, right: ReportedValue) -> Bool {
    left.undefined == right.undefined
      && (left.value == right.value || (left.value.isNaN && right.value.isNaN))
  }
}

// MARK: - NaN as null

extension KeyedEncodingContainer {
  /// Encodes NaN as `null` and every other value as a number. Infinite values
  /// still need the encoder's non-conforming float strategy.
  mutating func encodeNullable(_ value: Double, forKey key: Key) throws {
    if value.isNaN {
      try encodeNil(forKey: key)
    } else {
      try encode(value, forKey: key)
    }
  }
}

extension KeyedDecodingContainer {
  /// Decodes `null` or a missing key as NaN.
  func decodeNullableDouble(forKey key: Key) throws -> Double {
    try decodeIfPresent(Double.self, forKey: key) ?? .nan
  }
}
