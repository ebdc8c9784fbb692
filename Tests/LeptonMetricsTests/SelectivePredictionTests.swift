import LeptonMetrics
import Testing

/// Kept-sample results at `threshold` by checking every row.
private func recount(labels: [Int], probabilities: [Float], classCount: Int, threshold: Double)
  -> (kept: Int, correct: Int, matrix: ConfusionMatrix)
{
  var matrix = ConfusionMatrix(classCount: classCount)
  var kept = 0
  var correct = 0
  for (row, label) in labels.enumerated() {
    let values = probabilities[(row * classCount)..<((row + 1) * classCount)]
    var predicted = 0
    for column in 1..<classCount
    where values[row * classCount + column] > values[row * classCount + predicted] {
      predicted = column
    }
    guard Double(values[row * classCount + predicted]) >= threshold else { continue }
    kept += 1
    if predicted == label { correct += 1 }
    matrix.add(actual: label, predicted: predicted)
  }
  return (kept, correct, matrix)
}

@Suite("Selective prediction")
struct SelectivePredictionTests {
  // Top probabilities 0.7, 0.5, 0.8, 0.4 and 0.5. Rows 3 and 4 tie between
  // columns 0 and 1, so they predict class 0 as argmax does.
  let labels = [0, 2, 2, 1, 1]
  let probabilities: [Float] = [
    0.7, 0.2, 0.1,
    0.2, 0.5, 0.3,
    0.1, 0.1, 0.8,
    0.4, 0.4, 0.2,
    0.5, 0.5, 0.0,
  ]

  @Test func keepsTiedTopProbabilities() throws {
    let predictor = try SelectivePredictor(
      labels: labels, probabilities: probabilities, classCount: 3)
    let result = predictor.result(atThreshold: 0.5)
    #expect(result.keptCount == 4)
    #expect(result.correctCount == 2)
    expectClose(result.coverage, 0.8)
    expectClose(result.accuracy, 0.5)
    #expect(result.confusionMatrix.counts == [1, 0, 0, 1, 0, 0, 0, 1, 1])
  }

  @Test func highThresholdKeepsConfidentRows() throws {
    let predictor = try SelectivePredictor(
      labels: labels, probabilities: probabilities, classCount: 3)
    let result = predictor.result(atThreshold: 0.6)
    #expect(result.keptCount == 2)
    expectClose(result.coverage, 0.4)
    expectClose(result.accuracy, 1)
    #expect(result.accuracyUndefinedReason == nil)
  }

  @Test func thresholdAboveEveryRow() throws {
    let predictor = try SelectivePredictor(
      labels: labels, probabilities: probabilities, classCount: 3)
    for threshold in [0.9, Double.infinity] {
      let result = predictor.result(atThreshold: threshold)
      #expect(result.keptCount == 0)
      expectClose(result.coverage, 0)
      #expect(result.accuracy.isNaN)
      #expect(result.accuracyUndefinedReason != nil)
      #expect(result.confusionMatrix.total == 0)
    }
  }

  @Test func zeroThresholdKeepsAll() throws {
    let predictor = try SelectivePredictor(
      labels: labels, probabilities: probabilities, classCount: 3)
    let result = predictor.result(atThreshold: 0)
    #expect(result.keptCount == 5)
    expectClose(result.coverage, 1)
    expectClose(result.accuracy, 0.4)
    #expect(result.confusionMatrix.counts == [1, 0, 0, 2, 0, 0, 0, 1, 1])
  }

  @Test func invalidInputsRejected() {
    let badLabel = metricsError {
      try SelectivePredictor(labels: [3], probabilities: [Float(1), 0, 0], classCount: 3)
    }
    #expect(badLabel == .labelOutOfRange(label: 3, index: 0, classCount: 3))
    let badSum = metricsError {
      try SelectivePredictor(labels: [0], probabilities: [Float(2), 0, 0], classCount: 3)
    }
    #expect(badSum == .rowSumNotOne(row: 0, sum: 2))
    let badSize = metricsError {
      try SelectivePredictor(labels: [0, 1], probabilities: [Float(1), 0, 0], classCount: 3)
    }
    #expect(badSize == .lengthMismatch(name: "scores", expected: 6, actual: 3))
  }

  @Test("Agrees with a recount", arguments: [1, 2, 3, 42] as [UInt64])
  func agreesWithRecount(seed: UInt64) throws {
    var generator = SeededGenerator(seed: seed)
    let (labels32, probabilities) = randomClassification(
      sampleCount: 300, classCount: 4, generator: &generator)
    let labels = labels32.map(Int.init)
    let predictor = try SelectivePredictor(
      labels: labels, probabilities: probabilities, classCount: 4)
    let tops = Set(predictor.sortedTopProbabilities)
    let thresholds = Array(stride(from: 0.0, through: 1.0, by: 0.02)) + tops.sorted()
    for threshold in thresholds {
      let expected = recount(
        labels: labels, probabilities: probabilities, classCount: 4, threshold: threshold)
      let result = predictor.result(atThreshold: threshold)
      #expect(result.keptCount == expected.kept, "at \(threshold)")
      #expect(result.correctCount == expected.correct, "at \(threshold)")
      #expect(result.confusionMatrix == expected.matrix, "at \(threshold)")
    }
  }

  @Test("Results ignore sample order", arguments: [5, 6] as [UInt64])
  func permutationInvariance(seed: UInt64) throws {
    var generator = SeededGenerator(seed: seed)
    let (labels32, probabilities) = randomClassification(
      sampleCount: 120, classCount: 3, generator: &generator)
    let labels = labels32.map(Int.init)
    let order = Array(labels.indices).shuffled(using: &generator)
    let shuffledProbabilities = order.flatMap { probabilities[($0 * 3)..<($0 * 3 + 3)] }
    let original = try SelectivePredictor(
      labels: labels, probabilities: probabilities, classCount: 3)
    let shuffled = try SelectivePredictor(
      labels: order.map { labels[$0] }, probabilities: shuffledProbabilities, classCount: 3)
    for threshold in stride(from: 0.0, through: 1.0, by: 0.05) {
      #expect(
        shuffled.result(atThreshold: threshold) == original.result(atThreshold: threshold))
    }
  }
}
