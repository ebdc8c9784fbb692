import LeptonMetrics
import Testing

/// Five samples with a tie at 0.8. Distinct scores and cumulative counts:
/// 0.9 (TP 1, FP 0), 0.8 (TP 2, FP 1), 0.4 (TP 2, FP 2), 0.1 (TP 3, FP 2).
private let tiedScores: [Double] = [0.9, 0.8, 0.8, 0.4, 0.1]
private let tiedClasses = [true, true, false, false, true]

private func counts(_ tp: Int, _ fp: Int, _ fn: Int, _ tn: Int) -> BinaryCounts {
  BinaryCounts(truePositives: tp, falsePositives: fp, falseNegatives: fn, trueNegatives: tn)
}

/// Counts at `threshold` by checking every sample.
private func recount(isPositive: [Bool], scores: [Double], threshold: Double) -> BinaryCounts {
  var result = counts(0, 0, 0, 0)
  for (positive, score) in zip(isPositive, scores) {
    result.add(isPositive: positive, isPredictedPositive: score >= threshold)
  }
  return result
}

@Suite("Threshold explorer cases")
struct ThresholdExplorerCaseTests {
  let explorer: ThresholdExplorer

  init() throws {
    explorer = try ThresholdExplorer(isPositive: tiedClasses, scores: tiedScores)
  }

  @Test func metricsAtTiedScore() {
    let point = explorer.point(atThreshold: 0.8)
    #expect(point.counts == counts(2, 1, 1, 1))
    expectClose(point.precision, 2.0 / 3)
    expectClose(point.recall, 2.0 / 3)
    expectClose(point.f1, 2.0 / 3)
    expectClose(point.falsePositiveRate, 0.5)
    expectClose(point.falseNegativeRate, 1.0 / 3)
    expectClose(point.specificity, 0.5)
    expectClose(point.accuracy, 0.6)
    expectClose(point.rocPoint.falsePositiveRate, 0.5)
    expectClose(point.rocPoint.truePositiveRate, 2.0 / 3)
    expectClose(point.precisionRecallPoint.recall, 2.0 / 3)
    expectClose(point.precisionRecallPoint.precision, 2.0 / 3)
    for metric in ThresholdMetric.allCases {
      #expect(point.undefinedReason(metric) == nil, "\(metric)")
    }
  }

  @Test func metricsBetweenScores() {
    let point = explorer.point(atThreshold: 0.85)
    #expect(point.counts == counts(1, 0, 2, 2))
    expectClose(point.precision, 1)
    expectClose(point.recall, 1.0 / 3)
    expectClose(point.f1, 0.5)
    expectClose(point.falsePositiveRate, 0)
    expectClose(point.accuracy, 0.6)
  }

  @Test func thresholdAboveMaximum() {
    for threshold in [0.95, Double.infinity] {
      let point = explorer.point(atThreshold: threshold)
      #expect(point.counts == counts(0, 0, 3, 2), "threshold \(threshold)")
      #expect(point.precision.isNaN)
      #expect(point.undefinedReason(.precision) != nil)
      expectClose(point.recall, 0)
      // F1 = 2TP / (2TP + FP + FN) = 0 / 3, which is defined.
      expectClose(point.f1, 0)
      #expect(point.undefinedReason(.f1) == nil)
      expectClose(point.falsePositiveRate, 0)
      expectClose(point.specificity, 1)
      expectClose(point.accuracy, 0.4)
    }
  }

  @Test func thresholdBelowMinimum() {
    for threshold in [0.0, -Double.infinity, 0.1] {
      let point = explorer.point(atThreshold: threshold)
      #expect(point.counts == counts(3, 2, 0, 0), "threshold \(threshold)")
      expectClose(point.precision, 0.6)
      expectClose(point.recall, 1)
      expectClose(point.f1, 0.75)
      expectClose(point.falsePositiveRate, 1)
      expectClose(point.specificity, 0)
      expectClose(point.accuracy, 0.6)
    }
  }

  @Test func nextDistinctScores() {
    #expect(explorer.nextScore(above: 0.8) == 0.9)
    #expect(explorer.nextScore(below: 0.8) == 0.4)
    #expect(explorer.nextScore(above: 0.5) == 0.8)
    #expect(explorer.nextScore(below: 0.5) == 0.4)
    #expect(explorer.nextScore(above: 0.9) == nil)
    #expect(explorer.nextScore(below: 0.1) == nil)
    #expect(explorer.nextScore(above: -.infinity) == 0.1)
    #expect(explorer.nextScore(below: .infinity) == 0.9)
    #expect(explorer.nextScore(above: .infinity) == nil)
  }

  @Test func maximumF1AndYouden() {
    // F1 per distinct score: 0.5, 2/3, 4/7, 0.75.
    #expect(explorer.maximumF1.threshold == 0.1)
    expectClose(explorer.maximumF1.value ?? .nan, 0.75)
    // TPR - FPR per distinct score: 1/3, 1/6, -1/3, 0.
    #expect(explorer.maximumYoudenJ.threshold == 0.9)
    expectClose(explorer.maximumYoudenJ.value ?? .nan, 1.0 / 3)
  }

  @Test func precisionTargets() {
    // Precision per distinct score: 1, 2/3, 1/2, 3/5.
    #expect(explorer.lowestThreshold(precisionAtLeast: 0.6).threshold == 0.1)
    #expect(explorer.lowestThreshold(precisionAtLeast: 0.65).threshold == 0.8)
    #expect(explorer.lowestThreshold(precisionAtLeast: 0.7).threshold == 0.9)
    #expect(explorer.lowestThreshold(precisionAtLeast: 1).threshold == 0.9)
    #expect(explorer.lowestThreshold(precisionAtLeast: 0).threshold == 0.1)
    let unreachable = explorer.lowestThreshold(precisionAtLeast: 1.01)
    #expect(unreachable.threshold == nil)
    #expect(unreachable.reason != nil)
  }

  @Test func recallTargets() {
    // Recall per distinct score: 1/3, 2/3, 2/3, 1.
    #expect(explorer.highestThreshold(recallAtLeast: 0.3).threshold == 0.9)
    #expect(explorer.highestThreshold(recallAtLeast: 0.5).threshold == 0.8)
    #expect(explorer.highestThreshold(recallAtLeast: 2.0 / 3).threshold == 0.8)
    #expect(explorer.highestThreshold(recallAtLeast: 1).threshold == 0.1)
    #expect(explorer.highestThreshold(recallAtLeast: 0).threshold == 0.9)
    let unreachable = explorer.highestThreshold(recallAtLeast: 1.1)
    #expect(unreachable.threshold == nil)
    #expect(unreachable.reason != nil)
  }

  @Test func allPositive() throws {
    let explorer = try ThresholdExplorer(isPositive: [true, true, true], scores: [0.2, 0.5, 0.5])
    let point = explorer.point(atThreshold: 0.5)
    #expect(point.counts == counts(2, 0, 1, 0))
    expectClose(point.precision, 1)
    #expect(point.falsePositiveRate.isNaN)
    #expect(point.specificity.isNaN)
    #expect(point.undefinedReason(.falsePositiveRate) != nil)
    #expect(point.undefinedReason(.specificity) != nil)
    #expect(explorer.maximumYoudenJ.threshold == nil)
    #expect(explorer.maximumYoudenJ.reason != nil)
    #expect(explorer.maximumF1.threshold == 0.2)
    expectClose(explorer.maximumF1.value ?? .nan, 1)
  }

  @Test func allNegative() throws {
    let explorer = try ThresholdExplorer(isPositive: [false, false], scores: [0.3, 0.6])
    let point = explorer.point(atThreshold: 0.3)
    #expect(point.counts == counts(0, 2, 0, 0))
    expectClose(point.precision, 0)
    #expect(point.recall.isNaN)
    #expect(point.undefinedReason(.recall) != nil)
    expectClose(point.f1, 0)
    let above = explorer.point(atThreshold: 0.9)
    #expect(above.f1.isNaN)
    #expect(above.undefinedReason(.f1) != nil)
    #expect(explorer.maximumF1.threshold == nil)
    #expect(explorer.maximumYoudenJ.threshold == nil)
    #expect(explorer.lowestThreshold(precisionAtLeast: 0.5).threshold == nil)
    #expect(explorer.highestThreshold(recallAtLeast: 0.5).threshold == nil)
  }

  @Test func noSamples() throws {
    let explorer = try ThresholdExplorer(isPositive: [], scores: [])
    let point = explorer.point(atThreshold: 0.5)
    #expect(point.accuracy.isNaN)
    #expect(point.undefinedReason(.accuracy) == "no samples")
    #expect(explorer.nextScore(above: 0.5) == nil)
    #expect(explorer.maximumF1.reason == "no samples")
  }

  @Test func nonFiniteScoresRejected() {
    for bad in [Double.nan, .infinity, -.infinity] {
      let error = metricsError {
        try ThresholdExplorer(isPositive: [true, false, true], scores: [0.1, bad, 0.3])
      }
      guard case .nonFiniteScores(let count, let firstIndex, _, _)? = error else {
        Issue.record("expected nonFiniteScores for \(bad), got \(String(describing: error))")
        continue
      }
      #expect(count == 1)
      #expect(firstIndex == 1)
    }
  }

  @Test func columnOfScoreMatrix() throws {
    // Three samples of two classes, with class 1 as the positive class.
    let explorer = try ThresholdExplorer(
      labels: [1, 0, 1], scores: [Float(0.2), 0.8, 0.6, 0.4, 0.3, 0.7], classCount: 2,
      classIndex: 1)
    #expect(explorer.positiveCount == 2)
    #expect(explorer.point(atThreshold: 0.5).counts == counts(2, 0, 0, 1))
    let error = metricsError {
      try ThresholdExplorer(labels: [0], scores: [Float(1)], classCount: 1, classIndex: 1)
    }
    #expect(error == .invalidLabelSelection(label: 1, classCount: 1))
  }

  @Test func histogramBins() throws {
    let explorer = try ThresholdExplorer(
      isPositive: [true, false, true, false, true, false, true],
      scores: [0, 0.05, 0.5, 0.99, 1.0, -0.1, 1.5])
    let histogram = explorer.histogram(binCount: 2)
    #expect(histogram.edges == [0, 0.5, 1])
    #expect(histogram.positiveCounts == [1, 2])
    #expect(histogram.negativeCounts == [1, 1])
    #expect(histogram.belowRange == (0, 1))
    #expect(histogram.aboveRange == (1, 0))
  }
}

@Suite("Threshold explorer properties")
struct ThresholdExplorerPropertyTests {
  @Test("Counts agree with a recount", arguments: [1, 2, 3, 42, 2024] as [UInt64])
  func agreesWithRecount(seed: UInt64) throws {
    let (isPositive, scores) = RankingPropertyTests.randomBinary(seed: seed, count: 200)
    let explorer = try ThresholdExplorer(isPositive: isPositive, scores: scores)
    var generator = SeededGenerator(seed: seed &+ 7)
    let randomThresholds = (0..<200).map { _ in Double.random(in: -0.1...1.2, using: &generator) }
    let thresholds =
      randomThresholds + Set(scores).sorted() + [.infinity, -.infinity, 0, 1]
    for threshold in thresholds {
      let expected = recount(isPositive: isPositive, scores: scores, threshold: threshold)
      #expect(explorer.point(atThreshold: threshold).counts == expected, "at \(threshold)")
    }
  }

  @Test("Presets agree with a scan", arguments: [1, 2, 3, 42, 2024] as [UInt64])
  func presetsAgreeWithScan(seed: UInt64) throws {
    let (isPositive, scores) = RankingPropertyTests.randomBinary(seed: seed, count: 150)
    let explorer = try ThresholdExplorer(isPositive: isPositive, scores: scores)
    let distinct = Set(scores).sorted(by: >)
    let points = distinct.map {
      (threshold: $0, counts: recount(isPositive: isPositive, scores: scores, threshold: $0))
    }
    let bestF1 = points.map { ThresholdPoint(threshold: $0.threshold, counts: $0.counts).f1 }.max()
    expectClose(explorer.maximumF1.value ?? .nan, bestF1 ?? .nan, tolerance: 1e-12, "F1")
    let bestJ = points.map {
      ThresholdPoint(threshold: $0.threshold, counts: $0.counts).recall
        - ThresholdPoint(threshold: $0.threshold, counts: $0.counts).falsePositiveRate
    }.max()
    expectClose(explorer.maximumYoudenJ.value ?? .nan, bestJ ?? .nan, tolerance: 1e-12, "J")

    for target in stride(from: 0.0, through: 1.0, by: 0.05) {
      let lowest = points.last {
        ThresholdPoint(threshold: $0.threshold, counts: $0.counts).precision >= target
      }
      #expect(
        explorer.lowestThreshold(precisionAtLeast: target).threshold == lowest?.threshold,
        "precision target \(target)")
      let highest = points.first {
        ThresholdPoint(threshold: $0.threshold, counts: $0.counts).recall >= target
      }
      #expect(
        explorer.highestThreshold(recallAtLeast: target).threshold == highest?.threshold,
        "recall target \(target)")
    }
  }

  @Test("Next scores agree with a scan", arguments: [1, 2] as [UInt64])
  func nextScoresAgreeWithScan(seed: UInt64) throws {
    let (isPositive, scores) = RankingPropertyTests.randomBinary(seed: seed, count: 100)
    let explorer = try ThresholdExplorer(isPositive: isPositive, scores: scores)
    var generator = SeededGenerator(seed: seed)
    let thresholds = (0..<100).map { _ in Double.random(in: -0.1...1.1, using: &generator) }
    for threshold in thresholds + scores {
      #expect(explorer.nextScore(above: threshold) == scores.filter { $0 > threshold }.min())
      #expect(explorer.nextScore(below: threshold) == scores.filter { $0 < threshold }.max())
    }
  }

  @Test("Results ignore sample order", arguments: [1, 2, 3] as [UInt64])
  func permutationInvariance(seed: UInt64) throws {
    let (isPositive, scores) = RankingPropertyTests.randomBinary(seed: seed, count: 120)
    var generator = SeededGenerator(seed: seed &+ 1)
    let order = Array(scores.indices).shuffled(using: &generator)
    let original = try ThresholdExplorer(isPositive: isPositive, scores: scores)
    let shuffled = try ThresholdExplorer(
      isPositive: order.map { isPositive[$0] }, scores: order.map { scores[$0] })
    #expect(shuffled.ranking == original.ranking)
    #expect(shuffled.maximumF1 == original.maximumF1)
    #expect(shuffled.maximumYoudenJ == original.maximumYoudenJ)
    #expect(shuffled.histogram(binCount: 10) == original.histogram(binCount: 10))
    for threshold in stride(from: 0.0, through: 1.0, by: 0.05) {
      #expect(
        shuffled.point(atThreshold: threshold) == original.point(atThreshold: threshold))
      #expect(
        shuffled.lowestThreshold(precisionAtLeast: threshold)
          == original.lowestThreshold(precisionAtLeast: threshold))
    }
  }

  @Test("Histogram agrees with a recount", arguments: [1, 2] as [UInt64])
  func histogramAgreesWithRecount(seed: UInt64) throws {
    let (isPositive, scores) = RankingPropertyTests.randomBinary(seed: seed, count: 200)
    let explorer = try ThresholdExplorer(isPositive: isPositive, scores: scores)
    let histogram = explorer.histogram(binCount: 7)
    var positives = [Int](repeating: 0, count: 7)
    var negatives = [Int](repeating: 0, count: 7)
    for (positive, score) in zip(isPositive, scores) {
      let bin = min(Int(score * 7), 6)
      if positive { positives[bin] += 1 } else { negatives[bin] += 1 }
    }
    #expect(histogram.positiveCounts == positives)
    #expect(histogram.negativeCounts == negatives)
  }
}
