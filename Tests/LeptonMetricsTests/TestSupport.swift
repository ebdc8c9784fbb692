import LeptonMetrics
import Testing

/// Expects `actual` within `tolerance` of `expected`; NaN matches only NaN
/// and infinities match only themselves. Failures print the difference.
func expectClose(
  _ actual: Double, _ expected: Double, tolerance: Double = 1e-12, _ label: String = "",
  sourceLocation: SourceLocation = #_sourceLocation
) {
  if expected.isNaN {
    #expect(actual.isNaN, "\(label) expected NaN, got \(actual)", sourceLocation: sourceLocation)
  } else if expected.isInfinite {
    #expect(
      actual == expected, "\(label) expected \(expected), got \(actual)",
      sourceLocation: sourceLocation)
  } else {
    let difference = abs(actual - expected)
    #expect(
      difference <= tolerance,
      "\(label) expected \(expected), got \(actual) (difference \(difference))",
      sourceLocation: sourceLocation)
  }
}

/// Expects two arrays of equal length whose elements match as `expectClose`.
func expectClose(
  _ actual: [Double], _ expected: [Double], tolerance: Double = 1e-12, _ label: String = "",
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(
    actual.count == expected.count,
    "\(label) expected \(expected.count) values, got \(actual.count): \(actual)",
    sourceLocation: sourceLocation)
  guard actual.count == expected.count else { return }
  for (index, (value, reference)) in zip(actual, expected).enumerated() {
    expectClose(
      value, reference, tolerance: tolerance, "\(label)[\(index)]",
      sourceLocation: sourceLocation)
  }
}

/// Returns the `MetricsError` thrown by `body`, or records a failure.
func metricsError<Result>(
  sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Result
) -> MetricsError? {
  do {
    let result = try body()
    Issue.record("expected a MetricsError, got \(result)", sourceLocation: sourceLocation)
  } catch let error as MetricsError {
    return error
  } catch {
    Issue.record("expected a MetricsError, got \(error)", sourceLocation: sourceLocation)
  }
  return nil
}

/// One-hot rows for class predictions, as `[labels.count, classCount]` Floats.
func oneHot(_ predictions: [Int], classCount: Int) -> [Float] {
  var rows = [Float](repeating: 0, count: predictions.count * classCount)
  for (row, predicted) in predictions.enumerated() {
    rows[row * classCount + predicted] = 1
  }
  return rows
}

/// Softmax of one row in Double, for building probability inputs.
func softmaxRows(_ logits: [[Double]]) throws -> [Double] {
  try Softmax.probabilities(logits: logits.flatMap { $0 }, classCount: logits[0].count)
}

/// SplitMix64, a small seeded generator so property tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) {
    state = seed
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var mixed = state
    mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
    mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
    return mixed ^ (mixed >> 31)
  }
}

/// Random labels and probability rows. Scores are multiples of 1/8 before
/// normalisation so that ties are frequent.
func randomClassification(
  sampleCount: Int, classCount: Int, generator: inout SeededGenerator
) -> (labels: [Int32], probabilities: [Float]) {
  var labels: [Int32] = []
  var probabilities: [Float] = []
  for _ in 0..<sampleCount {
    let label = Int.random(in: 0..<classCount, using: &generator)
    var weights = (0..<classCount).map { _ in Double(Int.random(in: 1...8, using: &generator)) }
    weights[label] += Double(Int.random(in: 0...4, using: &generator))
    let total = weights.reduce(0, +)
    labels.append(Int32(label))
    probabilities.append(contentsOf: weights.map { Float($0 / total) })
  }
  return (labels, probabilities)
}
