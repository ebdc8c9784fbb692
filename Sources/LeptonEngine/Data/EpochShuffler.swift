/// Returns the sample order of each epoch, a seeded shuffle of `0..<count`.
public struct EpochShuffler: Sendable {
  public let count: Int
  public let seed: UInt64

  public init(count: Int, seed: UInt64) {
    self.count = count
    self.seed = seed
  }

  /// Returns the order for `epoch` (from 1). The same seed and epoch give the same order.
  public func order(epoch: Int) -> [Int32] {
    var generator = Xoshiro256StarStar(seed: seed &+ UInt64(epoch) &* 0x5851_F42D_4C95_7F2D)
    var indices = (0..<Int32(count)).map { $0 }
    indices.shuffle(using: &generator)
    return indices
  }
}
