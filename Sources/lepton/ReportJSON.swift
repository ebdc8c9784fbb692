import LeptonMetrics

/// The JSON object that `lepton report --json` prints for one class. Undefined metrics
/// are null, with the reason under `undefined`.
struct ThresholdReportJSON: Encodable {
  var source: ReportSource
  var className: String
  var classIndex: Int
  var positiveCount: Int
  var negativeCount: Int
  /// The point at `--threshold`, or nil for a sweep.
  var point: PointJSON?
  /// One point per threshold of the sweep, or nil without `--sweep`.
  var sweep: [PointJSON]?
  var presets: [String: PresetJSON]
  var histogram: HistogramJSON

  init(
    source: ReportSource, className: String, classIndex: Int, explorer: ThresholdExplorer,
    points: [ThresholdPoint], sweep: Bool, presets: ThresholdPresets, histogram: ScoreHistogram
  ) {
    self.source = source
    self.className = className
    self.classIndex = classIndex
    positiveCount = explorer.positiveCount
    negativeCount = explorer.negativeCount
    let pointObjects = points.map { PointJSON($0, explorer: explorer) }
    point = sweep ? nil : pointObjects.first
    self.sweep = sweep ? pointObjects : nil
    var presetObjects: [String: PresetJSON] = [:]
    for (_, key, search) in presets.named {
      presetObjects[key] = PresetJSON(search)
    }
    presetObjects["precisionAtLeast"]?.target = presets.precisionTarget
    presetObjects["recallAtLeast"]?.target = presets.recallTarget
    self.presets = presetObjects
    self.histogram = HistogramJSON(histogram)
  }

  enum CodingKeys: String, CodingKey {
    case source, className = "class", classIndex, positiveCount, negativeCount, point, sweep
    case presets, histogram
  }
}

/// The counts and metrics at one threshold.
struct PointJSON: Encodable {
  var threshold: Double
  var counts: BinaryCounts
  /// Metric values keyed by `ThresholdMetric` raw values, nil where undefined.
  var metrics: [String: Double?]
  var undefined: [String: String]
  var nextScoreAbove: Double?
  var nextScoreBelow: Double?

  init(_ point: ThresholdPoint, explorer: ThresholdExplorer) {
    threshold = point.threshold
    counts = point.counts
    var metrics: [String: Double?] = [:]
    var undefined: [String: String] = [:]
    for metric in ThresholdMetric.allCases {
      if let reason = point.undefinedReason(metric) {
        metrics[metric.rawValue] = .some(nil)
        undefined[metric.rawValue] = reason
      } else {
        metrics[metric.rawValue] = point.value(of: metric)
      }
    }
    self.metrics = metrics
    self.undefined = undefined
    nextScoreAbove = explorer.nextScore(above: point.threshold)
    nextScoreBelow = explorer.nextScore(below: point.threshold)
  }

  func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: DynamicKey.self)
    try container.encode(threshold, forKey: DynamicKey("threshold"))
    try container.encode(counts.truePositives, forKey: DynamicKey("truePositives"))
    try container.encode(counts.falsePositives, forKey: DynamicKey("falsePositives"))
    try container.encode(counts.falseNegatives, forKey: DynamicKey("falseNegatives"))
    try container.encode(counts.trueNegatives, forKey: DynamicKey("trueNegatives"))
    for (name, value) in metrics {
      // An undefined metric is an explicit null, not a missing key.
      try container.encode(value, forKey: DynamicKey(name))
    }
    try container.encode(undefined, forKey: DynamicKey("undefined"))
    try container.encode(nextScoreAbove, forKey: DynamicKey("nextScoreAbove"))
    try container.encode(nextScoreBelow, forKey: DynamicKey("nextScoreBelow"))
  }
}

/// A preset threshold with the value it reaches, or null with the reason none exists.
struct PresetJSON: Encodable {
  var threshold: Double?
  var value: Double?
  var target: Double?
  var undefined: String?

  init(_ search: ThresholdSearch) {
    threshold = search.threshold
    value = search.value
    undefined = search.reason
  }

  func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: DynamicKey.self)
    try container.encode(threshold, forKey: DynamicKey("threshold"))
    try container.encode(value, forKey: DynamicKey("value"))
    try container.encodeIfPresent(target, forKey: DynamicKey("target"))
    try container.encodeIfPresent(undefined, forKey: DynamicKey("undefined"))
  }
}

struct HistogramJSON: Encodable {
  var edges: [Double]
  var positiveCounts: [Int]
  var negativeCounts: [Int]
  var positivesBelowZero: Int
  var negativesBelowZero: Int
  var positivesAboveOne: Int
  var negativesAboveOne: Int

  init(_ histogram: ScoreHistogram) {
    edges = histogram.edges
    positiveCounts = histogram.positiveCounts
    negativeCounts = histogram.negativeCounts
    positivesBelowZero = histogram.belowRange.positives
    negativesBelowZero = histogram.belowRange.negatives
    positivesAboveOne = histogram.aboveRange.positives
    negativesAboveOne = histogram.aboveRange.negatives
  }
}

/// The JSON object that `lepton report --selective --json` prints.
struct SelectiveReportJSON: Encodable {
  var source: ReportSource
  var results: [SelectiveJSON]

  init(source: ReportSource, results: [SelectiveResult]) {
    self.source = source
    self.results = results.map(SelectiveJSON.init)
  }
}

/// Selective prediction at one threshold. `accuracy` is null when no sample is kept.
struct SelectiveJSON: Encodable {
  var threshold: Double
  var sampleCount: Int
  var keptCount: Int
  var correctCount: Int
  var coverage: Double?
  var accuracy: Double?
  var undefined: [String: String]
  /// Rows are true classes, columns predicted classes.
  var confusionMatrix: [[Int]]

  init(_ result: SelectiveResult) {
    threshold = result.threshold
    sampleCount = result.sampleCount
    keptCount = result.keptCount
    correctCount = result.correctCount
    coverage = result.coverage.isNaN ? nil : result.coverage
    accuracy = result.accuracy.isNaN ? nil : result.accuracy
    undefined = [:]
    if let reason = result.accuracyUndefinedReason { undefined["accuracy"] = reason }
    if result.sampleCount == 0 { undefined["coverage"] = "no samples" }
    let matrix = result.confusionMatrix
    confusionMatrix = (0..<matrix.classCount).map { actual in
      (0..<matrix.classCount).map { matrix[actual, $0] }
    }
  }

  func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: DynamicKey.self)
    try container.encode(threshold, forKey: DynamicKey("threshold"))
    try container.encode(sampleCount, forKey: DynamicKey("sampleCount"))
    try container.encode(keptCount, forKey: DynamicKey("keptCount"))
    try container.encode(correctCount, forKey: DynamicKey("correctCount"))
    try container.encode(coverage, forKey: DynamicKey("coverage"))
    try container.encode(accuracy, forKey: DynamicKey("accuracy"))
    try container.encode(undefined, forKey: DynamicKey("undefined"))
    try container.encode(confusionMatrix, forKey: DynamicKey("confusionMatrix"))
  }
}

/// A coding key made from any string, for objects whose keys are built at run time.
struct DynamicKey: CodingKey {
  var stringValue: String
  var intValue: Int? { nil }

  init(_ string: String) {
    stringValue = string
  }

  init?(stringValue: String) {
    self.stringValue = stringValue
  }

  init?(intValue: Int) {
    return nil
  }
}
