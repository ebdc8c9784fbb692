import Foundation
import LeptonMetrics
import Testing

@Suite("Extended report")
struct ExtendedReportTests {
  static let labels: [Int32] = [0, 1, 2, 1, 0, 2]
  static let logits: [Float] = [
    2.0, 0.5, 0.1, 0.3, 1.5, 1.4, 0.2, 0.1, 0.9, 1.0, 1.1, 0.2, 0.4, 0.6, 0.3, 0.5, 0.2, 2.0,
  ]

  @Test("one-vs-one AUC of softmaxed logits")
  func oneVsOne() throws {
    // scikit-learn 1.9.1: roc_auc_score(y, softmax(logits), multi_class="ovo")
    // is 0.9583333333333334. Every class has 2 samples, so each pair weighs
    // the same and the weighted value is equal.
    let extended = try ExtendedReport.compute(
      labels: Self.labels, scores: Self.logits, classCount: 3,
      options: ExtendedReportOptions(base: ReportOptions(scoreKind: .logits)))
    expectClose(extended.oneVsOneAUC.macro.value, 0.9583333333333334, "macro")
    expectClose(extended.oneVsOneAUC.weighted.value, 0.9583333333333334, "weighted")
    #expect(extended.oneVsOneAUC.includedPairCount == 3)
    #expect(extended.oneVsOneAUC.undefinedPairCount == 0)
  }

  @Test("values equal the standalone metrics")
  func standalone() throws {
    var generator = SeededGenerator(seed: 12)
    let input = randomClassification(sampleCount: 90, classCount: 5, generator: &generator)
    let extended = try ExtendedReport.compute(
      labels: input.labels, scores: input.probabilities, classCount: 5,
      options: ExtendedReportOptions(topK: [1, 2, 9]))
    #expect(extended.topK.map(\.k) == [1, 2])
    let topTwo = try TopKAccuracy(
      labels: input.labels, scores: input.probabilities, classCount: 5, k: 2)
    expectClose(extended.topK[1].accuracy.value, topTwo.accuracy, "top-2")
    #expect(extended.topK[1].tiedAtBoundaryCount == topTwo.tiedAtBoundaryCount)
    let topOne = try TopKAccuracy(
      labels: input.labels, scores: input.probabilities, classCount: 5, k: 1)
    #expect(extended.topK[0].hitCount == topOne.hitCount)

    let matrix = extended.report.confusionMatrix
    expectClose(extended.matthewsCorrelation.value, matrix.matthewsCorrelation.value, "MCC")
    expectClose(extended.cohenKappa.value, try matrix.cohenKappa().value, "kappa")
    expectClose(
      extended.cohenKappaQuadratic.value, try matrix.cohenKappa(weighting: .quadratic).value,
      "quadratic kappa")
    let calibration = try CalibrationError(
      labels: input.labels, scores: input.probabilities, classCount: 5)
    expectClose(
      extended.calibration.expectedCalibrationError.value, calibration.expected, "ECE")
    #expect(extended.calibration.bins == calibration.bins)
    expectClose(
      extended.averagePrecision.perClass.map(\.value),
      extended.report.perClass.map(\.averagePrecision), "AP")
    #expect(extended.bootstrap == nil)
  }

  @Test("bootstrap only on request")
  func bootstrap() throws {
    let options = ExtendedReportOptions(
      base: ReportOptions(scoreKind: .logits), bootstrapResampleCount: 100, bootstrapSeed: 3)
    let extended = try ExtendedReport.compute(
      labels: Self.labels, scores: Self.logits, classCount: 3, options: options)
    let summary = try #require(extended.bootstrap)
    #expect(summary.seed == 3)
    #expect(summary.resampleCount == 100)
    expectClose(summary.accuracy.estimate, extended.report.accuracy, "accuracy")
    expectClose(summary.macroAUC.estimate, extended.report.macro.auc, "macro AUC")
  }

  @Test("accumulator gives the one-shot values")
  func accumulator() throws {
    var accumulator = try EpochAccumulator(classCount: 3, scoreKind: .logits)
    try accumulator.add(labels: Array(Self.labels[0..<2]), scores: Array(Self.logits[0..<6]))
    try accumulator.add(labels: Array(Self.labels[2...]), scores: Array(Self.logits[6...]))
    let options = ExtendedReportOptions(topK: [2], bootstrapResampleCount: 50)
    let accumulated = try accumulator.extendedReport(options: options)
    var oneShotOptions = options
    oneShotOptions.base = ReportOptions(scoreKind: .logits)
    let oneShot = try ExtendedReport.compute(
      labels: Self.labels, scores: Self.logits, classCount: 3, options: oneShotOptions)
    expectClose(accumulated.report.loss, oneShot.report.loss, tolerance: 1e-12, "loss")
    #expect(accumulated.topK == oneShot.topK)
    #expect(accumulated.matthewsCorrelation == oneShot.matthewsCorrelation)
    #expect(accumulated.oneVsOneAUC == oneShot.oneVsOneAUC)
    #expect(accumulated.calibration == oneShot.calibration)
    #expect(accumulated.bootstrap == oneShot.bootstrap)
  }

  @Test("undefined values encode as null with a reason")
  func jsonNull() throws {
    // Class 2 has no samples and every prediction is class 0, so AP of class
    // 2, MCC and kappa are undefined. Calibration bins are mostly empty.
    let extended = try ExtendedReport.compute(
      labels: [0, 1, 0, 1], scores: oneHot([0, 0, 0, 0], classCount: 3), classCount: 3,
      options: ExtendedReportOptions(bootstrapResampleCount: 20))
    let data = try CodableTests.encoder().encode(extended)
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])

    let averagePrecision = try #require(object["averagePrecision"] as? [String: Any])
    let perClass = try #require(averagePrecision["perClass"] as? [[String: Any]])
    #expect(perClass[2]["value"] is NSNull)
    #expect(perClass[2]["undefined"] as? String == "undefined: no samples of class 2")
    #expect(perClass[0]["undefined"] == nil)

    let matthews = try #require(object["matthewsCorrelation"] as? [String: Any])
    #expect(matthews["value"] as? Double == 0)
    #expect(matthews["undefined"] as? String == "undefined: every prediction is the same class")

    let kappa = try #require(object["cohenKappa"] as? [String: Any])
    #expect(kappa["value"] as? Double == 0)
    #expect(kappa["undefined"] == nil)

    let calibration = try #require(object["calibration"] as? [String: Any])
    let bins = try #require(calibration["bins"] as? [[String: Any]])
    #expect(bins[0]["meanConfidence"] is NSNull)
    #expect(bins[14]["meanConfidence"] as? Double == 1)

    let decoded = try CodableTests.decoder().decode(ExtendedReport.self, from: data)
    #expect(decoded.averagePrecision == extended.averagePrecision)
    #expect(decoded.calibration == extended.calibration)
    #expect(decoded.bootstrap == extended.bootstrap)
    #expect(decoded.matthewsCorrelation == extended.matthewsCorrelation)
    #expect(decoded.topK == extended.topK)
  }

  @Test("interval without values explains itself")
  func undefinedInterval() throws {
    // Only class 1 occurs, so no class has an AUC on any resample.
    let extended = try ExtendedReport.compute(
      labels: [1, 1, 1], scores: oneHot([1, 0, 1], classCount: 2), classCount: 2,
      options: ExtendedReportOptions(bootstrapResampleCount: 10))
    let data = try CodableTests.encoder().encode(extended.bootstrap)
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let auc = try #require(object["macroAUC"] as? [String: Any])
    #expect(auc["lower"] is NSNull)
    #expect(auc["estimate"] is NSNull)
    #expect(auc["undefined"] as? String == "undefined: the metric is undefined on all 10 resamples")
  }
}
