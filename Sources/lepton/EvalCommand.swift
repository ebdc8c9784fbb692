import Foundation
import LeptonMetrics
import LeptonRender
import LeptonRuns

/// `lepton eval`: reads labels and scores from `.npy` files and prints the
/// classification report as text or JSON.
enum EvalCommand {
  static func run(arguments: [String]) throws -> Int32 {
    let parsed = try EvalArguments.parse(arguments)
    if parsed.showHelp {
      print(EvalArguments.help)
      return ExitStatus.success
    }
    let evaluation = try EvalInput.load(parsed)
    let report = try computeReport(evaluation, scoresPath: parsed.scoresPath)
    if parsed.json {
      let rankings = try BinaryRanking.oneVsRest(
        labels: evaluation.files.labels, scores: rankedProbabilities(evaluation),
        classCount: evaluation.files.classCount)
      let output = EvalOutput(evaluation, report: report, rankings: rankings)
      print(String(decoding: try EvalOutput.makeEncoder().encode(output), as: UTF8.self))
    } else {
      print(textReport(evaluation, report: report))
    }
    return ExitStatus.success
  }

  /// Computes the report, naming the scores file in errors about their rows.
  static func computeReport(_ evaluation: EvalInput, scoresPath: String) throws
    -> ClassificationReport
  {
    let files = evaluation.files
    do {
      return try ClassificationReport.compute(
        labels: files.labels, scores: files.scores, classCount: files.classCount,
        options: ReportOptions(scoreKind: evaluation.scoreKind))
    } catch MetricsError.rowSumNotOne(let row, let sum) {
      throw PredictionFileError.rowSumNotOne(path: scoresPath, row: row, sum: sum)
    } catch MetricsError.probabilityOutOfRange(let index, let value, let columnCount) {
      throw PredictionFileError.probabilityOutOfRange(
        path: scoresPath, index: index, value: value, columnCount: columnCount)
    }
  }

  /// Returns the probabilities that the report ranked: the scores themselves,
  /// or their softmax rounded to Float as `ClassificationReport` rounds it, so
  /// the curves end at the report's AUC and average precision.
  static func rankedProbabilities(_ evaluation: EvalInput) throws -> [Float] {
    let files = evaluation.files
    switch evaluation.scoreKind {
    case .probabilities:
      return files.scores
    case .logits:
      return try Softmax.probabilities(logits: files.scores, classCount: files.classCount)
        .map { Float($0) }
    }
  }

  /// Formats the input summary, the report of `lepton evaluate`, the positive
  /// class of a binary task and the reason for each undefined value.
  static func textReport(_ evaluation: EvalInput, report: ClassificationReport) -> String {
    let files = evaluation.files
    let scoreShape = "[" + files.scoreShape.map(String.init).joined(separator: ", ") + "]"
    var lines = [
      "Labels  \(evaluation.labelsPath): \(files.sampleCount) \(files.labelType.rawValue) labels",
      "Scores  \(evaluation.scoresPath): \(files.scoreType.rawValue) \(scoreShape) "
        + evaluation.scoreKind.rawValue,
    ]
    if let binary = evaluation.binaryNote {
      lines.append("Task    binary, \(binary)")
    }
    lines.append("")
    lines.append(
      EvaluateCommand.textReport(report, classNames: evaluation.classNames, title: "Results"))
    if let positive = evaluation.positiveClass {
      let metrics = report.perClass[positive]
      func value(_ number: Double, _ flag: UndefinedMetrics) -> String {
        metrics.undefined.contains(flag) ? "undefined" : NumberFormat.metric(number)
      }
      lines.append("")
      lines.append(
        "positive class \(evaluation.classNames[positive]): "
          + "precision \(value(metrics.precision, .precision)), "
          + "recall \(value(metrics.recall, .recall)), F1 \(value(metrics.f1, .fScore)), "
          + "AUC \(value(metrics.auc, .auc)), "
          + "average precision \(value(metrics.averagePrecision, .averagePrecision))")
    }
    let undefined = UndefinedReasons.list(report, classNames: evaluation.classNames)
    if !undefined.isEmpty {
      lines.append("")
      lines.append("Undefined values")
      lines += undefined.map { "  \($0.metric): \($0.reason)" }
    }
    return lines.joined(separator: "\n")
  }
}
