/// Seeded paired percentile-bootstrap intervals of the difference B − A in
/// accuracy and in macro F1 between two models evaluated on the same samples.
///
/// Each resample draws N sample indices with replacement, exactly as
/// `BootstrapIntervals` does with the same seed, and computes both models'
/// metrics on those same indices. Pairing keeps the correlation between the
/// two models' errors. When both models tend to fail on the same samples,
/// the interval is then narrower than one from independent resamples.
public struct PairedBootstrapDifference: Sendable, Equatable {
  public let seed: UInt64
  public let resampleCount: Int
  /// Accuracy of model B minus accuracy of model A.
  public let accuracyDifference: ConfidenceInterval
  /// Macro F1 of model B minus macro F1 of model A, each over the classes
  /// seen in the true or predicted labels of that model on the resample, as
  /// scikit-learn's `f1_score(average="macro")`.
  public let macroF1Difference: ConfidenceInterval
  /// Difference of each resample in draw order.
  public let resampledAccuracyDifference: [Double]
  public let resampledMacroF1Difference: [Double]

  /// Draws `resampleCount` paired bootstrap resamples of the samples.
  /// - Parameters:
  ///   - labels: true class of each sample, `[sampleCount]`.
  ///   - predictionsA: predicted class of each sample by model A.
  ///   - predictionsB: predicted class of each sample by model B.
  ///   - confidenceLevel: coverage of each interval, in (0, 1).
  /// - Throws: `MetricsError` for fewer than 2 classes, a resample count
  ///   below 1, a level outside (0, 1), prediction vectors whose length
  ///   differs from that of `labels`, or a label or prediction outside
  ///   `0..<classCount`.
  public init<Label: BinaryInteger>(
    labels: [Label], predictionsA: [Label], predictionsB: [Label], classCount: Int,
    resampleCount: Int = 1000, confidenceLevel: Double = 0.95, seed: UInt64 = 0
  ) throws {
    guard classCount >= 2 else { throw MetricsError.invalidClassCount(classCount, minimum: 2) }
    guard resampleCount >= 1 else { throw MetricsError.invalidResampleCount(resampleCount) }
    guard confidenceLevel > 0, confidenceLevel < 1 else {
      throw MetricsError.invalidConfidenceLevel(confidenceLevel)
    }
    guard predictionsA.count == labels.count else {
      throw MetricsError.lengthMismatch(
        name: "predictionsA", expected: labels.count, actual: predictionsA.count)
    }
    guard predictionsB.count == labels.count else {
      throw MetricsError.lengthMismatch(
        name: "predictionsB", expected: labels.count, actual: predictionsB.count)
    }
    try checkClassIndices(labels, classCount: classCount)
    try checkClassIndices(predictionsA, classCount: classCount)
    try checkClassIndices(predictionsB, classCount: classCount)

    let trueClasses = labels.map { Int($0) }
    let classesA = predictionsA.map { Int($0) }
    let classesB = predictionsB.map { Int($0) }
    func differences(_ multiplicities: [Int]) -> (accuracy: Double, macroF1: Double) {
      let metricsA = accuracyAndMacroF1(
        labels: trueClasses, predictions: classesA, classCount: classCount,
        multiplicities: multiplicities)
      let metricsB = accuracyAndMacroF1(
        labels: trueClasses, predictions: classesB, classCount: classCount,
        multiplicities: multiplicities)
      return (metricsB.accuracy - metricsA.accuracy, metricsB.macroF1 - metricsA.macroF1)
    }
    let estimate = differences([Int](repeating: 1, count: labels.count))

    var generator = SplitMix64(seed: seed)
    var multiplicities = [Int](repeating: 0, count: labels.count)
    var accuracyDifferences: [Double] = []
    var macroF1Differences: [Double] = []
    for _ in 0..<resampleCount {
      for index in multiplicities.indices { multiplicities[index] = 0 }
      for _ in 0..<labels.count {
        multiplicities[generator.nextIndex(below: labels.count)] += 1
      }
      let resampled = differences(multiplicities)
      accuracyDifferences.append(resampled.accuracy)
      macroF1Differences.append(resampled.macroF1)
    }

    self.seed = seed
    self.resampleCount = resampleCount
    self.resampledAccuracyDifference = accuracyDifferences
    self.resampledMacroF1Difference = macroF1Differences
    self.accuracyDifference = percentileInterval(
      accuracyDifferences, estimate: estimate.accuracy, level: confidenceLevel)
    self.macroF1Difference = percentileInterval(
      macroF1Differences, estimate: estimate.macroF1, level: confidenceLevel)
  }
}
