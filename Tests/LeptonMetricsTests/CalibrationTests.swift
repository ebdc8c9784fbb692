import LeptonMetrics
import Testing

@Suite("Calibration error")
struct CalibrationTests {
  // Top-class confidences 0.9 (correct), 0.75 (wrong), 0.65 (correct),
  // 0.55 (wrong) and 0.5 (a tie, argmax class 0, correct).
  static let labels: [Int] = [0, 1, 1, 0, 0]
  static let scores: [Double] = [0.9, 0.1, 0.75, 0.25, 0.35, 0.65, 0.45, 0.55, 0.5, 0.5]

  @Test("reliability table by hand")
  func reference() throws {
    // Five bins of width 0.2. By hand:
    //   (0.4, 0.6]: 0.55 wrong, 0.5 right   → confidence 0.525, accuracy 0.5
    //   (0.6, 0.8]: 0.75 wrong, 0.65 right  → confidence 0.7, accuracy 0.5
    //   (0.8, 1.0]: 0.9 right               → confidence 0.9, accuracy 1
    // ECE = 0.4·0.025 + 0.4·0.2 + 0.2·0.1 = 0.11, MCE = 0.2.
    let calibration = try CalibrationError(
      labels: Self.labels, scores: Self.scores, classCount: 2, binCount: 5)
    #expect(calibration.bins.map(\.count) == [0, 0, 2, 2, 1])
    expectClose(calibration.bins.map(\.lowerBound), [0, 0.2, 0.4, 0.6, 0.8], "lower bounds")
    expectClose(calibration.bins.map(\.upperBound), [0.2, 0.4, 0.6, 0.8, 1], "upper bounds")
    expectClose(
      calibration.bins.map(\.meanConfidence), [.nan, .nan, 0.525, 0.7, 0.9],
      tolerance: 1e-12, "confidence")
    expectClose(calibration.bins.map(\.accuracy), [.nan, .nan, 0.5, 0.5, 1], "accuracy")
    expectClose(calibration.expected, 0.11, tolerance: 1e-12, "ECE")
    expectClose(calibration.maximum, 0.2, tolerance: 1e-12, "MCE")
    #expect(calibration.sampleCount == 5)
  }

  @Test("default is 15 bins")
  func defaultBins() throws {
    let calibration = try CalibrationError(
      labels: Self.labels, scores: Self.scores, classCount: 2)
    #expect(calibration.bins.count == 15)
    #expect(calibration.bins.map(\.count).reduce(0, +) == 5)
  }

  @Test("bins are closed on the right")
  func binEdges() throws {
    // Confidence 0.5 with two bins falls in (0, 0.5], and 1 in (0.5, 1].
    let calibration = try CalibrationError(
      labels: [0, 1], scores: [0.5, 0.5, 0.0, 1.0], classCount: 2, binCount: 2)
    #expect(calibration.bins.map(\.count) == [1, 1])
  }

  @Test("one-hot correct predictions are calibrated")
  func perfect() throws {
    let calibration = try CalibrationError(
      labels: [0, 2, 1], scores: oneHot([0, 2, 1], classCount: 3), classCount: 3)
    expectClose(calibration.expected, 0, "ECE")
    expectClose(calibration.maximum, 0, "MCE")
  }

  @Test("logits give the table of their softmax")
  func logits() throws {
    let logits: [Double] = [2.0, 0.5, 0.1, 0.3, 1.5, 1.4, 0.2, 0.1, 0.9]
    let fromLogits = try CalibrationError(
      labels: [0, 2, 2], scores: logits, classCount: 3, scoreKind: .logits)
    let fromProbabilities = try CalibrationError(
      labels: [0, 2, 2], scores: try Softmax.probabilities(logits: logits, classCount: 3),
      classCount: 3)
    // Compared field by field, because empty bins hold NaN, which is unequal to itself.
    #expect(fromLogits.bins.map(\.count) == fromProbabilities.bins.map(\.count))
    expectClose(
      fromLogits.bins.map(\.meanConfidence), fromProbabilities.bins.map(\.meanConfidence),
      "confidence")
    expectClose(fromLogits.expected, fromProbabilities.expected, "ECE")
    expectClose(fromLogits.maximum, fromProbabilities.maximum, "MCE")
  }

  @Test("zero samples are undefined")
  func empty() throws {
    let calibration = try CalibrationError(labels: [Int](), scores: [Double](), classCount: 3)
    #expect(calibration.expected.isNaN)
    #expect(calibration.maximum.isNaN)
  }

  @Test("invalid input is rejected")
  func invalidInput() {
    let noBins = metricsError {
      try CalibrationError(labels: Self.labels, scores: Self.scores, classCount: 2, binCount: 0)
    }
    #expect(noBins == .invalidBinCount(0))
    let notProbabilities = metricsError {
      try CalibrationError(labels: [0], scores: [2.0, 0.5], classCount: 2)
    }
    #expect(notProbabilities == .rowSumNotOne(row: 0, sum: 2.5))
  }
}

@Suite("Calibration properties")
struct CalibrationPropertyTests {
  static let seeds: [UInt64] = [1, 2, 3, 42, 2024]

  @Test("bounds and counts", arguments: seeds)
  func bounds(seed: UInt64) throws {
    var generator = SeededGenerator(seed: seed)
    let input = randomClassification(sampleCount: 200, classCount: 5, generator: &generator)
    let calibration = try CalibrationError(
      labels: input.labels, scores: input.probabilities, classCount: 5)
    #expect(calibration.bins.map(\.count).reduce(0, +) == 200)
    #expect(calibration.expected >= 0)
    #expect(calibration.expected <= calibration.maximum + 1e-12)
    #expect(calibration.maximum <= 1)
    for bin in calibration.bins where bin.count > 0 {
      #expect(bin.meanConfidence > bin.lowerBound - 1e-7)
      #expect(bin.meanConfidence <= bin.upperBound + 1e-7)
    }
  }

  @Test("order of samples does not matter", arguments: seeds)
  func permutation(seed: UInt64) throws {
    var generator = SeededGenerator(seed: seed)
    let input = randomClassification(sampleCount: 120, classCount: 4, generator: &generator)
    let order = Array(input.labels.indices).shuffled(using: &generator)
    let labels = order.map { input.labels[$0] }
    let probabilities = order.flatMap { input.probabilities[($0 * 4)..<($0 * 4 + 4)] }
    let original = try CalibrationError(
      labels: input.labels, scores: input.probabilities, classCount: 4)
    let permuted = try CalibrationError(labels: labels, scores: probabilities, classCount: 4)
    #expect(permuted.bins.map(\.count) == original.bins.map(\.count))
    expectClose(permuted.expected, original.expected, tolerance: 1e-12, "ECE")
    expectClose(permuted.maximum, original.maximum, tolerance: 1e-12, "MCE")
  }
}
