import LeptonMetrics
import Testing

/// 240 samples of 4 classes from a 64-bit LCG, with many tied scores.
/// The expected values below were computed once with scikit-learn 1.9.1 on
/// the same data, which this Python generator reproduces exactly:
///
///     MASK = (1 << 64) - 1
///     x = 20240601
///     def draw(n):
///         global x
///         x = (x * 6364136223846793005 + 1442695040888963407) & MASK
///         return (x >> 33) % n
///     for i in range(240):
///         y = draw(4)
///         if y == 3 and draw(2) == 0: y = 0
///         w = [1 + draw(4) for _ in range(4)]
///         w[y] += draw(3)
///         labels.append(y); probs.append([np.float32(v / sum(w)) for v in w])
///     pred = np.argmax(probs, axis=1)
enum ReferenceData {
  static let classCount = 4

  static let (labels, probabilities): ([Int32], [Float]) = {
    var state: UInt64 = 20_240_601
    func draw(_ bound: UInt64) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % bound)
    }
    var labels: [Int32] = []
    var probabilities: [Float] = []
    for _ in 0..<240 {
      var label = draw(4)
      if label == 3 && draw(2) == 0 { label = 0 }
      var weights = (0..<4).map { _ in 1 + draw(4) }
      weights[label] += draw(3)
      let total = Double(weights.reduce(0, +))
      labels.append(Int32(label))
      probabilities.append(contentsOf: weights.map { Float(Double($0) / total) })
    }
    return (labels, probabilities)
  }()

  static var predictions: [Int] {
    (try? Accuracy.predictions(scores: probabilities, classCount: classCount)) ?? []
  }
}

@Suite("scikit-learn reference on generated data")
struct ReferenceDataTests {
  let report: ClassificationReport

  init() throws {
    report = try ClassificationReport.compute(
      labels: ReferenceData.labels, probabilities: ReferenceData.probabilities,
      classCount: ReferenceData.classCount)
  }

  @Test("generator matches the Python one")
  func generator() {
    #expect(ReferenceData.labels.prefix(6) == [0, 1, 1, 1, 1, 0])
    let firstRow: [Float] = [Float(1.0 / 6), Float(1.0 / 6), Float(1.0 / 3), Float(1.0 / 3)]
    #expect(Array(ReferenceData.probabilities.prefix(4)) == firstRow)
    #expect(report.perClass.map(\.support) == [89, 55, 68, 28])
  }

  @Test("accuracy, balanced accuracy, loss and MAE")
  func sampleMeans() {
    expectClose(report.accuracy, 0.4875, "accuracy")
    expectClose(report.balancedAccuracy, 0.47765137209122666, "balanced accuracy")
    // scikit-learn computes float32 log loss in float32; this module sums in Double.
    expectClose(report.loss, 1.2575817172841994, tolerance: 1e-6, "log loss")
    expectClose(report.meanAbsoluteError, 0.3450492024421692, tolerance: 1e-7, "MAE")
  }

  @Test("confusion matrix")
  func confusionMatrix() {
    #expect(
      report.confusionMatrix.counts == [55, 20, 9, 5, 10, 31, 9, 5, 18, 17, 18, 15, 3, 11, 1, 13])
  }

  @Test("precision, recall and F1")
  func precisionRecallF1() {
    expectClose(
      report.perClass.map(\.precision),
      [0.6395348837209303, 0.3924050632911392, 0.4864864864864865, 0.34210526315789475],
      "precision")
    expectClose(
      report.perClass.map(\.recall),
      [0.6179775280898876, 0.5636363636363636, 0.2647058823529412, 0.4642857142857143], "recall")
    expectClose(
      report.perClass.map(\.f1),
      [0.6285714285714286, 0.4626865671641791, 0.34285714285714286, 0.3939393939393939], "F1")
    expectClose(
      [report.macro.precision, report.macro.recall, report.macro.f1],
      [0.46513292416411267, 0.47765137209122666, 0.4570136331330361], "macro")
    expectClose(
      [report.weighted.precision, report.weighted.recall, report.weighted.f1],
      [0.5048371315903233, 0.48749999999999993, 0.48223002950614896], "weighted")
    expectClose(
      [report.micro.precision, report.micro.recall, report.micro.f1], [0.4875, 0.4875, 0.4875],
      "micro")
  }

  @Test("F-beta")
  func fBeta() throws {
    let matrix = try ConfusionMatrix(
      classCount: 4, actual: ReferenceData.labels.map { Int($0) },
      predicted: ReferenceData.predictions)
    let fTwo = try PrecisionRecallFScore(confusionMatrix: matrix, beta: 2)
    expectClose(fTwo.macro.fScore, 0.466290515946613, "F2 macro")
    let fHalf = try PrecisionRecallFScore(confusionMatrix: matrix, beta: 0.5)
    expectClose(
      fHalf.perClass.map(\.fScore),
      [0.6351039260969977, 0.41778975741239893, 0.4166666666666667, 0.3611111111111111],
      "F0.5 per class")
  }

  @Test("one-vs-rest and micro AUC")
  func auc() {
    expectClose(
      report.perClass.map(\.auc),
      [0.7375176724458665, 0.6977395577395578, 0.6591997264021887, 0.7123483827493262],
      "per class")
    expectClose(report.macro.auc, 0.7017013348342347, "macro")
    expectClose(report.weighted.auc, 0.703275352648699, "weighted")
    expectClose(report.micro.auc, 0.6975520833333333, "micro")
    #expect(report.macro.undefinedAUCCount == 0)
  }

  @Test("one-vs-one AUC")
  func oneVsOne() throws {
    let auc = try MulticlassAUC(
      labels: ReferenceData.labels, scores: ReferenceData.probabilities, classCount: 4,
      scoreKind: .probabilities, strategy: .oneVsOne)
    expectClose(auc.macro, 0.6998120634872947, "macro")
    expectClose(auc.weighted, 0.7022885005636575, "weighted")
  }

  @Test("average precision")
  func averagePrecision() {
    expectClose(
      report.perClass.map(\.averagePrecision),
      [0.6898556307036293, 0.4382102187851398, 0.4769500906063322, 0.2975309526610436],
      "per class")
    expectClose(report.macro.averagePrecision, 0.47563672318903627, "macro")
    expectClose(report.weighted.averagePrecision, 0.5260924416731062, "weighted")
    expectClose(report.micro.averagePrecision, 0.48704071510799607, "micro")
  }

  @Test("top-2 accuracy")
  func topTwo() throws {
    let topTwo = try TopKAccuracy(
      labels: ReferenceData.labels, scores: ReferenceData.probabilities, classCount: 4, k: 2)
    expectClose(topTwo.accuracy, 0.6625)
  }

  @Test("top-k for k = 1, 2 and 3")
  func topK() throws {
    // scikit-learn 1.9.1: top_k_accuracy_score(labels, probs, k=k, labels=[0, 1, 2, 3]).
    // Top-1 differs from argmax accuracy (0.4875) because ties go to the
    // higher class index here and to the lower one in argmax.
    let expected = [0.48333333333333334, 0.6625, 0.825]
    for (k, value) in zip(1...3, expected) {
      let topK = try TopKAccuracy(
        labels: ReferenceData.labels, scores: ReferenceData.probabilities, classCount: 4, k: k)
      expectClose(topK.accuracy, value, "k = \(k)")
    }
  }

  @Test("Matthews correlation and Cohen's kappa")
  func agreement() throws {
    // scikit-learn 1.9.1: matthews_corrcoef(labels, pred) and
    // cohen_kappa_score(labels, pred, weights=w) with pred the argmax.
    let matrix = report.confusionMatrix
    expectClose(matrix.matthewsCorrelation.value, 0.30343726600500615, "MCC")
    expectClose(try matrix.cohenKappa().value, 0.29749411008781323, "kappa")
    expectClose(
      try matrix.cohenKappa(weighting: .linear).value, 0.34848756040809026, "linear kappa")
    expectClose(
      try matrix.cohenKappa(weighting: .quadratic).value, 0.41058521799953374, "quadratic kappa")
  }

  @Test("ROC and PR curves")
  func curves() throws {
    let rocCurves = try ClassificationReport.oneVsRestROCCurves(
      labels: ReferenceData.labels, probabilities: ReferenceData.probabilities, classCount: 4)
    let roc = rocCurves[2]
    #expect(roc.thresholds.count == 35)
    expectClose(Array(roc.falsePositiveRates.prefix(4)), [0, 0, 0, 0.029069767441860465], "fpr")
    expectClose(
      Array(roc.truePositiveRates.prefix(4)),
      [0, 0.014705882352941176, 0.04411764705882353, 0.1323529411764706], "tpr")
    expectClose(
      Array(roc.thresholds.prefix(4)), [.infinity, 0.5, 0.4545454680919647, 0.4444444477558136],
      "thresholds")
    let dropped = try ClassificationReport.oneVsRestROCCurves(
      labels: ReferenceData.labels, probabilities: ReferenceData.probabilities, classCount: 4,
      dropIntermediate: true)
    #expect(dropped[2].thresholds.count == 34)
    expectClose(roc.auc, report.perClass[2].auc, "curve AUC")

    let pr = try ClassificationReport.oneVsRestPrecisionRecallCurves(
      labels: ReferenceData.labels, probabilities: ReferenceData.probabilities, classCount: 4)[1]
    #expect(pr.precisions.count == 35)
    expectClose(Array(pr.precisions.suffix(3)), [1, 1, 1], "precision tail")
    expectClose(
      Array(pr.recalls.suffix(3)), [0.03636363636363636, 0.01818181818181818, 0], "recall tail")
    expectClose(
      Array(pr.thresholds.suffix(2)), [0.5555555820465088, 0.5714285969734192], "threshold tail")
  }
}
