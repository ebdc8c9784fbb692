import Foundation

/// SplitMix64, used to expand one 64-bit seed into the state of `Xoshiro256StarStar`.
struct SplitMix64 {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var mixed = state
    mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
    mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
    return mixed ^ (mixed >> 31)
  }
}

/// A deterministic xoshiro256** generator, so the same seed gives the same weights on every
/// platform and Swift version (the standard library's generator is not seedable).
struct Xoshiro256StarStar: RandomNumberGenerator {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64
  /// Second Box-Muller output, returned by the next call to `nextNormal`.
  private var spareNormal: Double?

  init(seed: UInt64) {
    var expander = SplitMix64(seed: seed)
    s0 = expander.next()
    s1 = expander.next()
    s2 = expander.next()
    s3 = expander.next()
  }

  /// Restores a generator from the four words of `state`. Returns nil unless `state` has
  /// four words and one of them is nonzero, because an all-zero state yields only zeros.
  init?(state: [UInt64]) {
    guard state.count == 4, state.contains(where: { $0 != 0 }) else { return nil }
    s0 = state[0]
    s1 = state[1]
    s2 = state[2]
    s3 = state[3]
  }

  /// The four state words, which `init(state:)` restores. The second normal sample that
  /// `nextNormal` keeps for its next call is not part of it.
  var state: [UInt64] { [s0, s1, s2, s3] }

  mutating func next() -> UInt64 {
    let result = rotateLeft(s1 &* 5, 7) &* 9
    let shifted = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= shifted
    s3 = rotateLeft(s3, 45)
    return result
  }

  /// Returns a uniform double in `[0, 1)` built from the top 53 bits.
  mutating func nextUniform() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// Returns a standard normal sample, using the Box-Muller transform.
  mutating func nextNormal() -> Double {
    if let spare = spareNormal {
      spareNormal = nil
      return spare
    }
    // 1 - u lies in (0, 1], so the logarithm is finite.
    let radius = (-2 * log(1 - nextUniform())).squareRoot()
    let angle = 2 * Double.pi * nextUniform()
    spareNormal = radius * sin(angle)
    return radius * cos(angle)
  }

  private func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 {
    (value << count) | (value >> (64 - count))
  }
}
