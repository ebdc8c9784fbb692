import LeptonMetrics
import LeptonRender

/// The text layouts of `lepton report`.
enum ReportText {
  /// Formats the confusion matrix and every metric at one threshold.
  static func point(_ point: ThresholdPoint, className: String, explorer: ThresholdExplorer)
    -> String
  {
    let counts = point.counts
    let width = max(className.count + 10, 14) + 2
    func cell(_ text: String) -> String { pad(text, width) }
    var lines = [
      "Threshold   \(number(point.threshold)) (predicted positive when score >= threshold)",
      "",
      pad("", 14) + cell("predicted \(className)") + cell("predicted rest"),
      pad("actual \(className)", 14) + cell("TP \(counts.truePositives)")
        + cell("FN \(counts.falseNegatives)"),
      pad("actual rest", 14) + cell("FP \(counts.falsePositives)")
        + cell("TN \(counts.trueNegatives)"),
      "",
    ]
    let names: [(ThresholdMetric, String)] = [
      (.precision, "precision"), (.recall, "recall (TPR)"), (.f1, "F1"),
      (.falsePositiveRate, "FPR"), (.falseNegativeRate, "FNR"),
      (.specificity, "specificity (TNR)"), (.accuracy, "accuracy"),
    ]
    for (metric, name) in names {
      lines.append(pad(name, 20) + metricText(point, metric))
    }
    lines.append(
      pad("ROC point", 20) + "FPR \(metricNumber(point.falsePositiveRate)), "
        + "TPR \(metricNumber(point.recall))")
    lines.append(
      pad("PR point", 20) + "recall \(metricNumber(point.recall)), "
        + "precision \(metricNumber(point.precision))")
    let above = explorer.nextScore(above: point.threshold).map(score) ?? "none"
    let below = explorer.nextScore(below: point.threshold).map(score) ?? "none"
    lines.append(pad("next scores", 20) + "above \(above), below \(below)")
    return joinedLines(lines)
  }

  /// Formats the preset thresholds with the metric value each reaches.
  static func presets(_ presets: ThresholdPresets) -> String {
    var lines = ["Preset thresholds"]
    for (name, _, search) in presets.named {
      switch search {
      case .found(let threshold, let value):
        lines.append(
          "  " + pad(name, 18) + "threshold \(score(threshold))  value \(number(value))")
      case .notFound(let reason):
        lines.append("  " + pad(name, 18) + "none: \(reason)")
      }
    }
    return joinedLines(lines)
  }

  /// Formats the score histogram with one row per bin.
  static func histogram(_ histogram: ScoreHistogram) -> String {
    var lines = ["Score histogram", "  " + pad("bin", 18) + pad("positive", 10) + "negative"]
    for bin in histogram.positiveCounts.indices {
      let isLast = bin == histogram.positiveCounts.count - 1
      let range =
        "[\(number(histogram.edges[bin])), \(number(histogram.edges[bin + 1]))"
        + (isLast ? "]" : ")")
      lines.append(
        "  " + pad(range, 18) + pad(String(histogram.positiveCounts[bin]), 10)
          + String(histogram.negativeCounts[bin]))
    }
    return joinedLines(lines)
  }

  /// Formats one row per threshold, marking the rows of preset thresholds.
  static func sweep(_ points: [ThresholdPoint], presets: ThresholdPresets) -> String {
    let header = [
      ("threshold", 10), ("TP", 7), ("FP", 7), ("FN", 7), ("TN", 7), ("precision", 11),
      ("recall", 9), ("F1", 9), ("FPR", 9), ("accuracy", 10),
    ]
    var lines = [header.map { pad($0.0, $0.1) }.joined() + "preset"]
    for point in points {
      let counts = point.counts
      let marks = presets.named.filter { $0.search.threshold == point.threshold }.map(\.name)
      let cells = [
        (score(point.threshold), 10), (String(counts.truePositives), 7),
        (String(counts.falsePositives), 7), (String(counts.falseNegatives), 7),
        (String(counts.trueNegatives), 7), (metricNumber(point.precision), 11),
        (metricNumber(point.recall), 9), (metricNumber(point.f1), 9),
        (metricNumber(point.falsePositiveRate), 9), (metricNumber(point.accuracy), 10),
      ]
      lines.append(cells.map { pad($0.0, $0.1) }.joined() + marks.joined(separator: ", "))
    }
    lines.append("")
    lines.append("'undef' marks a metric whose denominator is zero at that threshold.")
    return joinedLines(lines)
  }

  /// Formats coverage and accuracy of the kept samples, with the confusion matrix when
  /// there is one threshold, or a table over thresholds.
  static func selective(_ results: [SelectiveResult], classNames: [String], sweep: Bool)
    -> String
  {
    if sweep {
      var lines = [pad("threshold", 11) + pad("kept", 8) + pad("coverage", 10) + "accuracy"]
      for result in results {
        lines.append(
          pad(number(result.threshold), 11) + pad(String(result.keptCount), 8)
            + pad(metricNumber(result.coverage), 10) + metricNumber(result.accuracy))
      }
      lines.append("")
      lines.append("'undef' marks an accuracy with no sample kept.")
      return joinedLines(lines)
    }
    guard let result = results.first else { return "" }
    let accuracy =
      result.accuracyUndefinedReason.map { "undefined (\($0))" } ?? number(result.accuracy)
    var lines = [
      "Threshold   \(number(result.threshold)) (kept when the top probability >= threshold)",
      "",
      pad("kept", 20) + "\(result.keptCount) of \(result.sampleCount)",
      pad("coverage", 20) + metricNumber(result.coverage),
      pad("accuracy of kept", 20) + accuracy,
      "",
      "Confusion matrix of the kept samples (rows true, columns predicted)",
    ]
    let matrix = result.confusionMatrix
    let width = max(6, (classNames.map(\.count).max() ?? 0) + 2)
    lines.append(pad("", width) + classNames.map { pad($0, width) }.joined())
    for actual in 0..<matrix.classCount {
      let row = (0..<matrix.classCount).map { pad(String(matrix[actual, $0]), width) }
      lines.append(pad(classNames[actual], width) + row.joined())
    }
    return joinedLines(lines)
  }

  // MARK: - Formatting

  /// Joins `lines` with newlines, without the spaces that padding leaves at line ends.
  private static func joinedLines(_ lines: [String]) -> String {
    lines.map { line in
      var trimmed = Substring(line)
      while trimmed.last == " " { trimmed = trimmed.dropLast() }
      return String(trimmed)
    }.joined(separator: "\n")
  }

  private static func metricText(_ point: ThresholdPoint, _ metric: ThresholdMetric) -> String {
    if let reason = point.undefinedReason(metric) { return "undefined (\(reason))" }
    return number(point.value(of: metric))
  }

  private static func number(_ value: Double) -> String {
    NumberFormat.fixed(value, decimals: 4)
  }

  /// Formats a threshold or score with enough digits to tell neighbouring scores apart.
  private static func score(_ value: Double) -> String {
    NumberFormat.fixed(value, decimals: 6)
  }

  private static func metricNumber(_ value: Double) -> String {
    NumberFormat.metric(value, decimals: 4, undefined: "undef")
  }

  private static func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
  }
}
