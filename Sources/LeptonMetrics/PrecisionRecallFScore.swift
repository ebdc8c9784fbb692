/// The classes that macro, weighted and micro averages run over.
public enum LabelSelection: Sendable, Equatable {
  /// Declared classes seen in the true or the predicted labels, which is
  /// scikit-learn's default label set. A declared class that never occurs
  /// then cannot lower the macro average.
  case present
  /// Every declared class, like scikit-learn's `labels=range(classCount)`.
  /// Classes that never occur count with the zero-division value.
  case declared
  /// The listed class indices only, in the listed order.
  case explicit([Int])

  /// Class indices selected from `matrix`.
  func classIndices(in matrix: ConfusionMatrix) throws -> [Int] {
    switch self {
    case .present:
      return matrix.presentClasses
    case .declared:
      return matrix.classOrder
    case .explicit(let indices):
      guard !indices.isEmpty else {
        throw MetricsError.invalidLabelSelection(label: nil, classCount: matrix.classCount)
      }
      if let bad = indices.first(where: { $0 < 0 || $0 >= matrix.classCount }) {
        throw MetricsError.invalidLabelSelection(label: bad, classCount: matrix.classCount)
      }
      return indices
    }
  }
}

/// Counts of the classes that entered each average, so a view can show
/// "k of n classes" when undefined values were left out (zero-division policy NaN,
/// or AUC of a class without samples).
public struct IncludedClassCounts: Sendable, Codable, Equatable {
  /// Classes in the label set that was averaged over (the n of "k of n").
  public var labelCount: Int
  public var precision: Int
  public var recall: Int
  public var fScore: Int
  public var auc: Int
  public var averagePrecision: Int

  public init(
    labelCount: Int, precision: Int, recall: Int, fScore: Int, auc: Int, averagePrecision: Int
  ) {
    self.labelCount = labelCount
    self.precision = precision
    self.recall = recall
    self.fScore = fScore
    self.auc = auc
    self.averagePrecision = averagePrecision
  }

  /// Creates counts with every class of the label set, for averages that
  /// skip nothing.
  public init(all labelCount: Int) {
    self.init(
      labelCount: labelCount, precision: labelCount, recall: labelCount, fScore: labelCount,
      auc: labelCount, averagePrecision: labelCount)
  }

  /// Returns "k of n classes" for a count of included classes.
  public static func describe(_ included: Int, of labelCount: Int) -> String {
    "\(included) of \(labelCount) \(labelCount == 1 ? "class" : "classes")"
  }
}

/// Precision, recall and F-score of one class, with the undefined ones marked.
public struct ClassScores: Sendable, Equatable {
  public var counts: BinaryCounts
  public var precision: Double
  public var recall: Double
  /// F-beta with the `beta` of the enclosing result (F1 by default).
  public var fScore: Double
  /// Values that had a zero denominator and hold the zero-division value.
  public var undefined: UndefinedMetrics

  public var support: Int { counts.support }
  /// False when the class occurs in neither the true nor the predicted labels.
  public var isPresent: Bool { counts.support + counts.falsePositives > 0 }
}

/// Precision, recall and F-score averaged over a label set.
public struct AveragedScores: Sendable, Equatable {
  public var precision: Double
  public var recall: Double
  public var fScore: Double
  /// Averages that are themselves undefined: every per-class value was
  /// undefined under the NaN policy, a weighted average over zero total
  /// support, or a micro ratio with a zero denominator.
  public var undefined: UndefinedMetrics
  public var includedClasses: IncludedClassCounts
}

/// Per-class, macro, weighted and micro precision, recall and F-beta, as
/// scikit-learn's `precision_recall_fscore_support`.
public struct PrecisionRecallFScore: Sendable, Equatable {
  public let beta: Double
  public let zeroDivision: ZeroDivisionPolicy
  /// Class indices averaged over, in the order used.
  public let labels: [Int]
  /// Every declared class, in class order, whether selected or not.
  public let perClass: [ClassScores]
  /// Unweighted mean over `labels`, leaving out NaN values under the NaN policy.
  public let macro: AveragedScores
  /// Mean over `labels` weighted by support. When the total support is zero,
  /// the stored value is the unweighted mean (as scikit-learn) and
  /// `undefined` marks all three values.
  public let weighted: AveragedScores
  /// Ratios of the counts summed over `labels`. With every class selected
  /// in single-label data, micro precision, recall and F1 equal accuracy.
  public let micro: AveragedScores

  /// Computes the scores from a confusion matrix.
  /// - Parameters:
  ///   - beta: weight of recall in the F-score, where 1 gives F1. Finite and >= 0.
  ///   - zeroDivision: value stored where a denominator is zero.
  ///   - labels: classes that the averages run over.
  public init(
    confusionMatrix: ConfusionMatrix, beta: Double = 1,
    zeroDivision: ZeroDivisionPolicy = .zero, labels: LabelSelection = .present
  ) throws {
    guard beta.isFinite, beta >= 0 else { throw MetricsError.invalidBeta(beta) }
    let selected = try labels.classIndices(in: confusionMatrix)
    let perClass = (0..<confusionMatrix.classCount).map { classIndex in
      let counts = confusionMatrix.binaryCounts(forClass: classIndex)
      return ClassScores(
        counts: counts, precision: counts.precision(zeroDivision: zeroDivision),
        recall: counts.recall(zeroDivision: zeroDivision),
        fScore: counts.fScore(beta: beta, zeroDivision: zeroDivision),
        undefined: counts.undefined)
    }
    let chosen = selected.map { perClass[$0] }
    self.beta = beta
    self.zeroDivision = zeroDivision
    self.labels = selected
    self.perClass = perClass
    self.macro = Self.average(chosen, weighted: false)
    self.weighted = Self.average(chosen, weighted: true)
    self.micro = Self.microAverage(chosen, beta: beta, zeroDivision: zeroDivision)
  }

  private static func average(_ scores: [ClassScores], weighted: Bool) -> AveragedScores {
    let weights = scores.map { weighted ? Double($0.support) : 1 }
    let precision = nanAverage(scores.map(\.precision), weights: weights)
    let recall = nanAverage(scores.map(\.recall), weights: weights)
    let fScore = nanAverage(scores.map(\.fScore), weights: weights)
    var undefined: UndefinedMetrics = []
    let noSupport = weighted && scores.allSatisfy { $0.support == 0 }
    if precision.value.isNaN || noSupport { undefined.insert(.precision) }
    if recall.value.isNaN || noSupport { undefined.insert(.recall) }
    if fScore.value.isNaN || noSupport { undefined.insert(.fScore) }
    return AveragedScores(
      precision: precision.value, recall: recall.value, fScore: fScore.value,
      undefined: undefined,
      includedClasses: IncludedClassCounts(
        labelCount: scores.count, precision: precision.count, recall: recall.count,
        fScore: fScore.count, auc: 0, averagePrecision: 0))
  }

  private static func microAverage(
    _ scores: [ClassScores], beta: Double, zeroDivision: ZeroDivisionPolicy
  ) -> AveragedScores {
    // True negatives do not enter micro P, R or F, so they stay zero here.
    let summed = scores.reduce(
      BinaryCounts(truePositives: 0, falsePositives: 0, falseNegatives: 0, trueNegatives: 0)
    ) { $0 + $1.counts }
    return AveragedScores(
      precision: summed.precision(zeroDivision: zeroDivision),
      recall: summed.recall(zeroDivision: zeroDivision),
      fScore: summed.fScore(beta: beta, zeroDivision: zeroDivision),
      undefined: summed.undefined, includedClasses: IncludedClassCounts(all: scores.count))
  }
}

/// Weighted mean of the non-NaN values, as scikit-learn's `_nanaverage`:
/// NaN when no value is left, and the unweighted mean of the remaining
/// values when their weights sum to zero. `count` is the number of values used.
func nanAverage(_ values: [Double], weights: [Double]) -> (value: Double, count: Int) {
  var weightedSum = 0.0
  var weightSum = 0.0
  var plainSum = 0.0
  var count = 0
  for (value, weight) in zip(values, weights) where !value.isNaN {
    weightedSum += value * weight
    weightSum += weight
    plainSum += value
    count += 1
  }
  guard count > 0 else { return (.nan, 0) }
  guard weightSum > 0 else { return (plainSum / Double(count), count) }
  return (weightedSum / weightSum, count)
}
