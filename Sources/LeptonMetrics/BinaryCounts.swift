/// Counts of one class against the rest: the cells of a 2x2 confusion
/// matrix. Every ratio is computed from these counts, never from rounded
/// ratios, so an epoch's value does not depend on how it was batched.
public struct BinaryCounts: Sendable, Codable, Equatable {
  public var truePositives: Int
  public var falsePositives: Int
  public var falseNegatives: Int
  public var trueNegatives: Int

  public init(truePositives: Int, falsePositives: Int, falseNegatives: Int, trueNegatives: Int) {
    self.truePositives = truePositives
    self.falsePositives = falsePositives
    self.falseNegatives = falseNegatives
    self.trueNegatives = trueNegatives
  }

  /// Counts predictions of `positiveLabel` against the true labels.
  /// - Throws: `MetricsError.positiveLabelNotFound` when the data contains
  ///   two or more labels and `positiveLabel` is not one of them, because the
  ///   positive class was then most likely misnamed (scikit-learn raises too).
  public init<Label: Hashable>(actual: [Label], predicted: [Label], positiveLabel: Label) throws {
    guard predicted.count == actual.count else {
      throw MetricsError.lengthMismatch(
        name: "predicted", expected: actual.count, actual: predicted.count)
    }
    try checkPositiveLabel(positiveLabel, among: actual + predicted)
    self.init(truePositives: 0, falsePositives: 0, falseNegatives: 0, trueNegatives: 0)
    for (trueLabel, predictedLabel) in zip(actual, predicted) {
      add(
        isPositive: trueLabel == positiveLabel, isPredictedPositive: predictedLabel == positiveLabel
      )
    }
  }

  /// Counts one sample.
  public mutating func add(isPositive: Bool, isPredictedPositive: Bool) {
    switch (isPositive, isPredictedPositive) {
    case (true, true): truePositives += 1
    case (false, true): falsePositives += 1
    case (true, false): falseNegatives += 1
    case (false, false): trueNegatives += 1
    }
  }

  /// Samples of the class: TP + FN.
  public var support: Int { truePositives + falseNegatives }
  /// Samples predicted as the class: TP + FP.
  public var predictedPositives: Int { truePositives + falsePositives }
  /// Samples not of the class: FP + TN.
  public var negatives: Int { falsePositives + trueNegatives }
  public var total: Int { truePositives + falsePositives + falseNegatives + trueNegatives }

  /// Metrics among precision, recall and F-score whose denominator is zero.
  public var undefined: UndefinedMetrics {
    var undefined: UndefinedMetrics = []
    if predictedPositives == 0 { undefined.insert(.precision) }
    if support == 0 { undefined.insert(.recall) }
    if truePositives + falsePositives + falseNegatives == 0 { undefined.insert(.fScore) }
    return undefined
  }

  /// TP / (TP + FP).
  public func precision(zeroDivision: ZeroDivisionPolicy = .zero) -> Double {
    zeroDivision.divide(Double(truePositives), Double(predictedPositives))
  }

  /// TP / (TP + FN), the true positive rate.
  public func recall(zeroDivision: ZeroDivisionPolicy = .zero) -> Double {
    zeroDivision.divide(Double(truePositives), Double(support))
  }

  /// F-beta from counts: (1 + b²)TP / ((1 + b²)TP + b²FN + FP), so F1 is
  /// 2TP / (2TP + FP + FN). The value is undefined only when TP = FP = FN = 0
  /// (for `beta` = 0 it is precision, undefined when TP + FP = 0), so it can
  /// differ from the harmonic mean of the stored P and R when one of them
  /// was undefined. `beta` must be finite and >= 0.
  public func fScore(beta: Double = 1, zeroDivision: ZeroDivisionPolicy = .zero) -> Double {
    let betaSquared = beta * beta
    let numerator = (1 + betaSquared) * Double(truePositives)
    let denominator = numerator + betaSquared * Double(falseNegatives) + Double(falsePositives)
    return zeroDivision.divide(numerator, denominator)
  }

  /// FP / (FP + TN).
  public func falsePositiveRate(zeroDivision: ZeroDivisionPolicy = .zero) -> Double {
    zeroDivision.divide(Double(falsePositives), Double(negatives))
  }

  /// (TP + TN) / total.
  public func accuracy(zeroDivision: ZeroDivisionPolicy = .zero) -> Double {
    zeroDivision.divide(Double(truePositives + trueNegatives), Double(total))
  }

  /// Adds the counts of another batch or worker.
  public static func + (left: BinaryCounts, right: BinaryCounts) -> BinaryCounts {
    BinaryCounts(
      truePositives: left.truePositives + right.truePositives,
      falsePositives: left.falsePositives + right.falsePositives,
      falseNegatives: left.falseNegatives + right.falseNegatives,
      trueNegatives: left.trueNegatives + right.trueNegatives)
  }
}

/// Throws when `labels` contain two or more distinct values and
/// `positiveLabel` is not one of them.
func checkPositiveLabel<Label: Hashable>(_ positiveLabel: Label, among labels: [Label]) throws {
  let distinct = Set(labels)
  guard distinct.count >= 2, !distinct.contains(positiveLabel) else { return }
  throw MetricsError.positiveLabelNotFound(
    label: String(describing: positiveLabel),
    available: distinct.map { String(describing: $0) }.sorted())
}
