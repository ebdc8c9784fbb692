import LeptonMetrics
import Testing

// Reference values come from scikit-learn 1.9.1 (`roc_auc_score`,
// `roc_curve`, `precision_recall_curve`, `average_precision_score`).

@Suite("AUC with one class present")
struct SingleClassAUCTests {
  @Test("only positives: AUC NaN, never 0 or 0.5")
  func onlyPositives() throws {
    let ranking = try BinaryRanking(labels: [1, 1, 1], scores: [0.2, 0.6, 0.9], positiveLabel: 1)
    #expect(ranking.auc.isNaN)
    #expect(ranking.aucUndefinedReason == .noNegativeSamples)
    #expect(
      ranking.aucUndefinedReason?.message(positiveClass: "1", negativeClass: "0")
        == "undefined: only class 1 present")
  }

  @Test("only negatives: AUC NaN with reason")
  func onlyNegatives() throws {
    let ranking = try BinaryRanking(labels: [0, 0, 0], scores: [0.2, 0.6, 0.9], positiveLabel: 1)
    #expect(ranking.auc.isNaN)
    #expect(ranking.aucUndefinedReason == .noPositiveSamples)
    #expect(
      ranking.aucUndefinedReason?.message(positiveClass: "1", negativeClass: "0")
        == "undefined: only class 0 present")
    #expect(
      ranking.aucUndefinedReason?.message(positiveClass: "3")
        == "undefined: no samples of class 3")
  }

  @Test("ROC curve of only positives matches scikit-learn")
  func curveOfOnlyPositives() throws {
    let isPositive = [true, true, true]
    let scores = [0.2, 0.6, 0.9]
    let dropped = try ROCCurve(isPositive: isPositive, scores: scores, dropIntermediate: true)
    expectClose(dropped.falsePositiveRates, [.nan, .nan, .nan], "fpr")
    expectClose(dropped.truePositiveRates, [0, 1.0 / 3, 1], "tpr")
    expectClose(dropped.thresholds, [.infinity, 0.9, 0.2], "thresholds")
    #expect(dropped.auc.isNaN)
    #expect(dropped.undefinedReason == .noNegativeSamples)

    let full = try ROCCurve(isPositive: isPositive, scores: scores)
    expectClose(full.truePositiveRates, [0, 1.0 / 3, 2.0 / 3, 1], "full tpr")
    expectClose(full.thresholds, [.infinity, 0.9, 0.6, 0.2], "full thresholds")
  }

  @Test("average precision without positives is undefined")
  func averagePrecisionWithoutPositives() throws {
    let curve = try PrecisionRecallCurve(
      isPositive: [false, false, false], scores: [0.2, 0.6, 0.9])
    #expect(curve.averagePrecision.isNaN)
    #expect(curve.undefinedReason == .noPositiveSamples)
    // scikit-learn sets recall to 1 everywhere and returns AP = 0.0 by
    // convention; the curve keeps its numbers, the AP is marked undefined.
    expectClose(curve.recalls, [1, 1, 1, 0], "recall")
    var conventionalAP = 0.0
    for index in 0..<(curve.recalls.count - 1) {
      conventionalAP -= (curve.recalls[index + 1] - curve.recalls[index]) * curve.precisions[index]
    }
    expectClose(conventionalAP, 0.0, "scikit-learn's AP")
  }

  @Test("average precision of only positives is 1")
  func averagePrecisionOfOnlyPositives() throws {
    let curve = try PrecisionRecallCurve(isPositive: [true, true, true], scores: [0.2, 0.6, 0.9])
    expectClose(curve.averagePrecision, 1.0)
    #expect(curve.undefinedReason == nil)
  }

  @Test("report leaves single-class AUCs out of averages")
  func reportCountsUndefinedAUC() throws {
    // Every sample is class 1 of 3: no class has a defined one-vs-rest AUC.
    let report = try ClassificationReport.compute(
      labels: [1, 1, 1], probabilities: [0.2, 0.5, 0.3, 0.1, 0.6, 0.3, 0.3, 0.3, 0.4],
      classCount: 3)
    #expect(report.perClass.allSatisfy { $0.auc.isNaN })
    #expect(report.perClass[1].aucUndefinedReason == .noNegativeSamples)
    #expect(report.perClass[0].aucUndefinedReason == .noPositiveSamples)
    #expect(report.perClass.allSatisfy { $0.undefined.contains(.auc) })
    #expect(report.macro.auc.isNaN)
    #expect(report.macro.undefinedAUCCount == 3)
    #expect(report.macro.includedClasses.auc == 0)
    #expect(report.weighted.auc.isNaN)
    #expect(report.macro.undefined.contains(.auc))
  }

  @Test("epoch AUC defined despite single-class batch")
  func epochAUCFromAccumulatedScores() throws {
    var accumulator = try EpochAccumulator(classCount: 2)
    try accumulator.add(labels: [1, 1], scores: [0.3, 0.7, 0.4, 0.6])
    try accumulator.add(labels: [0, 0], scores: [0.8, 0.2, 0.6, 0.4])
    let report = try accumulator.report()
    expectClose(report.perClass[1].auc, 1.0)
    #expect(report.macro.undefinedAUCCount == 0)
  }
}

@Suite("Non-finite scores")
struct NonFiniteScoreTests {
  static let labels = [0, 1, 0, 1]

  @Test(
    "rejected with count and first index",
    arguments: [
      ([0.1, .nan, 0.3, 0.8], 1, 1),
      ([0.1, .infinity, 0.3, 0.8], 1, 1),
      ([-.infinity, 0.9, 0.3, 0.8], 1, 0),
      ([.nan, .nan, .nan, .nan], 4, 0),
    ])
  func binaryScores(scores: [Double], count: Int, firstIndex: Int) {
    let error = metricsError {
      try BinaryRanking(labels: Self.labels, scores: scores, positiveLabel: 1)
    }
    guard case .nonFiniteScores(let foundCount, let foundIndex, let value, let columns) = error
    else {
      Issue.record("expected nonFiniteScores, got \(String(describing: error))")
      return
    }
    #expect(foundCount == count)
    #expect(foundIndex == firstIndex)
    #expect(!value.isFinite)
    #expect(columns == 1)
  }

  @Test("message gives count and first index")
  func message() {
    let error = metricsError {
      try BinaryRanking(labels: Self.labels, scores: [0.1, .nan, 0.3, 0.8], positiveLabel: 1)
    }
    #expect(
      error?.description
        == "scores contain 1 non-finite value (first NaN at index 1); "
        + "cannot rank them, so remove or fix these scores")
  }

  @Test("every score-based entry point rejects NaN")
  func everyEntryPoint() throws {
    let labels: [Int32] = [0, 1, 0, 1]
    var matrix: [Float] = [0.9, 0.1, 0.2, 0.8, 0.7, 0.3, 0.4, 0.6]
    matrix[3] = .nan
    let expected =
      "scores contain 1 non-finite value (first NaN at index 3, row 1 column 1); "
      + "cannot rank them, so remove or fix these scores"
    let calls: [(String, () throws -> Any)] = [
      (
        "compute",
        { try ClassificationReport.compute(labels: labels, probabilities: matrix, classCount: 2) }
      ),
      (
        "ROC curves",
        {
          try ClassificationReport.oneVsRestROCCurves(
            labels: labels, probabilities: matrix, classCount: 2)
        }
      ),
      (
        "PR curves",
        {
          try ClassificationReport.oneVsRestPrecisionRecallCurves(
            labels: labels, probabilities: matrix, classCount: 2)
        }
      ),
      (
        "multiclass AUC",
        {
          try MulticlassAUC(
            labels: labels, scores: matrix, classCount: 2, scoreKind: .probabilities)
        }
      ),
      (
        "one-vs-one AUC",
        {
          try MulticlassAUC(
            labels: labels, scores: matrix, classCount: 2, scoreKind: .logits, strategy: .oneVsOne)
        }
      ),
      (
        "cross-entropy",
        { try CrossEntropy.mean(labels: labels, probabilities: matrix, classCount: 2) }
      ),
      (
        "cross-entropy of logits",
        { try CrossEntropy.mean(labels: labels, logits: matrix, classCount: 2) }
      ),
      ("MAE", { try MeanAbsoluteError.mean(labels: labels, probabilities: matrix, classCount: 2) }),
      ("top-k", { try TopKAccuracy(labels: labels, scores: matrix, classCount: 2, k: 1) }),
      ("predictions", { try Accuracy.predictions(scores: matrix, classCount: 2) }),
      ("softmax", { try Softmax.probabilities(logits: matrix, classCount: 2) }),
      ("calibration", { try CalibrationError(labels: labels, scores: matrix, classCount: 2) }),
      (
        "calibration of logits",
        { try CalibrationError(labels: labels, scores: matrix, classCount: 2, scoreKind: .logits) }
      ),
      ("bootstrap", { try BootstrapIntervals(labels: labels, scores: matrix, classCount: 2) }),
      (
        "bootstrap of logits",
        {
          try BootstrapIntervals(labels: labels, scores: matrix, classCount: 2, scoreKind: .logits)
        }
      ),
      (
        "extended report",
        { try ExtendedReport.compute(labels: labels, scores: matrix, classCount: 2) }
      ),
    ]
    for (name, call) in calls {
      let error = metricsError(call)
      #expect(error?.description == expected, "\(name)")
    }
    var accumulator = try EpochAccumulator(classCount: 2)
    let batchError = metricsError { try accumulator.add(labels: labels, scores: matrix) }
    #expect(batchError?.description == "batch 1: " + expected)
    #expect(accumulator.sampleCount == 0)
  }
}

@Suite("ROC thresholds")
struct ROCThresholdTests {
  @Test("curve starts at (0, 0) with infinite threshold")
  func startsAtOrigin() throws {
    let isPositive = [false, true, false, true, true]
    let scores = [0.2, 0.9, 0.45, 0.6, 0.3]
    for dropIntermediate in [true, false] {
      let curve = try ROCCurve(
        isPositive: isPositive, scores: scores, dropIntermediate: dropIntermediate)
      expectClose(curve.falsePositiveRates, [0, 0, 0, 0.5, 0.5, 1], "fpr")
      expectClose(curve.truePositiveRates, [0, 1.0 / 3, 2.0 / 3, 2.0 / 3, 1, 1], "tpr")
      expectClose(curve.thresholds, [.infinity, 0.9, 0.6, 0.45, 0.3, 0.2], "thresholds")
      expectClose(curve.auc, 0.8333333333333333)
    }
  }

  @Test("top-scored negative keeps the origin")
  func topScoredNegative() throws {
    let curve = try ROCCurve(
      isPositive: [false, true, false, true, true], scores: [0.95, 0.9, 0.45, 0.6, 0.3])
    expectClose(curve.falsePositiveRates, [0, 0.5, 0.5, 0.5, 1, 1], "fpr")
    expectClose(curve.truePositiveRates, [0, 0, 1.0 / 3, 2.0 / 3, 2.0 / 3, 1], "tpr")
    expectClose(curve.thresholds, [.infinity, 0.95, 0.9, 0.6, 0.45, 0.3], "thresholds")
  }

  @Test("decision scores kept as thresholds")
  func decisionScores() throws {
    let curve = try ROCCurve(
      isPositive: [false, true, false, true], scores: [-2.5, 3.0, 0.0, 1.2])
    expectClose(curve.falsePositiveRates, [0, 0, 0, 0.5, 1], "fpr")
    expectClose(curve.truePositiveRates, [0, 0.5, 1, 1, 1], "tpr")
    expectClose(curve.thresholds, [.infinity, 3.0, 1.2, 0.0, -2.5], "thresholds")
  }
}

@Suite("Multiclass AUC score kinds")
struct MulticlassScoreKindTests {
  static let labels = [0, 1, 2, 1, 0, 2]
  static let logits: [[Double]] = [
    [2.0, 0.5, 0.1], [0.3, 1.5, 1.4], [0.2, 0.1, 0.9], [1.0, 1.1, 0.2], [0.4, 0.6, 0.3],
    [0.5, 0.2, 2.0],
  ]

  @Test("logits declared as probabilities are rejected naming the row")
  func logitsAsProbabilities() {
    let error = metricsError {
      try MulticlassAUC(
        labels: Self.labels, scores: Self.logits.flatMap { $0 }, classCount: 3,
        scoreKind: .probabilities)
    }
    #expect(error == .rowSumNotOne(row: 0, sum: 2.6))
    #expect(
      error?.description
        == "row 0 sums to 2.6, not 1 (tolerance 1e-5); "
        + "pass probabilities or declare the scores as logits")
  }

  @Test("logits softmaxed once give scikit-learn's AUC")
  func declaredLogits() throws {
    for strategy in [MulticlassStrategy.oneVsRest, .oneVsOne] {
      let auc = try MulticlassAUC(
        labels: Self.labels, scores: Self.logits.flatMap { $0 }, classCount: 3,
        scoreKind: .logits, strategy: strategy)
      expectClose(auc.macro, 0.9583333333333334, "\(strategy) macro")
      expectClose(auc.weighted, 0.9583333333333334, "\(strategy) weighted")
      #expect(auc.undefinedCount == 0)
    }
    let oneVsRest = try MulticlassAUC(
      labels: Self.labels, scores: Self.logits.flatMap { $0 }, classCount: 3, scoreKind: .logits)
    expectClose(oneVsRest.perClass, [0.875, 1.0, 1.0], "per class")
    #expect(oneVsRest.strategy == .oneVsRest)
  }

  @Test("softmax output passes row check")
  func softmaxProbabilities() throws {
    let probabilities = try softmaxRows(Self.logits)
    let fromDouble = try MulticlassAUC(
      labels: Self.labels, scores: probabilities, classCount: 3, scoreKind: .probabilities)
    expectClose(fromDouble.macro, 0.9583333333333334)
    let fromFloat = try MulticlassAUC(
      labels: Self.labels, scores: probabilities.map { Float($0) }, classCount: 3,
      scoreKind: .probabilities)
    expectClose(fromFloat.macro, 0.9583333333333334)
    expectClose(fromFloat.perClass, [0.875, 1.0, 1.0])
  }

  @Test("row summing to 0.9999 is rejected")
  func rowJustOffOne() throws {
    var probabilities = try softmaxRows(Self.logits)
    probabilities.replaceSubrange(0..<3, with: [0.7, 0.2, 0.0999])
    let error = metricsError {
      try MulticlassAUC(
        labels: Self.labels, scores: probabilities, classCount: 3, scoreKind: .probabilities)
    }
    guard case .rowSumNotOne(let row, let sum) = error else {
      Issue.record("expected rowSumNotOne, got \(String(describing: error))")
      return
    }
    #expect(row == 0)
    expectClose(sum, 0.9999, tolerance: 1e-12)
    #expect(error?.description.hasPrefix("row 0 sums to 0.9999, not 1") == true)
  }

  @Test("per-class AUC of raw logits differs")
  func rawLogitColumns() throws {
    let expected = [0.75, 1.0, 0.875]
    for classIndex in 0..<3 {
      let ranking = try BinaryRanking(
        labels: Self.labels, scores: Self.logits.map { $0[classIndex] },
        positiveLabel: classIndex)
      expectClose(ranking.auc, expected[classIndex], "class \(classIndex)")
    }
  }

  @Test("class without samples is left out with a count")
  func classWithoutSamples() throws {
    // Four declared classes; class 3 has no samples.
    let logits = Self.logits.map { $0 + [-1.0] }
    let auc = try MulticlassAUC(
      labels: Self.labels, scores: logits.flatMap { $0 }, classCount: 4, scoreKind: .logits)
    #expect(auc.perClass[3].isNaN)
    #expect(auc.perClassUndefinedReasons[3] == .noPositiveSamples)
    #expect(auc.undefinedCount == 1)
    #expect(auc.includedCount == 3)
    #expect(!auc.macro.isNaN)
    let pairs = try MulticlassAUC(
      labels: Self.labels, scores: logits.flatMap { $0 }, classCount: 4, scoreKind: .logits,
      strategy: .oneVsOne)
    #expect(pairs.pairs.count == 6)
    #expect(pairs.undefinedCount == 3)
    #expect(pairs.pairs.filter { $0.second == 3 }.allSatisfy { $0.auc.isNaN })
  }
}

@Suite("Binary positive class")
struct PositiveClassTests {
  static let labels = ["spam", "ham", "ham", "spam", "ham"]
  static let matrix = [0.3, 0.7, 0.8, 0.2, 0.4, 0.6, 0.1, 0.9, 0.65, 0.35]
  static let predicted = ["spam", "ham", "spam", "spam", "ham"]

  @Test("[N, 2] scores use the positive label's column")
  func twoColumns() throws {
    let scores = try PositiveClassScores(
      matrix: Self.matrix, columnCount: 2, columnLabels: ["ham", "spam"], positiveLabel: "spam")
    #expect(scores.column == 1)
    #expect(scores.description == "positive class = spam (column 1)")
    let ranking = try BinaryRanking(
      labels: Self.labels, scores: scores.scores, positiveLabel: "spam")
    expectClose(ranking.auc, 1.0)
  }

  @Test("wrong column gives 1 - AUC")
  func columnAndLabelPairing() throws {
    let hamColumn = try PositiveClassScores(
      matrix: Self.matrix, columnCount: 2, columnLabels: ["ham", "spam"], positiveLabel: "ham")
    #expect(hamColumn.column == 0)
    let wrong = try BinaryRanking(
      labels: Self.labels, scores: hamColumn.scores, positiveLabel: "spam")
    expectClose(wrong.auc, 0.0)
    let right = try BinaryRanking(
      labels: Self.labels, scores: hamColumn.scores, positiveLabel: "ham")
    expectClose(right.auc, 1.0)
  }

  @Test("[N, 1] and [N] scores are positive-class scores")
  func singleColumn() throws {
    let spamScores = stride(from: 1, to: Self.matrix.count, by: 2).map { Self.matrix[$0] }
    let column = try PositiveClassScores(
      matrix: spamScores, columnCount: 1, columnLabels: ["spam"], positiveLabel: "spam")
    #expect(column.column == 0)
    let vector = PositiveClassScores(scores: spamScores, positiveLabel: "spam")
    #expect(vector.column == nil)
    #expect(vector.description == "positive class = spam")
    for scores in [column.scores, vector.scores] {
      let ranking = try BinaryRanking(labels: Self.labels, scores: scores, positiveLabel: "spam")
      expectClose(ranking.auc, 1.0)
    }
  }

  @Test("more than 2 columns is multiclass")
  func threeColumns() {
    let error = metricsError {
      try PositiveClassScores(
        matrix: [0.2, 0.3, 0.5], columnCount: 3, columnLabels: ["a", "b", "c"],
        positiveLabel: "a")
    }
    #expect(error == .tooManyBinaryScoreColumns(3))
  }

  @Test("F1 for each positive class")
  func fScores() throws {
    let spam = try BinaryCounts(
      actual: Self.labels, predicted: Self.predicted, positiveLabel: "spam")
    expectClose(spam.fScore(), 0.8)
    expectClose(spam.precision(), 2.0 / 3)
    expectClose(spam.recall(), 1.0)
    let ham = try BinaryCounts(actual: Self.labels, predicted: Self.predicted, positiveLabel: "ham")
    expectClose(ham.fScore(), 0.8)
    expectClose(ham.precision(), 1.0)
    expectClose(ham.recall(), 2.0 / 3)
  }

  @Test("positive label missing from the data is rejected")
  func missingPositiveLabel() {
    let error = metricsError {
      try BinaryCounts(actual: Self.labels, predicted: Self.predicted, positiveLabel: "1")
    }
    #expect(error == .positiveLabelNotFound(label: "1", available: ["ham", "spam"]))
    #expect(
      error?.description
        == "positive label 1 is not among the labels [ham, spam]; "
        + "pass one of them as the positive class")
    let rankingError = metricsError {
      try BinaryRanking(
        labels: Self.labels, scores: [0.7, 0.2, 0.6, 0.9, 0.35], positiveLabel: "1")
    }
    #expect(rankingError == .positiveLabelNotFound(label: "1", available: ["ham", "spam"]))
  }
}
