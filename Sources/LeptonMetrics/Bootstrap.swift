/// Seeded percentile-bootstrap intervals of accuracy, macro F1 and macro
/// one-vs-rest ROC AUC. Every resample draws N sample indices with
/// replacement from one `SplitMix64` seeded with `seed`, resample after
/// resample, with `nextIndex(below: N)`.
///
/// Each resample is stored as a count per sample rather than as a list of
/// samples, and every class's scores are sorted once. A resample then costs
/// O(N · classCount), so the whole run is O(resamples · N · classCount) plus
/// one O(classCount · N log N) sort.
public struct BootstrapIntervals: Sendable, Equatable {
  public let seed: UInt64
  public let resampleCount: Int
  /// Fraction of samples whose argmax is the true class.
  public let accuracy: ConfidenceInterval
  /// Unweighted mean F1 over the classes seen in the true or predicted labels
  /// of each resample, as scikit-learn's `f1_score(average="macro")`.
  public let macroF1: ConfidenceInterval
  /// Unweighted mean one-vs-rest ROC AUC over `aucClasses`. A resample in
  /// which one of those classes has no samples is skipped and counted in
  /// `skippedCount`, so every kept value averages the same classes.
  public let macroAUC: ConfidenceInterval
  /// Classes of `macroAUC`: those with samples in the full data while other
  /// classes have samples too. Other classes have no AUC in the point
  /// estimate either.
  public let aucClasses: [Int]
  /// Value of each resample in draw order, NaN for skipped AUC resamples.
  public let resampledAccuracy: [Double]
  public let resampledMacroF1: [Double]
  public let resampledMacroAUC: [Double]

  /// Draws `resampleCount` bootstrap resamples of the samples.
  /// - Parameters:
  ///   - labels: true class of each sample, `[sampleCount]`.
  ///   - scores: row-major `[sampleCount, classCount]` scores of `scoreKind`.
  ///   - confidenceLevel: coverage of each interval, in (0, 1).
  /// - Throws: `MetricsError` for fewer than 2 classes, a resample count
  ///   below 1, a level outside (0, 1), mismatched sizes, bad labels,
  ///   non-finite scores or rows that are not probabilities.
  public init<Label: BinaryInteger, Score: BinaryFloatingPoint>(
    labels: [Label], scores: [Score], classCount: Int, scoreKind: ScoreKind = .probabilities,
    resampleCount: Int = 1000, confidenceLevel: Double = 0.95, seed: UInt64 = 0
  ) throws {
    guard resampleCount >= 1 else { throw MetricsError.invalidResampleCount(resampleCount) }
    guard confidenceLevel > 0, confidenceLevel < 1 else {
      throw MetricsError.invalidConfidenceLevel(confidenceLevel)
    }
    try checkClassifierInput(
      labels: labels, scores: scores, classCount: classCount, minimumClassCount: 2)
    let probabilities = try probabilityRows(scores, classCount: classCount, kind: scoreKind)
    let resampler = Resampler(
      labels: labels.map { Int($0) }, probabilities: probabilities, classCount: classCount)
    let allOnce = [Int](repeating: 1, count: labels.count)
    let estimate = resampler.statistics(multiplicities: allOnce)

    var generator = SplitMix64(seed: seed)
    var multiplicities = [Int](repeating: 0, count: labels.count)
    var accuracies: [Double] = []
    var macroF1s: [Double] = []
    var macroAUCs: [Double] = []
    for _ in 0..<resampleCount {
      for index in multiplicities.indices { multiplicities[index] = 0 }
      for _ in 0..<labels.count {
        multiplicities[generator.nextIndex(below: labels.count)] += 1
      }
      let statistics = resampler.statistics(multiplicities: multiplicities)
      accuracies.append(statistics.accuracy)
      macroF1s.append(statistics.macroF1)
      macroAUCs.append(statistics.macroAUC)
    }

    self.seed = seed
    self.resampleCount = resampleCount
    self.aucClasses = resampler.aucClasses
    self.resampledAccuracy = accuracies
    self.resampledMacroF1 = macroF1s
    self.resampledMacroAUC = macroAUCs
    self.accuracy = percentileInterval(
      accuracies, estimate: estimate.accuracy, level: confidenceLevel)
    self.macroF1 = percentileInterval(macroF1s, estimate: estimate.macroF1, level: confidenceLevel)
    self.macroAUC = percentileInterval(
      macroAUCs, estimate: estimate.macroAUC, level: confidenceLevel)
  }
}

// MARK: - One resample

/// The validated data, with each class's scores sorted once for all resamples.
private struct Resampler {
  let labels: [Int]
  let predictions: [Int]
  let classCount: Int
  let aucClasses: [Int]
  /// Per AUC class: sample indices by descending score.
  let orders: [[Int]]
  /// Per AUC class: whether position i of `orders` starts a new distinct score.
  let startsGroup: [[Bool]]

  init(labels: [Int], probabilities: [Double], classCount: Int) {
    self.labels = labels
    self.classCount = classCount
    predictions = labels.indices.map { argmax(probabilities, row: $0, classCount: classCount) }
    var support = [Int](repeating: 0, count: classCount)
    for label in labels { support[label] += 1 }
    // Both the class and its complement need samples, so one class alone
    // leaves no AUC class at all.
    aucClasses = (0..<classCount).filter { support[$0] > 0 && support[$0] < labels.count }
    var orders: [[Int]] = []
    var startsGroup: [[Bool]] = []
    for classIndex in aucClasses {
      let score = { (row: Int) in probabilities[row * classCount + classIndex] }
      // Scores are finite (checked), so `>` is a strict weak order here.
      let order = labels.indices.sorted { score($0) > score($1) }
      orders.append(order)
      startsGroup.append(order.indices.map { $0 == 0 || score(order[$0]) != score(order[$0 - 1]) })
    }
    self.orders = orders
    self.startsGroup = startsGroup
  }

  /// Computes the three statistics of the resample that contains sample i
  /// `multiplicities[i]` times.
  func statistics(multiplicities: [Int]) -> (accuracy: Double, macroF1: Double, macroAUC: Double) {
    let counted = accuracyAndMacroF1(
      labels: labels, predictions: predictions, classCount: classCount,
      multiplicities: multiplicities)
    guard !counted.accuracy.isNaN else { return (.nan, .nan, .nan) }
    return (counted.accuracy, counted.macroF1, macroAUC(multiplicities: multiplicities))
  }

  /// Mean AUC over `aucClasses`, or NaN when one of them lacks positive or
  /// negative samples in this resample.
  private func macroAUC(multiplicities: [Int]) -> Double {
    guard !aucClasses.isEmpty else { return .nan }
    var sum = 0.0
    for (position, classIndex) in aucClasses.enumerated() {
      let auc = weightedAUC(
        order: orders[position], startsGroup: startsGroup[position], classIndex: classIndex,
        multiplicities: multiplicities)
      guard !auc.isNaN else { return .nan }
      sum += auc
    }
    return sum / Double(aucClasses.count)
  }

  /// Mann-Whitney AUC with ties counted 1/2, where sample i counts
  /// `multiplicities[i]` times: each negative scores the positives ranked
  /// strictly above it plus half of those tied with it.
  private func weightedAUC(
    order: [Int], startsGroup: [Bool], classIndex: Int, multiplicities: [Int]
  ) -> Double {
    var positivesAbove = 0
    var groupPositives = 0
    var groupNegatives = 0
    var negativeCount = 0
    // Twice the Mann-Whitney count, an integer, divided once at the end.
    var doubledWins = 0
    for (position, row) in order.enumerated() {
      if startsGroup[position] {
        doubledWins += groupNegatives * (2 * positivesAbove + groupPositives)
        positivesAbove += groupPositives
        negativeCount += groupNegatives
        groupPositives = 0
        groupNegatives = 0
      }
      let count = multiplicities[row]
      if labels[row] == classIndex { groupPositives += count } else { groupNegatives += count }
    }
    doubledWins += groupNegatives * (2 * positivesAbove + groupPositives)
    positivesAbove += groupPositives
    negativeCount += groupNegatives
    guard positivesAbove > 0, negativeCount > 0 else { return .nan }
    return Double(doubledWins) / (2 * Double(positivesAbove) * Double(negativeCount))
  }
}

// MARK: - Accuracy and macro F1 of a resample

/// Computes accuracy and macro F1 of the resample that contains sample i
/// `multiplicities[i]` times, or NaN for both when the resample is empty.
func accuracyAndMacroF1(
  labels: [Int], predictions: [Int], classCount: Int, multiplicities: [Int]
) -> (accuracy: Double, macroF1: Double) {
  var truePositives = [Int](repeating: 0, count: classCount)
  var trueCounts = [Int](repeating: 0, count: classCount)
  var predictedCounts = [Int](repeating: 0, count: classCount)
  var sampleCount = 0
  for (index, count) in multiplicities.enumerated() where count > 0 {
    sampleCount += count
    trueCounts[labels[index]] += count
    predictedCounts[predictions[index]] += count
    if labels[index] == predictions[index] { truePositives[labels[index]] += count }
  }
  guard sampleCount > 0 else { return (.nan, .nan) }

  // F1 = 2TP / (2TP + FP + FN) = 2TP / (true count + predicted count),
  // over the classes seen in either, where that sum is positive.
  var f1Sum = 0.0
  var presentCount = 0
  for classIndex in 0..<classCount {
    let denominator = trueCounts[classIndex] + predictedCounts[classIndex]
    guard denominator > 0 else { continue }
    f1Sum += 2 * Double(truePositives[classIndex]) / Double(denominator)
    presentCount += 1
  }
  let accuracy = Double(truePositives.reduce(0, +)) / Double(sampleCount)
  return (accuracy, f1Sum / Double(presentCount))
}
