import LeptonMetrics
import Testing

/// Seeds for the random inputs; each runs every property once.
private let seeds: [UInt64] = [1, 2, 3, 42, 2024]

private func randomInput(seed: UInt64, sampleCount: Int = 150, classCount: Int = 5) -> (
  labels: [Int32], probabilities: [Float]
) {
  var generator = SeededGenerator(seed: seed)
  return randomClassification(
    sampleCount: sampleCount, classCount: classCount, generator: &generator)
}

/// Fields of two reports that must agree, compared within `tolerance`.
private func expectSameReport(
  _ actual: ClassificationReport, _ expected: ClassificationReport, tolerance: Double = 1e-12,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(actual.sampleCount == expected.sampleCount, sourceLocation: sourceLocation)
  #expect(actual.confusionMatrix == expected.confusionMatrix, sourceLocation: sourceLocation)
  let pairs: [(String, Double, Double)] = [
    ("loss", actual.loss, expected.loss), ("accuracy", actual.accuracy, expected.accuracy),
    ("MAE", actual.meanAbsoluteError, expected.meanAbsoluteError),
    ("balanced", actual.balancedAccuracy, expected.balancedAccuracy),
    ("macro F1", actual.macro.f1, expected.macro.f1),
    ("macro AUC", actual.macro.auc, expected.macro.auc),
    ("weighted AUC", actual.weighted.auc, expected.weighted.auc),
    ("micro AUC", actual.micro.auc, expected.micro.auc),
    ("macro AP", actual.macro.averagePrecision, expected.macro.averagePrecision),
    ("micro AP", actual.micro.averagePrecision, expected.micro.averagePrecision),
  ]
  for (name, value, reference) in pairs {
    expectClose(value, reference, tolerance: tolerance, name, sourceLocation: sourceLocation)
  }
  expectClose(
    actual.perClass.map(\.auc), expected.perClass.map(\.auc), tolerance: tolerance, "AUC",
    sourceLocation: sourceLocation)
  expectClose(
    actual.perClass.map(\.averagePrecision), expected.perClass.map(\.averagePrecision),
    tolerance: tolerance, "AP", sourceLocation: sourceLocation)
  expectClose(
    actual.perClass.map(\.f1), expected.perClass.map(\.f1), tolerance: tolerance, "F1",
    sourceLocation: sourceLocation)
}

@Suite("Report properties")
struct ReportPropertyTests {
  @Test("permuting samples changes nothing", arguments: seeds)
  func permutationInvariance(seed: UInt64) throws {
    let input = randomInput(seed: seed)
    var generator = SeededGenerator(seed: seed &+ 1000)
    let order = Array(0..<input.labels.count).shuffled(using: &generator)
    let labels = order.map { input.labels[$0] }
    let probabilities = order.flatMap { input.probabilities[($0 * 5)..<($0 * 5 + 5)] }
    let original = try ClassificationReport.compute(
      labels: input.labels, probabilities: input.probabilities, classCount: 5)
    let permuted = try ClassificationReport.compute(
      labels: labels, probabilities: probabilities, classCount: 5)
    expectSameReport(permuted, original)
  }

  @Test("values stay within bounds", arguments: seeds)
  func bounds(seed: UInt64) throws {
    let input = randomInput(seed: seed)
    let report = try ClassificationReport.compute(
      labels: input.labels, probabilities: input.probabilities, classCount: 5)
    let unitValues =
      [report.accuracy, report.balancedAccuracy, report.meanAbsoluteError]
      + report.perClass.flatMap { [$0.precision, $0.recall, $0.f1, $0.auc, $0.averagePrecision] }
      + [report.macro, report.weighted, report.micro].flatMap {
        [$0.precision, $0.recall, $0.f1, $0.auc, $0.averagePrecision]
      }
    for value in unitValues {
      #expect((0...1).contains(value), "\(value) outside [0, 1]")
    }
    #expect(report.loss >= 0)
  }

  @Test("micro scores equal accuracy", arguments: seeds)
  func microEqualsAccuracy(seed: UInt64) throws {
    let input = randomInput(seed: seed)
    let report = try ClassificationReport.compute(
      labels: input.labels, probabilities: input.probabilities, classCount: 5)
    expectClose(report.micro.f1, report.accuracy, "micro F1")
    expectClose(report.micro.precision, report.accuracy, "micro precision")
    expectClose(report.micro.recall, report.accuracy, "micro recall")
    expectClose(report.weighted.recall, report.accuracy, "weighted recall")
  }

  @Test("confusion matrix sums to the sample count", arguments: seeds)
  func confusionMatrixSums(seed: UInt64) throws {
    let input = randomInput(seed: seed)
    let report = try ClassificationReport.compute(
      labels: input.labels, probabilities: input.probabilities, classCount: 5)
    let matrix = report.confusionMatrix
    #expect(matrix.total == input.labels.count)
    for classIndex in 0..<5 {
      #expect(matrix.rowSum(classIndex) == report.perClass[classIndex].support)
      #expect(matrix.columnSum(classIndex) == report.perClass[classIndex].predictedCount)
    }
    let predictions = try Accuracy.predictions(scores: input.probabilities, classCount: 5)
    #expect(matrix.correctCount == zip(input.labels, predictions).filter { Int($0) == $1 }.count)
    let byRow = matrix.normalized(by: .trueClasses)
    for row in 0..<5 where matrix.rowSum(row) > 0 {
      expectClose((0..<5).reduce(0.0) { $0 + byRow[row, $1] }, 1, "row \(row) sum")
    }
  }

  @Test("any batching gives the one-shot report", arguments: seeds)
  func accumulatorMatchesOneShot(seed: UInt64) throws {
    let input = randomInput(seed: seed)
    let oneShot = try ClassificationReport.compute(
      labels: input.labels, probabilities: input.probabilities, classCount: 5)
    var generator = SeededGenerator(seed: seed &+ 7)
    var accumulator = try EpochAccumulator(classCount: 5)
    var start = 0
    while start < input.labels.count {
      let end = min(input.labels.count, start + Int.random(in: 1...40, using: &generator))
      try accumulator.add(
        labels: Array(input.labels[start..<end]),
        scores: Array(input.probabilities[(start * 5)..<(end * 5)]))
      start = end
    }
    expectSameReport(try accumulator.report(), oneShot)
    expectClose(accumulator.runningAccuracy, oneShot.accuracy, "running accuracy")
    expectClose(accumulator.runningLoss, oneShot.loss, "running loss")
  }

  @Test("logits give the report of their softmax", arguments: seeds)
  func logitsMatchProbabilities(seed: UInt64) throws {
    var generator = SeededGenerator(seed: seed)
    let labels = (0..<80).map { _ in Int32.random(in: 0..<3, using: &generator) }
    let logits = (0..<240).map { _ in Float(Int.random(in: -8...8, using: &generator)) / 2 }
    let probabilities = try Softmax.probabilities(logits: logits, classCount: 3)
      .map { Float($0) }
    let fromLogits = try ClassificationReport.compute(
      labels: labels, scores: logits, classCount: 3, options: ReportOptions(scoreKind: .logits))
    let fromProbabilities = try ClassificationReport.compute(
      labels: labels, probabilities: probabilities, classCount: 3)
    // The loss differs: from logits it is exact, from float32 probabilities
    // it carries their rounding.
    var withSameLoss = fromLogits
    withSameLoss.loss = fromProbabilities.loss
    expectSameReport(withSameLoss, fromProbabilities)
    expectClose(fromLogits.loss, fromProbabilities.loss, tolerance: 1e-6, "loss")
    expectClose(
      fromLogits.loss, try CrossEntropy.mean(labels: labels, logits: logits, classCount: 3),
      "loss from logits")

    var accumulator = try EpochAccumulator(classCount: 3, scoreKind: .logits)
    for start in stride(from: 0, to: 80, by: 30) {
      let end = min(80, start + 30)
      try accumulator.add(
        labels: Array(labels[start..<end]), scores: Array(logits[(start * 3)..<(end * 3)]))
    }
    expectSameReport(try accumulator.report(), fromLogits)
  }
}

@Suite("Ranking properties")
struct RankingPropertyTests {
  static func randomBinary(seed: UInt64, count: Int = 120) -> (isPositive: [Bool], scores: [Double])
  {
    var generator = SeededGenerator(seed: seed)
    let isPositive = (0..<count).map { _ in Bool.random(using: &generator) }
    // Scores on a grid of 21 values, so many are tied.
    let scores = isPositive.map { positive in
      Double(Int.random(in: 0...20, using: &generator) + (positive ? 3 : 0)) / 23
    }
    return (isPositive, scores)
  }

  @Test("ROC is monotone from (0, 0) to (1, 1)", arguments: seeds)
  func rocMonotone(seed: UInt64) throws {
    let data = Self.randomBinary(seed: seed)
    let curve = try ROCCurve(isPositive: data.isPositive, scores: data.scores)
    #expect(curve.falsePositiveRates.first == 0)
    #expect(curve.truePositiveRates.first == 0)
    #expect(curve.thresholds.first == .infinity)
    #expect(curve.falsePositiveRates.last == 1)
    #expect(curve.truePositiveRates.last == 1)
    #expect(curve.thresholds.last == data.scores.min())
    #expect(Set(curve.thresholds.dropFirst()) == Set(data.scores))
    for index in 1..<curve.thresholds.count {
      #expect(curve.falsePositiveRates[index] >= curve.falsePositiveRates[index - 1])
      #expect(curve.truePositiveRates[index] >= curve.truePositiveRates[index - 1])
      #expect(curve.thresholds[index] < curve.thresholds[index - 1])
    }
  }

  @Test("AUC equals Mann-Whitney with ties as 1/2", arguments: seeds)
  func aucIsMannWhitney(seed: UInt64) throws {
    let data = Self.randomBinary(seed: seed)
    var wins = 0.0
    var pairs = 0.0
    for (positive, positiveScore) in zip(data.isPositive, data.scores) where positive {
      for (negative, negativeScore) in zip(data.isPositive, data.scores) where !negative {
        if positiveScore > negativeScore {
          wins += 1
        } else if positiveScore == negativeScore {
          wins += 0.5
        }
        pairs += 1
      }
    }
    let ranking = try BinaryRanking(isPositive: data.isPositive, scores: data.scores)
    expectClose(ranking.auc, wins / pairs)
    expectClose(ranking.rocCurve(dropIntermediate: true).auc, wins / pairs, "dropped curve")
  }

  @Test("AP equals mean precision at each positive", arguments: seeds)
  func averagePrecisionNaive(seed: UInt64) throws {
    let data = Self.randomBinary(seed: seed)
    var precisionSum = 0.0
    for (positive, score) in zip(data.isPositive, data.scores) where positive {
      let selected = zip(data.isPositive, data.scores).filter { $0.1 >= score }
      precisionSum += Double(selected.filter(\.0).count) / Double(selected.count)
    }
    let positives = data.isPositive.filter { $0 }.count
    let curve = try PrecisionRecallCurve(isPositive: data.isPositive, scores: data.scores)
    expectClose(curve.averagePrecision, precisionSum / Double(positives))
    #expect(curve.precisions.last == 1)
    #expect(curve.recalls.last == 0)
    #expect(curve.precisions.count == curve.thresholds.count + 1)
    for index in 1..<curve.recalls.count {
      #expect(curve.recalls[index] <= curve.recalls[index - 1])
    }
  }

  @Test("counts at a threshold match a direct count", arguments: seeds)
  func countsAtThreshold(seed: UInt64) throws {
    let data = Self.randomBinary(seed: seed)
    let ranking = try BinaryRanking(isPositive: data.isPositive, scores: data.scores)
    for threshold in [-1.0, 0, 0.2, 0.5, 0.75, 1.0, 2.0] + data.scores.prefix(5) {
      var expected = BinaryCounts(
        truePositives: 0, falsePositives: 0, falseNegatives: 0, trueNegatives: 0)
      for (positive, score) in zip(data.isPositive, data.scores) {
        expected.add(isPositive: positive, isPredictedPositive: score >= threshold)
      }
      #expect(ranking.counts(atThreshold: threshold) == expected, "threshold \(threshold)")
    }
    let aboveAll = ranking.counts(atThreshold: .infinity)
    #expect(aboveAll.predictedPositives == 0)
    #expect(aboveAll.undefined.contains(.precision))
  }

  @Test("scores in any order give the same curve", arguments: seeds)
  func curveOrderInvariance(seed: UInt64) throws {
    let data = Self.randomBinary(seed: seed)
    let reversed = try ROCCurve(
      isPositive: data.isPositive.reversed(), scores: data.scores.reversed())
    let original = try ROCCurve(isPositive: data.isPositive, scores: data.scores)
    #expect(reversed == original)
  }
}

@Suite("Top-k properties")
struct TopKPropertyTests {
  @Test("top-k grows with k and reaches 1", arguments: seeds)
  func monotoneInK(seed: UInt64) throws {
    let input = randomInput(seed: seed)
    var previous = 0.0
    for k in 1...5 {
      let topK = try TopKAccuracy(
        labels: input.labels, scores: input.probabilities, classCount: 5, k: k)
      #expect(topK.accuracy >= previous)
      previous = topK.accuracy
    }
    expectClose(previous, 1.0)
  }

  @Test("ties at the boundary follow scikit-learn and are counted")
  func ties() throws {
    // Row 0: the true class 0 ties with class 1 for first place; the higher
    // index ranks first, so top-1 misses. Row 1: true class 1 wins the tie.
    let topOne = try TopKAccuracy(
      labels: [0, 1], scores: [0.4, 0.4, 0.2, 0.4, 0.4, 0.2], classCount: 3, k: 1)
    #expect(topOne.hitCount == 1)
    #expect(topOne.tiedAtBoundaryCount == 2)
    let topTwo = try TopKAccuracy(
      labels: [0, 1], scores: [0.4, 0.4, 0.2, 0.4, 0.4, 0.2], classCount: 3, k: 2)
    #expect(topTwo.hitCount == 2)
    #expect(topTwo.tiedAtBoundaryCount == 0)
  }

  @Test("two classes: lower index wins ties")
  func binaryTies() throws {
    // scikit-learn's binary path predicts class 1 only when its score is
    // above 0.5, so the row [0.5, 0.5] counts for class 0 and not class 1.
    let topOne = try TopKAccuracy(
      labels: [0, 1], scores: [0.5, 0.5, 0.5, 0.5], classCount: 2, k: 1)
    #expect(topOne.hitCount == 1)
    #expect(topOne.tiedAtBoundaryCount == 2)
    let classOne = try TopKAccuracy(labels: [1], scores: [0.5, 0.5], classCount: 2, k: 1)
    #expect(classOne.hitCount == 0)
    let topTwo = try TopKAccuracy(
      labels: [0, 1], scores: [0.5, 0.5, 0.5, 0.5], classCount: 2, k: 2)
    #expect(topTwo.hitCount == 2)
  }

  @Test("example without ties by hand")
  func handExample() throws {
    // By hand, for k = 2: rows 0 to 2 rank the true class first or second,
    // and row 3 ranks class 2 last, so 3 of 4 samples are hits. The tie in
    // row 0 is below the true class, so it does not count.
    let scores: [Double] = [0.5, 0.2, 0.2, 0.3, 0.4, 0.2, 0.2, 0.4, 0.3, 0.7, 0.2, 0.1]
    let topTwo = try TopKAccuracy(labels: [0, 1, 2, 2], scores: scores, classCount: 3, k: 2)
    expectClose(topTwo.accuracy, 0.75)
    #expect(topTwo.hitCount == 3)
    #expect(topTwo.tiedAtBoundaryCount == 0)
  }

  @Test("top-1 differs from accuracy only by ties", arguments: seeds)
  func topOneAndArgmax(seed: UInt64) throws {
    let input = randomInput(seed: seed)
    let topOne = try TopKAccuracy(
      labels: input.labels, scores: input.probabilities, classCount: 5, k: 1)
    let report = try ClassificationReport.compute(
      labels: input.labels, probabilities: input.probabilities, classCount: 5)
    let difference = abs(topOne.hitCount - report.confusionMatrix.correctCount)
    #expect(difference <= topOne.tiedAtBoundaryCount)
  }

  @Test("k outside 1...classCount is rejected")
  func invalidK() {
    let error = metricsError {
      try TopKAccuracy(labels: [0], scores: [0.5, 0.5], classCount: 2, k: 3)
    }
    #expect(error == .invalidTopK(k: 3, classCount: 2))
    #expect(error?.description == "k = 3 is invalid for 2 classes; pass k in 1...2")
  }
}
