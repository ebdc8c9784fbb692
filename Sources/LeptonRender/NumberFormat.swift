/// Deterministic number formatting that does not depend on the C library or the
/// locale, so that golden text stays the same on every machine.
public enum NumberFormat {
  /// Formats `value` with exactly `decimals` digits after the point, rounding half
  /// away from zero. NaN becomes "nan" and infinities "inf" or "-inf"; callers that
  /// show metrics check for NaN first and print "undefined" or "n/a".
  public static func fixed(_ value: Double, decimals: Int) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    let places = max(0, min(decimals, 9))
    var scale = 1
    for _ in 0..<places { scale *= 10 }
    let scaled = (value.magnitude * Double(scale)).rounded()
    guard scaled < 9.0e15 else { return "\(value)" }
    let integer = Int(scaled)
    let sign = value < 0 && integer != 0 ? "-" : ""
    let whole = integer / scale
    guard places > 0 else { return "\(sign)\(whole)" }
    let fraction = String(integer % scale)
    let padding = String(repeating: "0", count: places - fraction.count)
    return "\(sign)\(whole).\(padding)\(fraction)"
  }

  /// Formats a metric with `decimals` digits, or `undefined` when it is NaN.
  public static func metric(_ value: Double, decimals: Int = 4, undefined: String = "undefined")
    -> String
  {
    value.isNaN ? undefined : fixed(value, decimals: decimals)
  }

  /// Formats a metric in at most `width` characters: with `decimals` digits when that
  /// fits, with fewer digits for larger numbers, and in scientific notation such as
  /// "7.47e32" when even the integer part does not fit. NaN becomes `undefined`.
  public static func metric(
    _ value: Double, width: Int, decimals: Int = 4, undefined: String = "n/a"
  ) -> String {
    if value.isNaN { return undefined }
    for places in stride(from: decimals, through: 0, by: -1) {
      let text = fixed(value, decimals: places)
      if text.count <= width { return text }
    }
    return scientific(value, width: width)
  }

  /// Formats `value` as a mantissa and a power of ten, such as "-1.5e-7", with as many
  /// mantissa digits as fit in `width` (at least the integer digit).
  public static func scientific(_ value: Double, width: Int) -> String {
    guard value.isFinite, value != 0 else { return fixed(value, decimals: 0) }
    var mantissa = value.magnitude
    var exponent = 0
    while mantissa >= 10 {
      mantissa /= 10
      exponent += 1
    }
    while mantissa < 1 {
      mantissa *= 10
      exponent -= 1
    }
    let sign = value < 0 ? "-" : ""
    for places in stride(from: 3, through: 0, by: -1) {
      var digits = fixed(mantissa, decimals: places)
      var shown = exponent
      // Rounding 9.9996 to three places gives "10.000", which belongs to the next power.
      if digits.hasPrefix("10") {
        digits = fixed(mantissa / 10, decimals: places)
        shown += 1
      }
      let text = "\(sign)\(digits)e\(shown)"
      if text.count <= width || places == 0 { return text }
    }
    return ""
  }

  /// Formats a fraction in `0...1` as a percentage such as "91.3%", or `undefined` for NaN.
  public static func percent(_ fraction: Double, decimals: Int = 1, undefined: String = "n/a")
    -> String
  {
    fraction.isNaN ? undefined : fixed(fraction * 100, decimals: decimals) + "%"
  }

  /// Formats a duration in seconds as "42s", "4m12s" or "1h02m". Negative, NaN and
  /// infinite durations become "--".
  public static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "--" }
    let total = Int(seconds.rounded())
    if total < 60 { return "\(total)s" }
    if total < 3600 {
      return "\(total / 60)m" + twoDigits(total % 60) + "s"
    }
    return "\(total / 3600)h" + twoDigits((total % 3600) / 60) + "m"
  }

  /// Formats a duration in seconds with one decimal below a minute, such as "3.2s".
  public static func shortDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "--" }
    return seconds < 60 ? fixed(seconds, decimals: 1) + "s" : duration(seconds)
  }

  /// Formats a non-negative count in at most `width` characters, switching to
  /// "12k" or "3M" style when the digits do not fit. Returns nil when even the
  /// short form does not fit.
  public static func compactCount(_ count: Int, width: Int) -> String? {
    let digits = String(count)
    if digits.count <= width { return digits }
    let candidates = [
      (1_000, "k"), (1_000_000, "M"), (1_000_000_000, "G"),
    ]
    for (unit, suffix) in candidates {
      let scaled = Double(count) / Double(unit)
      let text = fixed(scaled, decimals: 0) + suffix
      if text.count <= width, scaled >= 1 { return text }
    }
    return nil
  }

  /// Formats a throughput such as "1234" or "12.5k".
  public static func rate(_ value: Double) -> String {
    guard value.isFinite, value >= 0 else { return "--" }
    if value < 10_000 { return fixed(value, decimals: 0) }
    return fixed(value / 1000, decimals: 1) + "k"
  }

  /// Formats an axis label with few characters: decimals chosen from the size of
  /// `span`, the distance between the lowest and highest label.
  public static func axisLabel(_ value: Double, span: Double) -> String {
    guard value.isFinite else { return "nan" }
    let magnitude = span.magnitude
    if magnitude >= 10_000 || value.magnitude >= 100_000 {
      return fixed(value / 1000, decimals: 0) + "k"
    }
    if magnitude >= 10 { return fixed(value, decimals: 0) }
    if magnitude >= 1 { return fixed(value, decimals: 1) }
    if magnitude >= 0.1 { return fixed(value, decimals: 2) }
    return fixed(value, decimals: 3)
  }

  /// Formats `value` with at most `maxDecimals` digits after the point and no
  /// trailing zeros, such as "0.01" or "0.9".
  public static func trimmed(_ value: Double, maxDecimals: Int = 6) -> String {
    var text = fixed(value, decimals: maxDecimals)
    guard text.contains(".") else { return text }
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
  }

  private static func twoDigits(_ value: Int) -> String {
    value < 10 ? "0\(value)" : "\(value)"
  }
}
