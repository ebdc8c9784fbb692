import Foundation
import LeptonMetrics
import LeptonRender

/// `lepton report`: metrics of one class against the rest at a decision threshold,
/// or selective prediction, from the test scores a run saved.
enum ReportCommand {
  static func run(arguments: [String]) throws -> Int32 {
    let parsed = try ReportArguments.parse(arguments)
    if parsed.showHelp {
      print(ReportArguments.help)
      return ExitStatus.success
    }
    let input = try ReportInput.load(parsed)
    let classIndex = try parsed.className.map { try input.classIndex(of: $0) }
    let evaluation = input.evaluation
    let labels = evaluation.labels.map(Int.init)
    let source = ReportSource(
      run: input.run.directory.path, epoch: evaluation.epoch, split: evaluation.split,
      scoresFile: input.scoresPath, sampleCount: evaluation.sampleCount)

    if parsed.selective {
      let predictor = try SelectivePredictor(
        labels: labels, probabilities: evaluation.scores, classCount: evaluation.classCount)
      let thresholds = parsed.sweep ? sweepThresholds(steps: parsed.steps) : [parsed.threshold]
      let results = thresholds.map { predictor.result(atThreshold: $0) }
      if parsed.json {
        try printJSON(SelectiveReportJSON(source: source, results: results))
      } else {
        print(source.headline)
        print(ReportText.selective(results, classNames: input.classNames, sweep: parsed.sweep))
      }
      return ExitStatus.success
    }

    // `ReportArguments.parse` requires --class unless --selective is given.
    guard let classIndex, let className = parsed.className else {
      throw CommandLineError.missingOption(
        "--class", command: "report", expected: "a class name of the run")
    }
    let explorer = try ThresholdExplorer(
      labels: labels, scores: evaluation.scores, classCount: evaluation.classCount,
      classIndex: classIndex)
    let presets = ThresholdPresets(
      explorer, precisionTarget: parsed.precisionTarget, recallTarget: parsed.recallTarget)
    let histogram = explorer.histogram(binCount: parsed.histogramBins)
    var points = [explorer.point(atThreshold: parsed.threshold)]
    if parsed.sweep {
      let thresholds = sweepThresholds(steps: parsed.steps) + presets.all.compactMap(\.threshold)
      points = Set(thresholds).sorted().map { explorer.point(atThreshold: $0) }
    }
    if parsed.json {
      try printJSON(
        ThresholdReportJSON(
          source: source, className: className, classIndex: classIndex, explorer: explorer,
          points: points, sweep: parsed.sweep, presets: presets, histogram: histogram))
      return ExitStatus.success
    }
    print(source.headline)
    print(
      "Class       \(className) against the rest: \(explorer.positiveCount) positive, "
        + "\(explorer.negativeCount) negative samples")
    print("")
    if parsed.sweep {
      print(ReportText.sweep(points, presets: presets))
    } else {
      print(ReportText.point(points[0], className: className, explorer: explorer))
      print("")
      print(ReportText.presets(presets))
      print("")
      print(ReportText.histogram(histogram))
    }
    return ExitStatus.success
  }

  /// Returns `steps + 1` thresholds from 0 to 1, evenly spaced.
  static func sweepThresholds(steps: Int) -> [Double] {
    (0...steps).map { Double($0) / Double(steps) }
  }

  private static func printJSON<Value: Encodable>(_ value: Value) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
  }
}

/// The origin of the scores of a report: run, epoch, split and file.
struct ReportSource: Encodable {
  var run: String
  var epoch: Int
  var split: String
  var scoresFile: String
  var sampleCount: Int

  var headline: String {
    "Run         \(run): epoch \(epoch), \(sampleCount) \(split) samples from \(scoresFile)"
  }
}

/// The preset thresholds of one explorer, in the order a report lists them.
struct ThresholdPresets {
  var maximumF1: ThresholdSearch
  var maximumYoudenJ: ThresholdSearch
  var precisionTarget: Double
  var precisionAtLeast: ThresholdSearch
  var recallTarget: Double
  var recallAtLeast: ThresholdSearch

  init(_ explorer: ThresholdExplorer, precisionTarget: Double, recallTarget: Double) {
    maximumF1 = explorer.maximumF1
    maximumYoudenJ = explorer.maximumYoudenJ
    self.precisionTarget = precisionTarget
    precisionAtLeast = explorer.lowestThreshold(precisionAtLeast: precisionTarget)
    self.recallTarget = recallTarget
    recallAtLeast = explorer.highestThreshold(recallAtLeast: recallTarget)
  }

  /// Presets with their display names and JSON keys.
  var named: [(name: String, key: String, search: ThresholdSearch)] {
    [
      ("max F1", "maxF1", maximumF1),
      ("max Youden's J", "maxYoudenJ", maximumYoudenJ),
      (
        "precision >= \(NumberFormat.fixed(precisionTarget, decimals: 2))", "precisionAtLeast",
        precisionAtLeast
      ),
      (
        "recall >= \(NumberFormat.fixed(recallTarget, decimals: 2))", "recallAtLeast", recallAtLeast
      ),
    ]
  }

  var all: [ThresholdSearch] { named.map(\.search) }
}
