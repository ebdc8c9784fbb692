import LeptonEngine
import LeptonMetrics

/// The JSON object that `lepton compare --json` prints. Every statistic of the text output
/// is here with full precision; undefined values are null.
struct ComparisonJSON: Encodable {
  /// One run's last compared epoch and its test metrics.
  struct Run: Encodable {
    var letter: String
    var id: String
    var model: String?
    var epoch: Int
    var metrics: [String: Double?]
    var perClass: [PerClass]
    var config: RunConfig?
  }

  struct PerClass: Encodable {
    var name: String
    var precision: Double?
    var recall: Double?
    var f1: Double?
    var auc: Double?
    var support: Int
  }

  struct Interval: Encodable {
    var estimate: Double?
    var lower: Double?
    var upper: Double?
    var level: Double
  }

  struct McNemar: Encodable {
    var onlyACorrect: Int
    var onlyBCorrect: Int
    var method: String
    var statistic: Double
    var pValue: Double
    var note: String?
  }

  /// One run against the first.
  struct Against: Encodable {
    var run: String
    var against: String
    var metricChanges: [String: Double?]
    var perClassF1Change: [Double?]
    var mcnemar: McNemar
    var accuracyDifference: Interval
    var macroF1Difference: Interval
    /// Confusion matrix of this run minus that of the first, with true classes as rows.
    var confusionMatrixDifference: [[Int]]
  }

  struct Difference: Encodable {
    var field: String
    var values: [String]
  }

  var sampleCount: Int
  var classNames: [String]
  var bootstrapResamples: Int
  var seed: UInt64
  var runs: [Run]
  var comparisons: [Against]
  var configurationDifferences: [Difference]

  /// Metric names and how to read them from a report, in the text table's order.
  static let metrics: [(String, @Sendable (ClassificationReport) -> Double)] = [
    ("accuracy", { $0.accuracy }), ("macroPrecision", { $0.macro.precision }),
    ("macroRecall", { $0.macro.recall }), ("macroF1", { $0.macro.f1 }),
    ("macroAUC", { $0.macro.auc }), ("balancedAccuracy", { $0.balancedAccuracy }),
    ("loss", { $0.loss }), ("meanAbsoluteError", { $0.meanAbsoluteError }),
  ]

  /// Computes every statistic of `runs` against the first run.
  /// - Throws: `MetricsError` from the tests, such as predictions outside the class range.
  init(_ runs: [CompareCommand.Compared], seed: UInt64) throws {
    let first = runs[0]
    let report = first.summary.test
    sampleCount = first.labels.count
    classNames =
      first.config?.classNames ?? (0..<report.classCount).map { String($0) }
    self.seed = seed
    var resampleCount = 0
    self.runs = runs.enumerated().map { index, run in
      let test = run.summary.test
      return Run(
        letter: CompareCommand.letter(index), id: run.id, model: run.config?.model,
        epoch: run.summary.epoch,
        metrics: Dictionary(uniqueKeysWithValues: Self.metrics.map { ($0.0, defined($0.1(test))) }),
        perClass: test.perClass.enumerated().map { classIndex, metrics in
          PerClass(
            name: classIndex < classNamesOf(run).count
              ? classNamesOf(run)[classIndex] : String(classIndex),
            precision: defined(metrics.precision), recall: defined(metrics.recall),
            f1: defined(metrics.f1), auc: defined(metrics.auc), support: metrics.support)
        },
        config: run.config)
    }
    var comparisons: [Against] = []
    for (index, other) in runs.enumerated().dropFirst() {
      let test = try McNemarTest(
        labels: first.labels, predictionsA: first.predictions, predictionsB: other.predictions)
      let bootstrap = try PairedBootstrapDifference(
        labels: first.labels, predictionsA: first.predictions, predictionsB: other.predictions,
        classCount: report.classCount, seed: seed)
      resampleCount = bootstrap.resampleCount
      let otherReport = other.summary.test
      let matrixA = report.confusionMatrix
      let matrixB = otherReport.confusionMatrix
      comparisons.append(
        Against(
          run: CompareCommand.letter(index), against: CompareCommand.letter(0),
          metricChanges: Dictionary(
            uniqueKeysWithValues: Self.metrics.map { name, value in
              (name, defined(value(otherReport) - value(report)))
            }),
          perClassF1Change: report.perClass.indices.map { classIndex in
            classIndex < otherReport.perClass.count
              ? defined(otherReport.perClass[classIndex].f1 - report.perClass[classIndex].f1)
              : nil
          },
          mcnemar: McNemar(
            onlyACorrect: test.onlyACorrectCount, onlyBCorrect: test.onlyBCorrectCount,
            method: test.method == .exactBinomial ? "exactBinomial" : "chiSquaredCorrected",
            statistic: test.statistic, pValue: test.pValue, note: test.note),
          accuracyDifference: Interval(bootstrap.accuracyDifference),
          macroF1Difference: Interval(bootstrap.macroF1Difference),
          confusionMatrixDifference: (0..<matrixA.classCount).map { row in
            (0..<matrixA.classCount).map { column in
              matrixB[row, column] - matrixA[row, column]
            }
          }))
    }
    self.comparisons = comparisons
    bootstrapResamples = resampleCount
    configurationDifferences = CompareCommand.differingFields(runs).map {
      Difference(field: $0.field, values: $0.values)
    }
  }
}

extension ComparisonJSON.Interval {
  init(_ interval: ConfidenceInterval) {
    estimate = defined(interval.estimate)
    lower = defined(interval.lower)
    upper = defined(interval.upper)
    level = interval.level
  }
}

/// Returns nil for NaN, which JSON cannot hold, and the value otherwise.
private func defined(_ value: Double) -> Double? {
  value.isNaN ? nil : value
}

private func classNamesOf(_ run: CompareCommand.Compared) -> [String] {
  run.config?.classNames ?? []
}
