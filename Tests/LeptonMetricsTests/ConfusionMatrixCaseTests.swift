import LeptonMetrics
import Testing

// Reference matrices come from scikit-learn 1.9.1 `confusion_matrix`.

@Suite("Confusion matrix class order")
struct ClassOrderTests {
  static let actual = ["low", "high", "medium", "low", "high"]
  static let predicted = ["low", "medium", "medium", "high", "high"]

  @Test("sorted order is returned with the matrix")
  func sortedOrder() throws {
    let labeled = try LabeledConfusionMatrix(
      actual: Self.actual, predicted: Self.predicted,
      labels: ClassOrder.sorted(Self.actual + Self.predicted))
    #expect(labeled.labels == ["high", "low", "medium"])
    #expect(labeled.matrix.counts == [1, 0, 1, 1, 1, 0, 0, 0, 1])
  }

  @Test("explicit order")
  func explicitOrder() throws {
    let labeled = try LabeledConfusionMatrix(
      actual: Self.actual, predicted: Self.predicted, labels: ["low", "medium", "high"])
    #expect(labeled.labels == ["low", "medium", "high"])
    #expect(labeled.matrix.counts == [1, 0, 1, 0, 1, 0, 0, 1, 1])
  }

  @Test("numeric labels sort numerically")
  func numericLabels() throws {
    let actual = [10, 9, 2, 10]
    let predicted = [9, 9, 2, 10]
    let labeled = try LabeledConfusionMatrix(
      actual: actual, predicted: predicted, labels: ClassOrder.sorted(actual + predicted))
    #expect(labeled.labels == [2, 9, 10])
    #expect(labeled.matrix.counts == [1, 0, 0, 0, 1, 0, 0, 1, 1])
  }

  @Test("numeric strings sort numerically when inferred")
  func numericStrings() throws {
    let actual = ["10", "9", "2", "10"]
    let predicted = ["9", "9", "2", "10"]
    let inferred = ClassOrder.inferred(from: actual + predicted)
    #expect(inferred == ["2", "9", "10"])
    let labeled = try LabeledConfusionMatrix(
      actual: actual, predicted: predicted, labels: inferred)
    #expect(labeled.matrix.counts == [1, 0, 0, 0, 1, 0, 0, 1, 1])

    // scikit-learn's code-point order of the same strings.
    #expect(ClassOrder.sorted(actual + predicted) == ["10", "2", "9"])
    let codePointOrder = try LabeledConfusionMatrix(
      actual: actual, predicted: predicted, labels: ["10", "2", "9"])
    #expect(codePointOrder.matrix.counts == [1, 0, 1, 0, 1, 0, 0, 0, 1])
  }

  @Test("non-numeric strings keep code-point order")
  func mixedStrings() {
    #expect(ClassOrder.inferred(from: ["b", "10", "a", "2"]) == ["10", "2", "a", "b"])
    #expect(ClassOrder.inferred(from: ["1.0", "1", "0.5"]) == ["0.5", "1", "1.0"])
  }

  @Test("unknown and repeated labels are rejected")
  func badOrders() {
    let unknown = metricsError {
      try LabeledConfusionMatrix(actual: ["a", "b"], predicted: ["a", "c"], labels: ["a", "b"])
    }
    #expect(unknown == .labelNotInClassOrder(label: "c", index: 1))
    #expect(
      unknown?.description
        == "label c at index 1 is not in the class order; "
        + "add it to the class order or remove the sample")
    let repeated = metricsError {
      try LabeledConfusionMatrix(actual: ["a"], predicted: ["a"], labels: ["a", "b", "a"])
    }
    #expect(repeated == .duplicateLabel("a"))
  }
}

@Suite("Confusion matrix normalisation")
struct NormalizationTests {
  static func matrix() throws -> ConfusionMatrix {
    try ConfusionMatrix(classCount: 3, actual: [0, 0, 0, 1, 1], predicted: [0, 2, 0, 1, 2])
  }

  @Test("raw counts, rows true and columns predicted")
  func counts() throws {
    let matrix = try Self.matrix()
    #expect(matrix.counts == [2, 0, 1, 0, 1, 1, 0, 0, 0])
    #expect(matrix.classOrder == [0, 1, 2])
    #expect(matrix[0, 2] == 1)
  }

  @Test("by true class marks empty row")
  func byTrueClass() throws {
    let normalized = try Self.matrix().normalized(by: .trueClasses)
    expectClose(
      normalized.values,
      [0.6666666666666666, 0.0, 0.3333333333333333, 0.0, 0.5, 0.5, 0.0, 0.0, 0.0])
    #expect(normalized.emptyClasses == [2])
    #expect(normalized.hasNoSamples(actual: 2, predicted: 2))
    #expect(!normalized.hasNoSamples(actual: 1, predicted: 0))
  }

  @Test("by predicted class")
  func byPredictedClass() throws {
    let normalized = try Self.matrix().normalized(by: .predictedClasses)
    expectClose(normalized.values, [1.0, 0.0, 0.5, 0.0, 1.0, 0.5, 0.0, 0.0, 0.0])
    #expect(normalized.emptyClasses == [])
    #expect(!normalized.hasNoSamples(actual: 2, predicted: 2))
  }

  @Test("by all samples")
  func byAll() throws {
    let normalized = try Self.matrix().normalized(by: .all)
    expectClose(normalized.values, [0.4, 0.0, 0.2, 0.0, 0.2, 0.2, 0.0, 0.0, 0.0])
    #expect(normalized.emptyClasses == [])
    let empty = ConfusionMatrix(classCount: 2).normalized(by: .all)
    expectClose(empty.values, [0, 0, 0, 0])
    #expect(empty.hasNoSamples(actual: 0, predicted: 1))
  }

  @Test("empty predicted column says no samples")
  func emptyColumn() throws {
    let matrix = try ConfusionMatrix(classCount: 3, actual: [0, 1, 2], predicted: [0, 0, 1])
    let normalized = matrix.normalized(by: .predictedClasses)
    #expect(normalized.emptyClasses == [2])
    #expect(normalized.hasNoSamples(actual: 0, predicted: 2))
    expectClose(normalized[0, 0], 0.5)
  }
}

@Suite("Confusion matrix accumulation")
struct ConfusionMatrixAccumulationTests {
  @Test("rejected batch leaves the counts unchanged")
  func atomicBatches() throws {
    var matrix = try ConfusionMatrix(classCount: 2, actual: [0, 1], predicted: [0, 1])
    let error = metricsError { try matrix.add(actual: [0, 1, 2], predicted: [0, 0, 0]) }
    #expect(error == .labelOutOfRange(label: 2, index: 2, classCount: 2))
    #expect(matrix.counts == [1, 0, 0, 1])
    let mismatch = metricsError { try matrix.add(actual: [0, 1], predicted: [0]) }
    #expect(mismatch == .lengthMismatch(name: "predicted", expected: 2, actual: 1))
  }

  @Test("merge and reset")
  func mergeAndReset() throws {
    var first = try ConfusionMatrix(classCount: 2, actual: [0, 1], predicted: [1, 1])
    let second = try ConfusionMatrix(classCount: 2, actual: [0, 0], predicted: [0, 1])
    first.merge(second)
    #expect(first.counts == [1, 2, 0, 1])
    #expect(first.total == 4)
    first.reset()
    #expect(first.counts == [0, 0, 0, 0])
  }

  @Test("one-vs-rest counts")
  func binaryCounts() throws {
    let matrix = try ConfusionMatrix(classCount: 3, actual: [0, 0, 2, 2], predicted: [0, 1, 1, 0])
    #expect(
      matrix.binaryCounts(forClass: 0)
        == BinaryCounts(truePositives: 1, falsePositives: 1, falseNegatives: 1, trueNegatives: 1))
    #expect(matrix.presentClasses == [0, 1, 2])
    expectClose(Accuracy.balanced(matrix), 0.25)
  }
}
