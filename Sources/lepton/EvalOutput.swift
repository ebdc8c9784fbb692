import Foundation
import LeptonMetrics

/// A number that JSON writes as null when it is NaN or infinite, such as an
/// undefined AUC or the +infinity threshold that starts every ROC curve.
struct JSONNumber: Encodable {
  var value: Double

  init(_ value: Double) { self.value = value }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    if value.isFinite {
      try container.encode(value)
    } else {
      try container.encodeNil()
    }
  }
}

/// The JSON object that `lepton eval --json` prints. Each object with values
/// that can be undefined has an `undefined` object beside them, mapping the
/// key of each undefined value to its reason. Precision, recall and F1 with a
/// zero denominator keep the zero-division value (0), as scikit-learn stores
/// it. Every other undefined value is null.
struct EvalOutput: Encodable {
  struct Input: Encodable {
    var labelsPath: String
    var scoresPath: String
    var labelType: String
    var scoreType: String
    var scoreShape: [Int]
    /// `probabilities` or `logits`.
    var scoreKind: String
  }

  struct Binary: Encodable {
    var positiveClass: Int
    var positiveClassName: String
    var note: String
  }

  struct ROC: Encodable {
    var falsePositiveRates: [JSONNumber]
    var truePositiveRates: [JSONNumber]
    /// Descending. The first is +infinity, written as null.
    var thresholds: [JSONNumber]
  }

  struct PrecisionRecall: Encodable {
    /// One more than the thresholds: the last point is (precision 1, recall 0).
    var precisions: [JSONNumber]
    var recalls: [JSONNumber]
    /// Ascending.
    var thresholds: [JSONNumber]
  }

  struct ClassEntry: Encodable {
    var index: Int
    var name: String
    var precision: JSONNumber
    var recall: JSONNumber
    var f1: JSONNumber
    var support: Int
    var truePositives: Int
    var falsePositives: Int
    var falseNegatives: Int
    var auc: JSONNumber
    var averagePrecision: JSONNumber
    var undefined: [String: String]
    var rocCurve: ROC
    var precisionRecallCurve: PrecisionRecall
  }

  struct Average: Encodable {
    var precision: JSONNumber
    var recall: JSONNumber
    var f1: JSONNumber
    var auc: JSONNumber
    var averagePrecision: JSONNumber
    /// Classes that entered each average, the k of "k of n classes".
    var includedClasses: IncludedClassCounts
    var undefined: [String: String]
  }

  struct Matrix: Encodable {
    /// Class names of the rows (true) and columns (predicted).
    var classNames: [String]
    /// `[classCount][classCount]` counts.
    var rows: [[Int]]
  }

  var input: Input
  var sampleCount: Int
  var classCount: Int
  var classNames: [String]
  var binary: Binary?
  var accuracy: JSONNumber
  var loss: JSONNumber
  var meanAbsoluteError: JSONNumber
  var balancedAccuracy: JSONNumber
  var zeroDivision: String
  var undefined: [String: String]
  var perClass: [ClassEntry]
  var macro: Average
  var weighted: Average
  var micro: Average
  var confusionMatrix: Matrix
  /// Top-k accuracy, Matthews correlation, kappa, one-vs-one AUC, calibration and the
  /// bootstrap intervals, each undefined value as null with its reason.
  var agreement: Agreement?

  struct Agreement: Encodable {
    var topK: [TopKEntry]
    var matthewsCorrelation: ReportedValue
    var cohenKappa: ReportedValue
    var cohenKappaLinear: ReportedValue
    var cohenKappaQuadratic: ReportedValue
    var oneVsOneAUC: OneVsOneAUCSummary
    var calibration: CalibrationSummary
    var bootstrap: BootstrapSummary?

    init(_ extended: ExtendedReport) {
      topK = extended.topK
      matthewsCorrelation = extended.matthewsCorrelation
      cohenKappa = extended.cohenKappa
      cohenKappaLinear = extended.cohenKappaLinear
      cohenKappaQuadratic = extended.cohenKappaQuadratic
      oneVsOneAUC = extended.oneVsOneAUC
      calibration = extended.calibration
      bootstrap = extended.bootstrap
    }
  }

  /// - Parameter rankings: one-vs-rest ranking of each class, for the curves.
  init(_ evaluation: EvalInput, report: ClassificationReport, rankings: [BinaryRanking]) {
    let files = evaluation.files
    let names = evaluation.classNames
    input = Input(
      labelsPath: evaluation.labelsPath, scoresPath: evaluation.scoresPath,
      labelType: files.labelType.rawValue, scoreType: files.scoreType.rawValue,
      scoreShape: files.scoreShape,
      scoreKind: evaluation.scoreKind.rawValue)

    sampleCount = report.sampleCount
    classCount = report.classCount
    classNames = names
    if let positive = evaluation.positiveClass, let note = evaluation.binaryNote {
      binary = Binary(positiveClass: positive, positiveClassName: names[positive], note: note)
    }

    accuracy = JSONNumber(report.accuracy)
    loss = JSONNumber(report.loss)
    meanAbsoluteError = JSONNumber(report.meanAbsoluteError)
    balancedAccuracy = JSONNumber(report.balancedAccuracy)
    zeroDivision = report.zeroDivision.rawValue
    undefined = UndefinedReasons.overall(report)

    perClass = zip(report.perClass, rankings).enumerated().map { index, pair in
      Self.classEntry(
        pair.0, ranking: pair.1, index: index, name: names[index],
        zeroDivision: report.zeroDivision)
    }
    macro = Self.average(report.macro, zeroDivision: report.zeroDivision)
    weighted = Self.average(report.weighted, zeroDivision: report.zeroDivision)
    micro = Self.average(report.micro, zeroDivision: report.zeroDivision)

    let matrix = report.confusionMatrix
    confusionMatrix = Matrix(
      classNames: names,
      rows: (0..<matrix.classCount).map { row in
        (0..<matrix.classCount).map { matrix[row, $0] }
      })
  }

  private static func classEntry(
    _ metrics: ClassMetrics, ranking: BinaryRanking, index: Int, name: String,
    zeroDivision: ZeroDivisionPolicy
  ) -> ClassEntry {
    let roc = ranking.rocCurve()
    let precisionRecall = ranking.precisionRecallCurve()
    let numbers = { (values: [Double]) in values.map(JSONNumber.init) }
    return ClassEntry(
      index: index, name: name, precision: JSONNumber(metrics.precision),
      recall: JSONNumber(metrics.recall), f1: JSONNumber(metrics.f1), support: metrics.support,
      truePositives: metrics.truePositives, falsePositives: metrics.falsePositives,
      falseNegatives: metrics.falseNegatives, auc: JSONNumber(metrics.auc),
      averagePrecision: JSONNumber(metrics.averagePrecision),
      undefined: UndefinedReasons.perClass(metrics, name: name, zeroDivision: zeroDivision),
      rocCurve: ROC(
        falsePositiveRates: numbers(roc.falsePositiveRates),
        truePositiveRates: numbers(roc.truePositiveRates), thresholds: numbers(roc.thresholds)),
      precisionRecallCurve: PrecisionRecall(
        precisions: numbers(precisionRecall.precisions),
        recalls: numbers(precisionRecall.recalls),
        thresholds: numbers(precisionRecall.thresholds)))
  }

  private static func average(_ metrics: AveragedMetrics, zeroDivision: ZeroDivisionPolicy)
    -> Average
  {
    Average(
      precision: JSONNumber(metrics.precision), recall: JSONNumber(metrics.recall),
      f1: JSONNumber(metrics.f1), auc: JSONNumber(metrics.auc),
      averagePrecision: JSONNumber(metrics.averagePrecision),
      includedClasses: metrics.includedClasses,
      undefined: UndefinedReasons.averaged(metrics, zeroDivision: zeroDivision))
  }

  /// Returns an encoder that writes one line with sorted keys.
  static func makeEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
  }
}
