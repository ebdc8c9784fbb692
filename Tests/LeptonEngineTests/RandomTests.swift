import Testing

@testable import LeptonEngine

struct RandomTests {
  @Test func splitMix64KnownValues() {
    // First outputs of SplitMix64 seeded with 0, as published with the algorithm.
    var generator = SplitMix64(seed: 0)
    #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
    #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
  }

  @Test func sameSeedSameSequence() {
    var first = Xoshiro256StarStar(seed: 99)
    var second = Xoshiro256StarStar(seed: 99)
    var third = Xoshiro256StarStar(seed: 100)
    let a = (0..<16).map { _ in first.next() }
    let b = (0..<16).map { _ in second.next() }
    let c = (0..<16).map { _ in third.next() }
    #expect(a == b)
    #expect(a != c)
  }

  @Test func normalMeanAndVariance() {
    var generator = Xoshiro256StarStar(seed: 3)
    let count = 200_000
    let samples = (0..<count).map { _ in generator.nextNormal() }
    let mean = samples.reduce(0, +) / Double(count)
    let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count)
    // Standard errors are about 0.0022 for the mean and 0.0032 for the variance.
    #expect(abs(mean) < 0.015, "mean \(mean)")
    #expect(abs(variance - 1) < 0.02, "variance \(variance)")
  }

  @Test func uniformRange() {
    var generator = Xoshiro256StarStar(seed: 4)
    let samples = (0..<10_000).map { _ in generator.nextUniform() }
    #expect(samples.allSatisfy { $0 >= 0 && $0 < 1 })
  }
}
