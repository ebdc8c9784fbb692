/// SplitMix64 (Steele, Lea and Flood, "Fast Splittable Pseudorandom Number
/// Generators", OOPSLA 2014), a seeded generator whose output depends only on
/// the seed. Bootstrap resamples use it instead of the system generator, so
/// one seed gives the same intervals on every machine and toolchain.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) {
    state = seed
  }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var mixed = state
    mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
    mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
    return mixed ^ (mixed >> 31)
  }

  /// Returns a uniform integer in `0..<bound` by Lemire's multiply-and-shift
  /// method with rejection, so no value is favoured. The standard library's
  /// `Int.random(in:using:)` is not used, because its algorithm may change
  /// between Swift versions and with it the resamples of a given seed.
  /// `bound` must be positive.
  public mutating func nextIndex(below bound: Int) -> Int {
    precondition(bound > 0, "bound must be positive")
    let range = UInt64(bound)
    var product = next().multipliedFullWidth(by: range)
    if product.low < range {
      // 2^64 mod range: low parts below it belong to an incomplete last block.
      let threshold = (0 &- range) % range
      while product.low < threshold {
        product = next().multipliedFullWidth(by: range)
      }
    }
    return Int(product.high)
  }
}
