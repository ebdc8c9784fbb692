import LeptonMetrics
import Testing

@Suite("Seeded generator")
struct SplitMix64Tests {
  @Test("first outputs for seed 0")
  func referenceOutputs() {
    // The first three outputs of the SplitMix64 reference algorithm for
    // seed 0, checked against a Python transcription of it.
    var generator = SplitMix64(seed: 0)
    #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
    #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
    #expect(generator.next() == 0x06C4_5D18_8009_454F)
  }

  @Test("bounded draws stay in range and spread evenly")
  func boundedDraws() {
    var generator = SplitMix64(seed: 11)
    var counts = [Int](repeating: 0, count: 7)
    for _ in 0..<70_000 {
      let index = generator.nextIndex(below: 7)
      #expect(index >= 0)
      #expect(index < 7)
      counts[index] += 1
    }
    // Each count is Binomial(70000, 1/7): mean 10000, standard deviation
    // about 93, so ±600 is over 6 standard deviations.
    for count in counts {
      #expect(abs(count - 10_000) < 600, "counts \(counts)")
    }
  }
}

@Suite("Bootstrap intervals")
struct BootstrapTests {
  static func input(seed: UInt64, sampleCount: Int = 120, classCount: Int = 4) -> (
    labels: [Int32], probabilities: [Float]
  ) {
    var generator = SeededGenerator(seed: seed)
    return randomClassification(
      sampleCount: sampleCount, classCount: classCount, generator: &generator)
  }

  @Test("resamples match reports of the drawn samples")
  func naiveResamples() throws {
    // Draws the indices the documented way and computes each resample's
    // report from scratch, so the count-based shortcut is checked.
    let data = Self.input(seed: 3)
    let sampleCount = data.labels.count
    let bootstrap = try BootstrapIntervals(
      labels: data.labels, scores: data.probabilities, classCount: 4, resampleCount: 25, seed: 5)
    var generator = SplitMix64(seed: 5)
    for resample in 0..<25 {
      let indices = (0..<sampleCount).map { _ in generator.nextIndex(below: sampleCount) }
      let report = try ClassificationReport.compute(
        labels: indices.map { data.labels[$0] },
        probabilities: indices.flatMap { data.probabilities[($0 * 4)..<($0 * 4 + 4)] },
        classCount: 4)
      expectClose(bootstrap.resampledAccuracy[resample], report.accuracy, "accuracy")
      expectClose(bootstrap.resampledMacroF1[resample], report.macro.f1, "macro F1")
      let aucs = bootstrap.aucClasses.map { report.perClass[$0].auc }
      let expectedAUC =
        aucs.contains(where: \.isNaN) ? .nan : aucs.reduce(0, +) / Double(aucs.count)
      expectClose(bootstrap.resampledMacroAUC[resample], expectedAUC, "macro AUC")
    }
  }

  @Test("estimates equal the full-data report")
  func estimates() throws {
    let data = Self.input(seed: 8)
    let bootstrap = try BootstrapIntervals(
      labels: data.labels, scores: data.probabilities, classCount: 4, resampleCount: 200)
    let report = try ClassificationReport.compute(
      labels: data.labels, probabilities: data.probabilities, classCount: 4)
    expectClose(bootstrap.accuracy.estimate, report.accuracy, "accuracy")
    expectClose(bootstrap.macroF1.estimate, report.macro.f1, "macro F1")
    expectClose(bootstrap.macroAUC.estimate, report.macro.auc, "macro AUC")
    // NumPy's linear percentile: position q·(n − 1) = 0.025·199 = 4.975 in
    // the sorted values, so 2.5% of the way from the 5th to the 6th value.
    let sorted = bootstrap.resampledAccuracy.sorted()
    expectClose(bootstrap.accuracy.lower, sorted[4] + (sorted[5] - sorted[4]) * 0.975, "lower")
    expectClose(
      bootstrap.accuracy.upper, sorted[194] + (sorted[195] - sorted[194]) * 0.025, "upper")
    for interval in [bootstrap.accuracy, bootstrap.macroF1, bootstrap.macroAUC] {
      #expect(interval.lower <= interval.estimate)
      #expect(interval.estimate <= interval.upper)
      #expect(interval.level == 0.95)
      #expect(interval.includedCount + interval.skippedCount == 200)
    }
  }

  @Test("one seed gives one result")
  func reproducible() throws {
    let data = Self.input(seed: 4)
    let first = try BootstrapIntervals(
      labels: data.labels, scores: data.probabilities, classCount: 4, resampleCount: 50, seed: 9)
    let second = try BootstrapIntervals(
      labels: data.labels, scores: data.probabilities, classCount: 4, resampleCount: 50, seed: 9)
    let other = try BootstrapIntervals(
      labels: data.labels, scores: data.probabilities, classCount: 4, resampleCount: 50, seed: 10)
    #expect(first.resampledAccuracy == second.resampledAccuracy)
    #expect(first.accuracy == second.accuracy)
    #expect(first.macroAUC == second.macroAUC)
    #expect(first.resampledAccuracy != other.resampledAccuracy)
  }

  @Test("constant metric gives a point interval")
  func constantMetric() throws {
    // Two samples of classes 0 and 1, both predicted right. A resample draws
    // (0, 0), (0, 1), (1, 0) or (1, 1). Accuracy is always 1, and macro F1
    // is 1 too, since only the classes seen count. So the interval is [1, 1].
    let scores: [Float] = [0.9, 0.1, 0.2, 0.8]
    let bootstrap = try BootstrapIntervals(
      labels: [0, 1] as [Int32], scores: scores, classCount: 2, resampleCount: 40)
    #expect(bootstrap.accuracy.lower == 1)
    #expect(bootstrap.accuracy.upper == 1)
    #expect(bootstrap.macroF1.lower == 1)
    // The AUC is 1 whenever both classes are drawn, about half the resamples.
    #expect(bootstrap.macroAUC.skippedCount > 0)
    #expect(bootstrap.macroAUC.includedCount > 0)
    #expect(bootstrap.macroAUC.lower == 1)
  }

  @Test("undefined AUC resamples are skipped and counted")
  func singleClass() throws {
    let bootstrap = try BootstrapIntervals(
      labels: [1, 1, 1] as [Int32], scores: oneHot([1, 0, 1], classCount: 2), classCount: 2,
      resampleCount: 30)
    #expect(bootstrap.aucClasses.isEmpty)
    #expect(bootstrap.macroAUC.estimate.isNaN)
    #expect(bootstrap.macroAUC.lower.isNaN)
    #expect(bootstrap.macroAUC.upper.isNaN)
    #expect(bootstrap.macroAUC.skippedCount == 30)
    #expect(bootstrap.macroAUC.includedCount == 0)
    #expect(bootstrap.accuracy.includedCount == 30)
  }

  @Test("invalid settings are rejected")
  func invalidSettings() {
    let data = Self.input(seed: 1, sampleCount: 10)
    let noResamples = metricsError {
      try BootstrapIntervals(
        labels: data.labels, scores: data.probabilities, classCount: 4, resampleCount: 0)
    }
    #expect(noResamples == .invalidResampleCount(0))
    let badLevel = metricsError {
      try BootstrapIntervals(
        labels: data.labels, scores: data.probabilities, classCount: 4, confidenceLevel: 1)
    }
    #expect(badLevel == .invalidConfidenceLevel(1))
  }

  @Test("wider level gives a wider interval", arguments: [UInt64(1), 2, 42])
  func nestedLevels(seed: UInt64) throws {
    let data = Self.input(seed: seed)
    let narrow = try BootstrapIntervals(
      labels: data.labels, scores: data.probabilities, classCount: 4, resampleCount: 300,
      confidenceLevel: 0.5, seed: seed)
    let wide = try BootstrapIntervals(
      labels: data.labels, scores: data.probabilities, classCount: 4, resampleCount: 300,
      confidenceLevel: 0.95, seed: seed)
    for (name, inner, outer) in [
      ("accuracy", narrow.accuracy, wide.accuracy), ("F1", narrow.macroF1, wide.macroF1),
      ("AUC", narrow.macroAUC, wide.macroAUC),
    ] {
      #expect(outer.lower <= inner.lower, "\(name)")
      #expect(inner.upper <= outer.upper, "\(name)")
      #expect(outer.lower >= 0, "\(name)")
      #expect(outer.upper <= 1, "\(name)")
    }
  }
}
