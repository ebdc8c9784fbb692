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
    let files = evaluation.files
    let extended = try ExtendedReport.compute(
      labels: files.labels, scores: files.scores, classCount: files.classCount,
      options: ExtendedReportOptions(
        base: ReportOptions(scoreKind: evaluation.scoreKind), topK: [1, 2, 3, 5],
        bootstrapResampleCount: parsed.bootstrapResamples > 0 ? parsed.bootstrapResamples : nil,
        bootstrapSeed: parsed.seed))
    if parsed.json {
      let rankings = try BinaryRanking.oneVsRest(
        labels: evaluation.files.labels, scores: rankedProbabilities(evaluation),
        classCount: evaluation.files.classCount)
      var output = EvalOutput(evaluation, report: report, rankings: rankings)
      output.agreement = EvalOutput.Agreement(extended)
      print(String(decoding: try EvalOutput.makeEncoder().encode(output), as: UTF8.self))
    } else {
      print(textReport(evaluation, report: report))
      print("")
      print(agreementText(extended))
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

  /// Formats the metrics beyond the classification report: top-k accuracy, Matthews
  /// correlation, Cohen's kappa, one-vs-one AUC, calibration and bootstrap intervals.
  static func agreementText(_ extended: ExtendedReport) -> String {
    func value(_ reported: ReportedValue) -> String {
      reported.undefined.map { "undefined (\($0))" } ?? NumberFormat.metric(reported.value)
    }
    func interval(_ name: String, _ interval: ConfidenceInterval) -> String {
      if let reason = interval.undefinedReason { return "  \(name): undefined (\(reason))" }
      let level = Int((interval.level * 100).rounded())
      return "  \(name) \(NumberFormat.metric(interval.estimate)), \(level)% interval "
        + "\(NumberFormat.metric(interval.lower)) to \(NumberFormat.metric(interval.upper))"
        + (interval.skippedCount > 0 ? " (\(interval.skippedCount) resamples skipped)" : "")
    }
    var lines = ["Agreement and calibration"]
    for entry in extended.topK {
      lines.append(
        "  top-\(entry.k) accuracy \(value(entry.accuracy))"
          + (entry.tiedAtBoundaryCount > 0
            ? " (\(entry.tiedAtBoundaryCount) "
              + (entry.tiedAtBoundaryCount == 1 ? "sample" : "samples")
              + " tied at the boundary)" : ""))
    }
    lines.append("  Matthews correlation \(value(extended.matthewsCorrelation))")
    lines.append(
      "  Cohen's kappa \(value(extended.cohenKappa)), linear \(value(extended.cohenKappaLinear)), "
        + "quadratic \(value(extended.cohenKappaQuadratic))")
    lines.append(
      "  one-vs-one AUC, macro \(value(extended.oneVsOneAUC.macro)), weighted "
        + "\(value(extended.oneVsOneAUC.weighted))")
    lines.append(
      "  expected calibration error \(value(extended.calibration.expectedCalibrationError)), "
        + "maximum \(value(extended.calibration.maximumCalibrationError)) "
        + "(\(extended.calibration.bins.count) bins of top-class confidence)")
    if let bootstrap = extended.bootstrap {
      lines.append(
        "Bootstrap (\(bootstrap.resampleCount) resamples, seed \(bootstrap.seed))")
      lines.append(interval("accuracy", bootstrap.accuracy))
      lines.append(interval("macro F1", bootstrap.macroF1))
      lines.append(interval("macro AUC", bootstrap.macroAUC))
    }
    return lines.joined(separator: "\n")
  }
}
