/// The reduction of multiclass ROC AUC to binary problems.
public enum MulticlassStrategy: String, Sendable, Codable, Equatable {
  /// Each class against all others.
  case oneVsRest
  /// Each pair of classes on the samples of those two classes (Hand & Till).
  case oneVsOne
}

/// One-vs-one AUC of classes `first` and `second`: the mean of the AUC of
/// `first` against `second` (its column) and of `second` against `first`.
public struct ClassPairAUC: Sendable, Equatable {
  public let first: Int
  public let second: Int
  /// NaN when either class has no samples.
  public let auc: Double
  /// Fraction of all samples that belong to either class, the pair's weight.
  public let prevalence: Double
}

/// Multiclass ROC AUC, macro and weighted, as scikit-learn's
/// `roc_auc_score(multi_class=...)`. Unlike scikit-learn, which rejects a
/// declared class without samples, such a class (or pair) is undefined and
/// left out of both averages, and `undefinedCount` stores how many were.
public struct MulticlassAUC: Sendable, Equatable {
  public let strategy: MulticlassStrategy
  /// One-vs-rest AUC per class (NaN when undefined), and empty for one-vs-one.
  public let perClass: [Double]
  /// Reason for each NaN in `perClass`, nil where defined. Empty for one-vs-one.
  public let perClassUndefinedReasons: [AUCUndefinedReason?]
  /// Every pair of classes in index order, and empty for one-vs-rest.
  public let pairs: [ClassPairAUC]
  /// Unweighted mean over defined classes (or pairs), or NaN when none is defined.
  public let macro: Double
  /// Mean weighted by support (one-vs-rest) or pair prevalence (one-vs-one).
  public let weighted: Double
  /// Classes (or pairs) whose AUC entered the averages.
  public let includedCount: Int
  /// Classes (or pairs) left out because their AUC is undefined.
  public let undefinedCount: Int

  /// Computes multiclass AUC of a row-major `[labels.count, classCount]`
  /// score matrix.
  /// - Parameter scoreKind: `.probabilities` rows must lie in [0, 1] and sum
  ///   to 1 within 1e-5, and `.logits` are softmaxed once, row by row.
  ///   Softmax divides each row by its own sum, which can change the ranking
  ///   within a column, so raw logits would give other per-class AUCs.
  /// - Throws: `MetricsError` for fewer than 2 classes, mismatched sizes,
  ///   non-finite scores, bad labels or a row that is not a probability
  ///   distribution (the error names the row).
  public init<Label: BinaryInteger, Score: BinaryFloatingPoint>(
    labels: [Label], scores: [Score], classCount: Int, scoreKind: ScoreKind,
    strategy: MulticlassStrategy = .oneVsRest
  ) throws {
    try checkClassifierInput(
      labels: labels, scores: scores, classCount: classCount, minimumClassCount: 2)
    let probabilities = try probabilityRows(scores, classCount: classCount, kind: scoreKind)
    self.strategy = strategy
    switch strategy {
    case .oneVsRest:
      let summaries = oneVsRestSummaries(
        labels: labels, probabilities: probabilities, classCount: classCount)
      let aucs = summaries.map(\.auc)
      let macro = nanAverage(aucs, weights: aucs.map { _ in 1 })
      perClass = aucs
      perClassUndefinedReasons = summaries.map(\.aucUndefinedReason)
      pairs = []
      self.macro = macro.value
      weighted = nanAverage(aucs, weights: summaries.map { Double($0.positiveCount) }).value
      includedCount = macro.count
      undefinedCount = classCount - macro.count
    case .oneVsOne:
      let pairs = oneVsOnePairs(
        labels: labels, probabilities: probabilities, classCount: classCount)
      let aucs = pairs.map(\.auc)
      let macro = nanAverage(aucs, weights: aucs.map { _ in 1 })
      perClass = []
      perClassUndefinedReasons = []
      self.pairs = pairs
      self.macro = macro.value
      weighted = nanAverage(aucs, weights: pairs.map(\.prevalence)).value
      includedCount = macro.count
      undefinedCount = pairs.count - macro.count
    }
  }
}

// MARK: - Shared with the report

/// Ranks each column of a row-major `[labels.count, classCount]` matrix
/// against its class, reusing one buffer so no class allocates per sample.
func oneVsRestSummaries<Label: BinaryInteger, Score: BinaryFloatingPoint>(
  labels: [Label], probabilities: [Score], classCount: Int
) -> [RankSummary] {
  rankEachClass(labels: labels, probabilities: probabilities, classCount: classCount) {
    RankSummary(sorted: $0)
  }
}

/// Sorts each class's scores, descending, with that class as the positive one,
/// and returns `summarize` of each sorted column.
func rankEachClass<Label: BinaryInteger, Score: BinaryFloatingPoint, Summary>(
  labels: [Label], probabilities: [Score], classCount: Int,
  summarize: ([ScoredSample]) -> Summary
) -> [Summary] {
  var samples = [ScoredSample](
    repeating: ScoredSample(score: 0, isPositive: false), count: labels.count)
  return (0..<classCount).map { classIndex in
    for (row, label) in labels.enumerated() {
      samples[row] = ScoredSample(
        score: Double(probabilities[row * classCount + classIndex]),
        isPositive: Int(label) == classIndex)
    }
    samples.sortByDescendingScore()
    return summarize(samples)
  }
}

/// Ranks every score of the matrix against its one-hot target, which is
/// scikit-learn's micro-averaged one-vs-rest AUC and average precision.
func microSummary<Label: BinaryInteger, Score: BinaryFloatingPoint>(
  labels: [Label], probabilities: [Score], classCount: Int
) -> RankSummary {
  var samples = [ScoredSample]()
  samples.reserveCapacity(probabilities.count)
  for (row, label) in labels.enumerated() {
    for column in 0..<classCount {
      samples.append(
        ScoredSample(
          score: Double(probabilities[row * classCount + column]),
          isPositive: Int(label) == column))
    }
  }
  samples.sortByDescendingScore()
  return RankSummary(sorted: samples)
}

/// Hand & Till pair AUCs, as scikit-learn's `_average_multiclass_ovo_score`.
private func oneVsOnePairs<Label: BinaryInteger>(
  labels: [Label], probabilities: [Double], classCount: Int
) -> [ClassPairAUC] {
  var pairs: [ClassPairAUC] = []
  for first in 0..<classCount {
    for second in (first + 1)..<classCount {
      let rows = labels.indices.filter { Int(labels[$0]) == first || Int(labels[$0]) == second }
      func pairAUC(positive: Int) -> Double {
        var samples = rows.map { row in
          ScoredSample(
            score: probabilities[row * classCount + positive],
            isPositive: Int(labels[row]) == positive)
        }
        samples.sortByDescendingScore()
        return RankSummary(sorted: samples).auc
      }
      let auc = (pairAUC(positive: first) + pairAUC(positive: second)) / 2
      let prevalence = labels.isEmpty ? 0 : Double(rows.count) / Double(labels.count)
      pairs.append(ClassPairAUC(first: first, second: second, auc: auc, prevalence: prevalence))
    }
  }
  return pairs
}
