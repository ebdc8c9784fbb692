import LeptonMetrics
import Testing

@Suite("Error messages")
struct ErrorMessageTests {
  static let messages: [(MetricsError, String)] = [
    (.invalidClassCount(1, minimum: 2), "class count 1 is invalid; pass at least 2 classes"),
    (
      .lengthMismatch(name: "scores", expected: 30, actual: 29),
      "scores has 29 values but 30 were expected; "
        + "pass one value per sample (and per class for score matrices)"
    ),
    (
      .labelOutOfRange(label: 10, index: 4, classCount: 10),
      "label 10 at index 4 is outside 0..<10; map labels to class indices 0 to 9 first"
    ),
    (
      .nonFiniteScores(count: 2, firstIndex: 7, firstValue: .infinity, columnCount: 1),
      "scores contain 2 non-finite values (first inf at index 7); "
        + "cannot rank them, so remove or fix these scores"
    ),
    (
      .probabilityOutOfRange(index: 5, value: 1.3, columnCount: 2),
      "score 1.3 at index 5, row 2 column 1 is outside [0, 1] but the scores are declared "
        + "as probabilities; pass probabilities or declare the scores as logits"
    ),
    (
      .rowSumNotOne(row: 0, sum: 0.9998999834060669),
      "row 0 sums to 0.9999, not 1 (tolerance 1e-5); "
        + "pass probabilities or declare the scores as logits"
    ),
    (
      .positiveLabelNotFound(label: "1", available: ["ham", "spam"]),
      "positive label 1 is not among the labels [ham, spam]; pass one of them as the positive class"
    ),
    (
      .tooManyBinaryScoreColumns(3),
      "binary scores have 3 columns; pass 1 column of positive-class scores "
        + "or 2 columns with their labels, or use multiclass AUC"
    ),
    (
      .columnLabelCountMismatch(columnCount: 2, labelCount: 1),
      "scores have 2 columns but 1 column labels were given; pass one label per column"
    ),
    (
      .labelNotInClassOrder(label: "fox", index: 5),
      "label fox at index 5 is not in the class order; "
        + "add it to the class order or remove the sample"
    ),
    (.duplicateLabel("cat"), "label cat appears twice in the class order; list each class once"),
    (
      .invalidLabelSelection(label: nil, classCount: 3),
      "the label selection is empty; select at least one class"
    ),
    (
      .invalidLabelSelection(label: 7, classCount: 3),
      "selected label 7 is outside 0..<3; select declared classes only"
    ),
    (.invalidTopK(k: 0, classCount: 10), "k = 0 is invalid for 10 classes; pass k in 1...10"),
    (.invalidBeta(-0.5), "beta -0.5 is invalid; pass a finite beta >= 0"),
    (.invalidBinCount(0), "bin count 0 is invalid; pass at least 1 bin"),
    (.invalidResampleCount(0), "resample count 0 is invalid; pass at least 1 resample"),
    (
      .invalidConfidenceLevel(1.5),
      "confidence level 1.5 is invalid; pass a value between 0 and 1, such as 0.95"
    ),
    (
      .inconsistentSampleIDs(batchHasIDs: true),
      "this batch has sample ids but earlier batches of this epoch had none; "
        + "pass sample ids with every batch or with none"
    ),
    (
      .inBatch(3, .rowSumNotOne(row: 1, sum: 2.6)),
      "batch 3: row 1 sums to 2.6, not 1 (tolerance 1e-5); "
        + "pass probabilities or declare the scores as logits"
    ),
    (
      .testSetSizeMismatch(countA: 10000, countB: 9984),
      "model A was evaluated on 10000 samples but model B on 9984; "
        + "a paired comparison needs both models evaluated on the same test set"
    ),
    (
      .testSetLabelMismatch(index: 17, labelA: 3, labelB: 5),
      "test labels differ first at index 17 (3 for model A, 5 for model B); "
        + "a paired comparison needs both models evaluated on the same test set in the same order"
    ),
  ]

  @Test("messages word for word")
  func wording() {
    for (error, message) in Self.messages {
      #expect(error.description == message)
    }
  }

  @Test("inputs are validated before use")
  func validation() {
    #expect(
      metricsError {
        try ClassificationReport.compute(labels: [0], probabilities: [1], classCount: 1)
      }
        == .invalidClassCount(1, minimum: 2))
    #expect(
      metricsError {
        try ClassificationReport.compute(labels: [0, 1], probabilities: [1, 0, 0], classCount: 2)
      } == .lengthMismatch(name: "scores", expected: 4, actual: 3))
    #expect(
      metricsError {
        try ClassificationReport.compute(
          labels: [0, 2], probabilities: [1, 0, 0, 1], classCount: 2)
      } == .labelOutOfRange(label: 2, index: 1, classCount: 2))
    #expect(
      metricsError {
        try ClassificationReport.compute(
          labels: [0, 1], probabilities: [1.5, -0.5, 0, 1], classCount: 2)
      } == .probabilityOutOfRange(index: 0, value: 1.5, columnCount: 2))
    #expect(
      metricsError { try EpochAccumulator(classCount: 1) } == .invalidClassCount(1, minimum: 2))
    #expect(
      metricsError { try ROCCurve(isPositive: [true], scores: [0.1, 0.2]) }
        == .lengthMismatch(name: "scores", expected: 1, actual: 2))
  }
}
