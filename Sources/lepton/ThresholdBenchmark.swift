import Foundation
import LeptonMetrics

/// Times the threshold explorer of `lepton report` on random probabilities. It measures
/// the build (one sort per class), a key press (the metrics and next scores at a new
/// threshold), preset jumps and selective prediction, and a recount over every sample.
enum ThresholdBenchmark {
  struct Timing {
    var medianMicroseconds: Double
    var percentile99Microseconds: Double
  }

  /// Runs the benchmark and prints one line per measurement.
  static func run(sampleCount: Int, classCount: Int, queryCount: Int) throws {
    var generator = SystemRandomNumberGenerator()
    let (labels, probabilities) = randomProbabilities(
      sampleCount: sampleCount, classCount: classCount, generator: &generator)
    print(
      "lepton bench --threshold: \(sampleCount) samples, \(classCount) classes of random "
        + "probabilities, \(queryCount) queries each, "
        + "\(ProcessInfo.processInfo.activeProcessorCount) cores")

    let buildStart = DispatchTime.now().uptimeNanoseconds
    let explorers = try (0..<classCount).map {
      try ThresholdExplorer(
        labels: labels, scores: probabilities, classCount: classCount, classIndex: $0)
    }
    let buildMilliseconds = milliseconds(since: buildStart)
    let selectiveStart = DispatchTime.now().uptimeNanoseconds
    let predictor = try SelectivePredictor(
      labels: labels, probabilities: probabilities, classCount: classCount)
    let selectiveBuildMilliseconds = milliseconds(since: selectiveStart)
    print(
      String(
        format: "build: %.1f ms for %d explorers (%.1f ms each), %.1f ms for selective prediction",
        buildMilliseconds, classCount, buildMilliseconds / Double(classCount),
        selectiveBuildMilliseconds))

    var checksum = 0
    let key = measure(queryCount) {
      let explorer = explorers[Int.random(in: 0..<classCount, using: &generator)]
      let threshold = Double.random(in: 0...1, using: &generator)
      let point = explorer.point(atThreshold: threshold)
      let above = explorer.nextScore(above: threshold) ?? threshold
      let below = explorer.nextScore(below: threshold) ?? threshold
      checksum &+= point.counts.truePositives &+ Int(above + below)
    }
    printTiming("key (metrics and next scores at a random threshold)", key)

    let preset = measure(queryCount) {
      let explorer = explorers[Int.random(in: 0..<classCount, using: &generator)]
      let target = Double.random(in: 0.5...1, using: &generator)
      let precision = explorer.lowestThreshold(precisionAtLeast: target)
      let recall = explorer.highestThreshold(recallAtLeast: target)
      let threshold = precision.threshold ?? recall.threshold ?? target
      checksum &+= explorer.point(atThreshold: threshold).counts.falsePositives
    }
    printTiming("preset jump (precision and recall targets, then metrics)", preset)

    let selective = measure(queryCount) {
      let result = predictor.result(atThreshold: Double.random(in: 0...1, using: &generator))
      checksum &+= result.keptCount
    }
    printTiming("selective prediction (coverage, accuracy, confusion matrix)", selective)

    let column = stride(from: 0, to: probabilities.count, by: classCount).map {
      Double(probabilities[$0])
    }
    let recount = measure(max(1, queryCount / 1000)) {
      let threshold = Double.random(in: 0...1, using: &generator)
      var counts = BinaryCounts(
        truePositives: 0, falsePositives: 0, falseNegatives: 0, trueNegatives: 0)
      for (score, label) in zip(column, labels) {
        counts.add(isPositive: label == 0, isPredictedPositive: score >= threshold)
      }
      checksum &+= counts.truePositives
    }
    printTiming("recount over every sample of one class, for scale", recount)
    // The checksum keeps the optimiser from removing the timed work.
    if checksum == Int.min { print("checksum \(checksum)") }
  }

  /// Returns the median and 99th percentile of `count` timed calls of `body`.
  private static func measure(_ count: Int, _ body: () -> Void) -> Timing {
    var microseconds: [Double] = []
    microseconds.reserveCapacity(count)
    for _ in 0..<count {
      let start = DispatchTime.now().uptimeNanoseconds
      body()
      microseconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
    }
    microseconds.sort()
    let percentileIndex = min(count - 1, Int((Double(count) * 0.99).rounded(.up)) - 1)
    return Timing(
      medianMicroseconds: microseconds[count / 2],
      percentile99Microseconds: microseconds[max(0, percentileIndex)])
  }

  private static func printTiming(_ name: String, _ timing: Timing) {
    let numbers = String(
      format: "median %.2f us, p99 %.2f us per query", timing.medianMicroseconds,
      timing.percentile99Microseconds)
    print("\(name): \(numbers)")
  }

  private static func milliseconds(since start: UInt64) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
  }

  /// Returns random labels and rows of a softmax over uniform logits in [-4, 4].
  private static func randomProbabilities(
    sampleCount: Int, classCount: Int, generator: inout SystemRandomNumberGenerator
  ) -> (labels: [Int], probabilities: [Float]) {
    var labels: [Int] = []
    var probabilities: [Float] = []
    labels.reserveCapacity(sampleCount)
    probabilities.reserveCapacity(sampleCount * classCount)
    for _ in 0..<sampleCount {
      let label = Int.random(in: 0..<classCount, using: &generator)
      var logits = (0..<classCount).map { _ in Double.random(in: -4...4, using: &generator) }
      logits[label] += 2
      let largest = logits.max() ?? 0
      let exponentials = logits.map { exp($0 - largest) }
      let total = exponentials.reduce(0, +)
      labels.append(label)
      probabilities.append(contentsOf: exponentials.map { Float($0 / total) })
    }
    return (labels, probabilities)
  }
}
