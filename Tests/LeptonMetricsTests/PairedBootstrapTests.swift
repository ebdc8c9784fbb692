import LeptonMetrics
import Testing

@Suite("Paired bootstrap differences")
struct PairedBootstrapTests {
  /// Labels of 4 classes with model A right on every sample whose index is
  /// not a multiple of 3 or 5 and model B right on all but every tenth
  /// sample. Wrong predictions are the next class.
  static func clearCase(sampleCount: Int = 300) -> (
    labels: [Int], predictionsA: [Int], predictionsB: [Int]
  ) {
    let labels = (0..<sampleCount).map { ($0 * 7 + $0 / 4) % 4 }
    let predictionsA = labels.indices.map { index in
      index % 3 == 0 || index % 5 == 0 ? (labels[index] + 1) % 4 : labels[index]
    }
    let predictionsB = labels.indices.map { index in
      index % 10 == 0 ? (labels[index] + 1) % 4 : labels[index]
    }
    return (labels, predictionsA, predictionsB)
  }

  @Test("defaults and observed difference")
  func defaultsAndEstimate() throws {
    let data = Self.clearCase()
    let paired = try PairedBootstrapDifference(
      labels: data.labels, predictionsA: data.predictionsA, predictionsB: data.predictionsB,
      classCount: 4)
    #expect(paired.resampleCount == 1000)
    #expect(paired.seed == 0)
    #expect(paired.accuracyDifference.level == 0.95)
    #expect(paired.accuracyDifference.includedCount == 1000)
    // A is wrong on the 140 of 300 indices that are multiples of 3 or 5,
    // B on the 30 multiples of 10.
    expectClose(paired.accuracyDifference.estimate, 270 / 300.0 - 160 / 300.0, "accuracy")
    let accuracyA = try Accuracy.score(actual: data.labels, predicted: data.predictionsA)
    let accuracyB = try Accuracy.score(actual: data.labels, predicted: data.predictionsB)
    expectClose(paired.accuracyDifference.estimate, accuracyB - accuracyA, "accuracy")
  }

  @Test("clear difference excludes zero")
  func clearDifference() throws {
    let data = Self.clearCase()
    let paired = try PairedBootstrapDifference(
      labels: data.labels, predictionsA: data.predictionsA, predictionsB: data.predictionsB,
      classCount: 4, seed: 3)
    for interval in [paired.accuracyDifference, paired.macroF1Difference] {
      #expect(interval.lower <= interval.estimate)
      #expect(interval.estimate <= interval.upper)
      #expect(interval.lower > 0)
    }
  }

  @Test("resamples match unpaired bootstrap")
  func matchesUnpaired() throws {
    // Same seed, same indices: each paired difference is the difference of
    // the two models' unpaired resampled values, given one-hot scores.
    let data = Self.clearCase(sampleCount: 90)
    let paired = try PairedBootstrapDifference(
      labels: data.labels, predictionsA: data.predictionsA, predictionsB: data.predictionsB,
      classCount: 4, resampleCount: 60, seed: 12)
    let bootstrapA = try BootstrapIntervals(
      labels: data.labels, scores: oneHot(data.predictionsA, classCount: 4), classCount: 4,
      resampleCount: 60, seed: 12)
    let bootstrapB = try BootstrapIntervals(
      labels: data.labels, scores: oneHot(data.predictionsB, classCount: 4), classCount: 4,
      resampleCount: 60, seed: 12)
    let accuracyDifferences = zip(bootstrapB.resampledAccuracy, bootstrapA.resampledAccuracy)
      .map { $0 - $1 }
    let macroF1Differences = zip(bootstrapB.resampledMacroF1, bootstrapA.resampledMacroF1)
      .map { $0 - $1 }
    expectClose(paired.resampledAccuracyDifference, accuracyDifferences, "accuracy")
    expectClose(paired.resampledMacroF1Difference, macroF1Differences, "macro F1")
    expectClose(
      paired.macroF1Difference.estimate,
      bootstrapB.macroF1.estimate - bootstrapA.macroF1.estimate, "macro F1 estimate")
  }

  @Test("one seed gives one result")
  func reproducible() throws {
    let data = Self.clearCase(sampleCount: 120)
    func run(seed: UInt64) throws -> PairedBootstrapDifference {
      try PairedBootstrapDifference(
        labels: data.labels, predictionsA: data.predictionsA, predictionsB: data.predictionsB,
        classCount: 4, resampleCount: 200, seed: seed)
    }
    let first = try run(seed: 7)
    let second = try run(seed: 7)
    let other = try run(seed: 8)
    #expect(first == second)
    #expect(first.resampledAccuracyDifference != other.resampledAccuracyDifference)
  }

  @Test("identical models give zero")
  func identicalModels() throws {
    let data = Self.clearCase(sampleCount: 100)
    let paired = try PairedBootstrapDifference(
      labels: data.labels, predictionsA: data.predictionsA, predictionsB: data.predictionsA,
      classCount: 4, resampleCount: 200)
    for interval in [paired.accuracyDifference, paired.macroF1Difference] {
      #expect(interval.estimate == 0)
      #expect(interval.lower == 0)
      #expect(interval.upper == 0)
    }
  }

  @Test("swapping models negates intervals")
  func swapNegates() throws {
    let data = Self.clearCase(sampleCount: 150)
    let forward = try PairedBootstrapDifference(
      labels: data.labels, predictionsA: data.predictionsA, predictionsB: data.predictionsB,
      classCount: 4, resampleCount: 300, seed: 5)
    let backward = try PairedBootstrapDifference(
      labels: data.labels, predictionsA: data.predictionsB, predictionsB: data.predictionsA,
      classCount: 4, resampleCount: 300, seed: 5)
    let pairs = [
      (forward.accuracyDifference, backward.accuracyDifference, "accuracy"),
      (forward.macroF1Difference, backward.macroF1Difference, "macro F1"),
    ]
    for (original, swapped, name) in pairs {
      expectClose(swapped.estimate, -original.estimate, "\(name) estimate")
      expectClose(swapped.lower, -original.upper, "\(name) lower")
      expectClose(swapped.upper, -original.lower, "\(name) upper")
    }
  }

  @Test("invalid inputs throw")
  func invalidInputs() {
    let labels = [0, 1, 2]
    #expect(
      metricsError {
        try PairedBootstrapDifference(
          labels: labels, predictionsA: [0, 1, 2], predictionsB: [0, 1], classCount: 3)
      } == .lengthMismatch(name: "predictionsB", expected: 3, actual: 2))
    #expect(
      metricsError {
        try PairedBootstrapDifference(
          labels: labels, predictionsA: [0, 3, 2], predictionsB: [0, 1, 2], classCount: 3)
      } == .labelOutOfRange(label: 3, index: 1, classCount: 3))
    #expect(
      metricsError {
        try PairedBootstrapDifference(
          labels: [0, 0], predictionsA: [0, 0], predictionsB: [0, 0], classCount: 1)
      } == .invalidClassCount(1, minimum: 2))
    #expect(
      metricsError {
        try PairedBootstrapDifference(
          labels: labels, predictionsA: labels, predictionsB: labels, classCount: 3,
          resampleCount: 0)
      } == .invalidResampleCount(0))
    #expect(
      metricsError {
        try PairedBootstrapDifference(
          labels: labels, predictionsA: labels, predictionsB: labels, classCount: 3,
          confidenceLevel: 1)
      } == .invalidConfidenceLevel(1))
  }
}
