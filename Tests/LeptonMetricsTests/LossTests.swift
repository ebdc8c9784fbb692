import LeptonMetrics
import Testing

// Reference values come from scikit-learn 1.9.1 (`log_loss`,
// `mean_absolute_error`) and SciPy (`logsumexp`).

@Suite("Cross-entropy and MAE")
struct LossTests {
  static let labels = [0, 2, 1, 2]
  static let probabilities: [Double] = [
    0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.0, 1.0, 0.0, 0.5, 0.5, 0.0,
  ]

  @Test("zero probability clamped to epsilon")
  func clampedCrossEntropy() throws {
    let fromDouble = try CrossEntropy.mean(
      labels: Self.labels, probabilities: Self.probabilities, classCount: 3)
    expectClose(fromDouble, 9.22778848920547, "float64")
    let fromFloat = try CrossEntropy.mean(
      labels: Self.labels, probabilities: Self.probabilities.map { Float($0) }, classCount: 3)
    expectClose(fromFloat, 4.2024712562561035, tolerance: 1e-6, "float32")
  }

  @Test("log-sum-exp does not overflow")
  func logSumExp() {
    expectClose(Softmax.logSumExp([1000.0, 1000.0, 0.0]), 1000.6931471805599, "large")
    expectClose(Softmax.logSumExp([-1000.0, 0.0, 5.0]), 5.006715348489118, "mixed")
    #expect(Softmax.logSumExp([Double]()) == -.infinity)
  }

  @Test("cross-entropy of logits without forming probabilities")
  func logitCrossEntropy() throws {
    let logits: [Double] = [1000, 1000, 0, -1000, 0, 5]
    let loss = try CrossEntropy.mean(labels: [0, 2], logits: logits, classCount: 3)
    expectClose(loss, 0.3499312645245043)
    let probabilities = try Softmax.probabilities(logits: logits, classCount: 3)
    expectClose(probabilities.reduce(0, +), 2, "two rows summing to 1")
  }

  @Test("MAE overall and one against the rest")
  func meanAbsoluteError() throws {
    expectClose(
      try MeanAbsoluteError.mean(
        labels: Self.labels, probabilities: Self.probabilities, classCount: 3),
      0.2833333333333333, "all classes")
    expectClose(
      try MeanAbsoluteError.oneVsRest(
        labels: Self.labels, probabilities: Self.probabilities, classCount: 3, classIndex: 2),
      0.375, "class 2")
  }

  @Test("zero samples give NaN")
  func empty() throws {
    let labels: [Int] = []
    let scores: [Double] = []
    #expect(try CrossEntropy.mean(labels: labels, probabilities: scores, classCount: 3).isNaN)
    #expect(try MeanAbsoluteError.mean(labels: labels, probabilities: scores, classCount: 3).isNaN)
    #expect(try Accuracy.score(actual: labels, predicted: labels).isNaN)
  }

  @Test("report of zero samples is undefined, not zero")
  func emptyReport() throws {
    let report = try ClassificationReport.compute(labels: [], probabilities: [], classCount: 3)
    #expect(report.sampleCount == 0)
    #expect(report.accuracy.isNaN)
    #expect(report.loss.isNaN)
    #expect(report.meanAbsoluteError.isNaN)
    #expect(report.macro.auc.isNaN)
    #expect(report.macro.undefined.contains(.fScore))
    #expect(report.micro.undefined.contains(.auc))
  }
}
