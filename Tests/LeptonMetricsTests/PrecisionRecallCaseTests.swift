import LeptonMetrics
import Testing

// Reference values come from scikit-learn 1.9.1
// (`precision_recall_fscore_support`, `f1_score`, `recall_score`), where
// `zero_division="warn"` stores the same numbers as `.zero`.

@Suite("Binary zero division")
struct BinaryZeroDivisionTests {
  struct Case: Sendable, CustomTestStringConvertible {
    let name: String
    let actual: [Int]
    let predicted: [Int]
    let undefined: UndefinedMetrics
    /// Expected (precision, recall, F1) under `.zero`, `.one` and `.nan`.
    let values: [ZeroDivisionPolicy: [Double]]
    var testDescription: String { name }
  }

  static let cases = [
    Case(
      name: "all negative", actual: [0, 0, 0, 0], predicted: [0, 0, 0, 0],
      undefined: [.precision, .recall, .fScore],
      values: [.zero: [0, 0, 0], .one: [1, 1, 1], .nan: [.nan, .nan, .nan]]),
    Case(
      name: "no predicted positive", actual: [1, 0, 1, 0], predicted: [0, 0, 0, 0],
      undefined: [.precision],
      values: [.zero: [0, 0, 0], .one: [1, 0, 0], .nan: [.nan, 0, 0]]),
    Case(
      name: "no true positive", actual: [0, 0, 0, 0], predicted: [1, 0, 0, 1],
      undefined: [.recall],
      values: [.zero: [0, 0, 0], .one: [0, 1, 0], .nan: [0, .nan, 0]]),
  ]

  @Test("values per policy", arguments: cases)
  func valuesPerPolicy(testCase: Case) throws {
    let counts = try BinaryCounts(
      actual: testCase.actual, predicted: testCase.predicted, positiveLabel: 1)
    for policy in ZeroDivisionPolicy.allCases {
      let expected = try #require(testCase.values[policy])
      expectClose(counts.precision(zeroDivision: policy), expected[0], "\(policy) precision")
      expectClose(counts.recall(zeroDivision: policy), expected[1], "\(policy) recall")
      expectClose(counts.fScore(zeroDivision: policy), expected[2], "\(policy) F1")
    }
  }

  @Test("undefined values are marked", arguments: cases)
  func undefinedMarks(testCase: Case) throws {
    let counts = try BinaryCounts(
      actual: testCase.actual, predicted: testCase.predicted, positiveLabel: 1)
    #expect(counts.undefined == testCase.undefined)
  }
}

@Suite("Multiclass zero division")
struct MulticlassZeroDivisionTests {
  /// Class 1 is predicted twice but never true; class 2 is true twice but
  /// never predicted.
  static func scores(_ policy: ZeroDivisionPolicy) throws -> PrecisionRecallFScore {
    let matrix = try ConfusionMatrix(classCount: 3, actual: [0, 0, 2, 2], predicted: [0, 1, 1, 0])
    return try PrecisionRecallFScore(confusionMatrix: matrix, zeroDivision: policy)
  }

  @Test("per-class values per policy")
  func perClass() throws {
    let expected: [ZeroDivisionPolicy: [[Double]]] = [
      .zero: [[0.5, 0, 0], [0.5, 0, 0], [0.5, 0, 0]],
      .nan: [[0.5, 0, .nan], [0.5, .nan, 0], [0.5, 0, 0]],
      .one: [[0.5, 0, 1], [0.5, 1, 0], [0.5, 0, 0]],
    ]
    for (policy, values) in expected {
      let result = try Self.scores(policy)
      expectClose(result.perClass.map(\.precision), values[0], "\(policy) precision")
      expectClose(result.perClass.map(\.recall), values[1], "\(policy) recall")
      expectClose(result.perClass.map(\.fScore), values[2], "\(policy) F1")
      #expect(result.perClass.map(\.support) == [2, 0, 2])
    }
  }

  @Test("F1 defined unless TP + FP + FN = 0")
  func fScoreDefinedness() throws {
    let result = try Self.scores(.nan)
    #expect(result.perClass[1].undefined == [.recall])
    #expect(result.perClass[2].undefined == [.precision])
    #expect(result.perClass.allSatisfy { !$0.undefined.contains(.fScore) })
  }

  @Test("averages per policy")
  func averages() throws {
    let expected: [ZeroDivisionPolicy: [[Double]]] = [
      .zero: [[1.0 / 6, 1.0 / 6, 1.0 / 6], [0.25, 0.25, 0.25], [0.25, 0.25, 0.25]],
      .nan: [[0.25, 0.25, 1.0 / 6], [0.5, 0.25, 0.25], [0.25, 0.25, 0.25]],
      .one: [[0.5, 0.5, 1.0 / 6], [0.75, 0.25, 0.25], [0.25, 0.25, 0.25]],
    ]
    for (policy, values) in expected {
      let result = try Self.scores(policy)
      for (name, average, reference) in [
        ("macro", result.macro, values[0]), ("weighted", result.weighted, values[1]),
        ("micro", result.micro, values[2]),
      ] {
        expectClose(
          [average.precision, average.recall, average.fScore], reference, "\(policy) \(name)")
      }
    }
  }

  @Test("NaN policy reports k of n classes")
  func includedCounts() throws {
    let macro = try Self.scores(.nan).macro.includedClasses
    #expect(macro.labelCount == 3)
    #expect(macro.precision == 2)
    #expect(macro.recall == 2)
    #expect(macro.fScore == 3)
    #expect(IncludedClassCounts.describe(macro.precision, of: macro.labelCount) == "2 of 3 classes")
    let zeroMacro = try Self.scores(.zero).macro.includedClasses
    #expect(
      zeroMacro
        == IncludedClassCounts(
          labelCount: 3, precision: 3, recall: 3, fScore: 3, auc: 0, averagePrecision: 0))
  }
}

@Suite("Declared classes absent from the data")
struct AbsentClassTests {
  @Test("perfect predictions keep macro F1 at 1")
  func perfectPredictions() throws {
    let labels = [1, 1, 0, 2]
    let matrix = try ConfusionMatrix(classCount: 5, actual: labels, predicted: labels)
    let present = try PrecisionRecallFScore(confusionMatrix: matrix)
    expectClose(present.macro.fScore, 1.0, "macro F1")
    expectClose(present.macro.recall, 1.0, "macro recall")
    #expect(present.labels == [0, 1, 2])
    #expect(present.perClass[3].isPresent == false)
    #expect(present.perClass[4].support == 0)

    // scikit-learn with labels=[0, 1, 2, 3, 4] counts the absent classes.
    let declared = try PrecisionRecallFScore(confusionMatrix: matrix, labels: .declared)
    expectClose(declared.macro.fScore, 0.6, "declared macro F1")
    expectClose(declared.macro.recall, 0.6, "declared macro recall")
    expectClose(declared.weighted.fScore, 1.0, "declared weighted F1")
    expectClose(declared.micro.fScore, 1.0, "declared micro F1")
    let declaredNaN = try PrecisionRecallFScore(
      confusionMatrix: matrix, zeroDivision: .nan, labels: .declared)
    expectClose(declaredNaN.macro.fScore, 1.0, "declared NaN-policy macro F1")
    expectClose(try Accuracy.score(actual: labels, predicted: labels), 1.0, "accuracy")
  }

  @Test(
    "imperfect predictions: macro F1 ignores unused classes",
    arguments: [(3, 0.8222222222222223), (4, 0.6166666666666667), (6, 0.41111111111111115)])
  func imperfectPredictions(classCount: Int, declaredMacro: Double) throws {
    let matrix = try ConfusionMatrix(
      classCount: classCount, actual: [0, 1, 2, 2, 1], predicted: [0, 2, 2, 2, 1])
    let present = try PrecisionRecallFScore(confusionMatrix: matrix)
    expectClose(present.macro.fScore, 0.8222222222222223, "present")
    let declared = try PrecisionRecallFScore(confusionMatrix: matrix, labels: .declared)
    expectClose(declared.macro.fScore, declaredMacro, "declared")
    let declaredNaN = try PrecisionRecallFScore(
      confusionMatrix: matrix, zeroDivision: .nan, labels: .declared)
    expectClose(declaredNaN.macro.fScore, 0.8222222222222223, "declared, NaN policy")
  }

  @Test("report lists absent classes as not present")
  func reportOfPerfectPredictions() throws {
    let labels: [Int32] = [1, 1, 0, 2]
    let report = try ClassificationReport.compute(
      labels: labels, probabilities: oneHot(labels.map { Int($0) }, classCount: 5), classCount: 5)
    expectClose(report.macro.f1, 1.0, "macro F1")
    expectClose(report.macro.precision, 1.0, "macro precision")
    #expect(report.macro.includedClasses.labelCount == 3)
    #expect(report.perClass.map(\.isPresent) == [true, true, true, false, false])
    #expect(report.perClass.map(\.support) == [1, 2, 1, 0, 0])
    #expect(report.perClass[4].undefined.isSuperset(of: [.precision, .recall, .fScore, .auc]))
  }
}

@Suite("Class seen only in predictions")
struct PredictedOnlyClassTests {
  static let actual = ["cat", "cat", "dog", "dog", "dog", "dog"]
  static let predicted = ["cat", "dog", "dog", "dog", "dog", "fox"]

  static func matrix() throws -> LabeledConfusionMatrix<String> {
    try LabeledConfusionMatrix(
      actual: actual, predicted: predicted, labels: ClassOrder.sorted(actual + predicted))
  }

  @Test("label set is the union, sorted")
  func labelSet() throws {
    let labeled = try Self.matrix()
    #expect(labeled.labels == ["cat", "dog", "fox"])
    #expect(labeled.matrix.counts == [1, 1, 0, 0, 3, 1, 0, 0, 0])
  }

  @Test("per-class values and averages")
  func scores() throws {
    let result = try PrecisionRecallFScore(confusionMatrix: Self.matrix().matrix)
    expectClose(result.perClass.map(\.precision), [1.0, 0.75, 0.0], "precision")
    expectClose(result.perClass.map(\.recall), [0.5, 0.75, 0.0], "recall")
    expectClose(result.perClass.map(\.fScore), [0.6666666666666666, 0.75, 0.0], "F1")
    #expect(result.perClass.map(\.support) == [2, 4, 0])
    #expect(result.perClass[2].undefined == [.recall])
    expectClose(
      [result.macro.precision, result.macro.recall, result.macro.fScore],
      [0.5833333333333334, 0.4166666666666667, 0.47222222222222215], "macro")
    expectClose(
      [result.weighted.precision, result.weighted.recall, result.weighted.fScore],
      [0.8333333333333334, 0.6666666666666666, 0.7222222222222222], "weighted")
    expectClose(
      [result.micro.precision, result.micro.recall, result.micro.fScore],
      [0.6666666666666666, 0.6666666666666666, 0.6666666666666666], "micro")
    expectClose(
      try Accuracy.score(actual: Self.actual, predicted: Self.predicted), 0.6666666666666666)
  }

  @Test("explicit label subset")
  func explicitLabels() throws {
    let result = try PrecisionRecallFScore(
      confusionMatrix: Self.matrix().matrix, labels: .explicit([0, 1]))
    expectClose(
      [result.macro.precision, result.macro.recall, result.macro.fScore],
      [0.875, 0.625, 0.7083333333333333])
  }

  @Test("weighted average over zero support is undefined")
  func zeroTotalSupport() throws {
    let matrix = try Self.matrix().matrix
    let zero = try PrecisionRecallFScore(confusionMatrix: matrix, labels: .explicit([2]))
    expectClose([zero.weighted.precision, zero.weighted.recall, zero.weighted.fScore], [0, 0, 0])
    #expect(zero.weighted.undefined == [.precision, .recall, .fScore])
    let nan = try PrecisionRecallFScore(
      confusionMatrix: matrix, zeroDivision: .nan, labels: .explicit([2]))
    expectClose([nan.weighted.precision, nan.weighted.recall, nan.weighted.fScore], [0, .nan, 0])
  }

  @Test("bad label selections are rejected")
  func badSelections() throws {
    let matrix = try Self.matrix().matrix
    #expect(
      metricsError { try PrecisionRecallFScore(confusionMatrix: matrix, labels: .explicit([])) }
        == .invalidLabelSelection(label: nil, classCount: 3))
    #expect(
      metricsError { try PrecisionRecallFScore(confusionMatrix: matrix, labels: .explicit([3])) }
        == .invalidLabelSelection(label: 3, classCount: 3))
    #expect(
      metricsError { try PrecisionRecallFScore(confusionMatrix: matrix, beta: -1) }
        == .invalidBeta(-1))
  }
}
