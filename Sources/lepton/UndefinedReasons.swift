import LeptonMetrics

/// Reasons for the undefined values of a report, worded for text and JSON output.
enum UndefinedReasons {
  /// One undefined value: `metric` names it, such as "AUC of class cat".
  struct Entry: Equatable {
    var metric: String
    var reason: String
  }

  /// Returns the reason of each undefined per-class metric, keyed by the
  /// JSON name of the metric.
  static func perClass(_ metrics: ClassMetrics, name: String, zeroDivision: ZeroDivisionPolicy)
    -> [String: String]
  {
    let stored = storedValueNote(zeroDivision)
    var reasons: [String: String] = [:]
    if metrics.undefined.contains(.precision) {
      reasons["precision"] = "no sample is predicted as class \(name) (TP + FP = 0); \(stored)"
    }
    if metrics.undefined.contains(.recall) {
      reasons["recall"] = "class \(name) has no samples (TP + FN = 0); \(stored)"
    }
    if metrics.undefined.contains(.fScore) {
      reasons["f1"] = "TP + FP + FN = 0 for class \(name); \(stored)"
    }
    if metrics.undefined.contains(.auc) || metrics.auc.isNaN {
      let message =
        metrics.aucUndefinedReason?.message(positiveClass: name)
        ?? "undefined: class \(name) or the rest has no samples"
      reasons["auc"] = String(message.trimmingPrefix("undefined: "))
    }
    if metrics.undefined.contains(.averagePrecision) || metrics.averagePrecision.isNaN {
      reasons["averagePrecision"] = "class \(name) has no samples"
    }
    return reasons
  }

  /// Returns the reason of each undefined value of a macro, weighted or micro average.
  static func averaged(_ metrics: AveragedMetrics, zeroDivision: ZeroDivisionPolicy)
    -> [String: String]
  {
    let stored = storedValueNote(zeroDivision)
    let flags: [(String, UndefinedMetrics, Double)] = [
      ("precision", .precision, metrics.precision), ("recall", .recall, metrics.recall),
      ("f1", .fScore, metrics.f1),
    ]
    var reasons: [String: String] = [:]
    for (key, flag, value) in flags where metrics.undefined.contains(flag) || value.isNaN {
      reasons[key] = "no class has a defined \(key) to average; \(stored)"
    }
    if metrics.undefined.contains(.auc) || metrics.auc.isNaN {
      reasons["auc"] =
        "no class has a defined AUC, because each lacks samples of itself or the rest"
    }
    if metrics.undefined.contains(.averagePrecision) || metrics.averagePrecision.isNaN {
      reasons["averagePrecision"] = "no class has samples"
    }
    return reasons
  }

  /// Returns the reason of each undefined report-level value.
  static func overall(_ report: ClassificationReport) -> [String: String] {
    let values: [(String, Double)] = [
      ("accuracy", report.accuracy), ("loss", report.loss),
      ("meanAbsoluteError", report.meanAbsoluteError),
      ("balancedAccuracy", report.balancedAccuracy),
    ]
    var reasons: [String: String] = [:]
    for (key, value) in values where value.isNaN {
      reasons[key] = report.sampleCount == 0 ? "there are no samples" : "no class has samples"
    }
    return reasons
  }

  /// Lists every undefined value of the report, for the text output.
  static func list(_ report: ClassificationReport, classNames: [String]) -> [Entry] {
    let displayNames = [
      "precision": "precision", "recall": "recall", "f1": "F1", "auc": "AUC",
      "averagePrecision": "average precision", "accuracy": "accuracy", "loss": "loss",
      "meanAbsoluteError": "MAE", "balancedAccuracy": "balanced accuracy",
    ]
    func entries(_ reasons: [String: String], of owner: String) -> [Entry] {
      reasons.sorted { $0.key < $1.key }.map { key, reason in
        let metric = displayNames[key] ?? key
        return Entry(metric: owner.isEmpty ? metric : "\(metric) of \(owner)", reason: reason)
      }
    }
    var result = entries(overall(report), of: "")
    for (index, metrics) in report.perClass.enumerated() {
      let name = index < classNames.count ? classNames[index] : String(index)
      result += entries(
        perClass(metrics, name: name, zeroDivision: report.zeroDivision), of: "class \(name)")
    }
    let averages = [
      ("macro", report.macro), ("weighted", report.weighted), ("micro", report.micro),
    ]
    for (label, average) in averages {
      result += entries(
        averaged(average, zeroDivision: report.zeroDivision), of: "the \(label) average")
    }
    return result
  }

  private static func storedValueNote(_ policy: ZeroDivisionPolicy) -> String {
    let value = policy.value
    return value.isNaN ? "stored as NaN" : "stored as \(Int(value)) by the zero-division policy"
  }
}
