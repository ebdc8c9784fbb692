/// A seeded 64-bit generator (SplitMix64): fast, and the same sequence on every platform.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) {
    state = seed
  }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Returns the sample order of each epoch, a seeded shuffle of `0..<count`.
public struct EpochShuffler: Sendable {
  public let count: Int
  public let seed: UInt64

  public init(count: Int, seed: UInt64) {
    self.count = count
    self.seed = seed
  }

  /// The order for `epoch` (from 1). The same seed and epoch give the same order.
  public func order(epoch: Int) -> [Int32] {
    var generator = SeededGenerator(seed: seed &+ UInt64(epoch) &* 0x5851_F42D_4C95_7F2D)
    var indices = (0..<Int32(count)).map { $0 }
    indices.shuffle(using: &generator)
    return indices
  }
}
