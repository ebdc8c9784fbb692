import LeptonEngine
import LeptonMetrics

/// Plain-text output for runs without a dashboard, such as `--headless` runs and
/// logs. Every function returns text without a trailing newline.
public enum HeadlessText {
  /// Formats one progress line: epoch, step, batch loss and accuracy, throughput and ETA.
  /// The step is padded to the width of the step count so lines stay aligned.
  public static func progressLine(
    _ progress: BatchProgress, epochs: Int, secondsRemaining: Double?
  ) -> String {
    let epochWidth = String(epochs).count
    let stepWidth = String(progress.stepsPerEpoch).count
    let epoch = TextFit.pad(String(progress.epoch), to: epochWidth, alignment: .right)
    let step = TextFit.pad(String(progress.step), to: stepWidth, alignment: .right)
    var parts = [
      "epoch \(epoch)/\(epochs)",
      "step \(step)/\(progress.stepsPerEpoch)",
      "batch loss \(NumberFormat.metric(progress.loss, decimals: 4))",
      "batch acc \(NumberFormat.metric(progress.accuracy, decimals: 4))",
      "\(NumberFormat.rate(progress.imagesPerSecond)) img/s",
    ]
    if let secondsRemaining {
      parts.append("ETA \(NumberFormat.duration(secondsRemaining))")
    }
    return parts.joined(separator: "  ")
  }

  /// Formats the progress line for the latest batch of a dashboard state, or nil before
  /// the first batch.
  public static func progressLine(state: DashboardState) -> String? {
    guard let progress = state.progress else { return nil }
    let epochs = state.config?.epochs ?? progress.epoch
    return progressLine(progress, epochs: epochs, secondsRemaining: state.estimatedSecondsRemaining)
  }

  /// Returns the header of the per-epoch table, aligned with `epochTableRow`. Pass
  /// `includingValidation` for a run with a validation set.
  public static func epochTableHeader(includingValidation: Bool = false) -> String {
    let columns = EpochColumn.columns(includingValidation: includingValidation)
    return EpochColumn.line(columns.map(\.header), columns: columns)
  }

  /// Formats one row of the per-epoch table, with the validation columns when the
  /// summary has a validation report. Undefined metrics print as "n/a".
  public static func epochTableRow(_ summary: EpochSummary) -> String {
    let columns = EpochColumn.columns(includingValidation: summary.validation != nil)
    return EpochColumn.line(columns.map { $0.value(summary) }, columns: columns)
  }

  /// Formats the final report of a split: per-class precision, recall, F1, support and
  /// AUC with macro, weighted and micro averages, then accuracy, loss and mean
  /// absolute error, then the confusion matrix. Undefined values print as
  /// "undefined". The first line is `title` and the sample count.
  public static func finalReport(
    _ report: ClassificationReport, classNames: [String], title: String = "Test results"
  ) -> String {
    var lines = ["\(title) (\(report.sampleCount) samples)", ""]
    lines += classTable(report, classNames: classNames)
    lines.append("")
    lines.append("accuracy  \(NumberFormat.metric(report.accuracy, decimals: 4))")
    lines.append("loss      \(NumberFormat.metric(report.loss, decimals: 4))")
    lines.append("MAE       \(NumberFormat.metric(report.meanAbsoluteError, decimals: 4))")
    lines.append("")
    lines.append("Confusion matrix (rows are true classes, columns predicted classes)")
    lines += matrixLines(report.confusionMatrix, classNames: classNames)
    return lines.joined(separator: "\n")
  }

  static func className(_ index: Int, _ names: [String]) -> String {
    index < names.count ? names[index] : String(index)
  }

  private static func classTable(_ report: ClassificationReport, classNames: [String])
    -> [String]
  {
    let names = (0..<report.perClass.count).map { className($0, classNames) }
    let nameWidth = max(12, (names.map(\.count).max() ?? 0))
    let widths = [9, 9, 9, 7, 9]
    func row(_ label: String, _ cells: [String]) -> String {
      let padded = zip(cells, widths).map { TextFit.pad($0, to: $1, alignment: .right) }
      return ([TextFit.pad(label, to: nameWidth)] + padded).joined(separator: "  ")
    }
    func metric(_ value: Double) -> String { NumberFormat.metric(value, decimals: 4) }
    // A zero denominator stores the zero-division value, and the report flags it as undefined.
    func metric(_ value: Double, _ flag: UndefinedMetrics, in undefined: UndefinedMetrics)
      -> String
    {
      undefined.contains(flag) ? "undefined" : metric(value)
    }

    var lines = [row("class", ["precision", "recall", "F1", "support", "AUC"])]
    for (index, metrics) in report.perClass.enumerated() {
      lines.append(
        row(
          names[index],
          [
            metric(metrics.precision, .precision, in: metrics.undefined),
            metric(metrics.recall, .recall, in: metrics.undefined),
            metric(metrics.f1, .fScore, in: metrics.undefined),
            String(metrics.support), metric(metrics.auc),
          ]))
    }
    let support = String(report.perClass.reduce(0) { $0 + $1.support })
    let averages = [
      ("macro avg", report.macro), ("weighted avg", report.weighted), ("micro avg", report.micro),
    ]
    for (label, average) in averages {
      lines.append(
        row(
          label,
          [
            metric(average.precision, .precision, in: average.undefined),
            metric(average.recall, .recall, in: average.undefined),
            metric(average.f1, .fScore, in: average.undefined), support, metric(average.auc),
          ]))
    }
    let undefinedCount = report.macro.undefinedAUCCount
    if undefinedCount > 0 {
      let noun = undefinedCount == 1 ? "class" : "classes"
      lines.append("AUC averages leave out \(undefinedCount) \(noun) with undefined AUC.")
    }
    return lines
  }

  private static func matrixLines(_ matrix: ConfusionMatrix, classNames: [String]) -> [String] {
    let count = matrix.classCount
    let largest = matrix.counts.max() ?? 0
    let cellWidth = max(7, String(largest).count)
    let names = (0..<count).map { className($0, classNames) }
    let labelWidth = max(12, names.map(\.count).max() ?? 0)
    let header =
      [TextFit.pad("true\\pred", to: labelWidth)]
      + names.map {
        TextFit.pad(TextFit.abbreviate($0, to: cellWidth), to: cellWidth, alignment: .right)
      }
    var lines = [header.joined(separator: " ")]
    for row in 0..<count {
      let cells = (0..<count).map {
        TextFit.pad(String(matrix[row, $0]), to: cellWidth, alignment: .right)
      }
      lines.append(([TextFit.pad(names[row], to: labelWidth)] + cells).joined(separator: " "))
    }
    return lines
  }
}
