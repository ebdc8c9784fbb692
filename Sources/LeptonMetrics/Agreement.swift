/// The reason a correlation or agreement statistic has no value of its own.
public enum AgreementUndefinedReason: String, Sendable, Codable, Equatable {
  /// There are no samples at all.
  case noSamples
  /// Every sample has the same true class, so the true labels have no variance.
  case constantTrueLabels
  /// Every sample has the same predicted class, so the predictions have no variance.
  case constantPredictions
  /// Both raters put every sample in the same class, so chance agreement is 1.
  case perfectChanceAgreement

  /// Returns the text a view shows beside or in place of the number.
  public var message: String {
    switch self {
    case .noSamples: return "undefined: no samples"
    case .constantTrueLabels: return "undefined: every true label is the same class"
    case .constantPredictions: return "undefined: every prediction is the same class"
    case .perfectChanceAgreement:
      return "undefined: both label sets use one class only, so chance agreement is 1"
    }
  }
}

/// A statistic computed from a confusion matrix, with the reason it is
/// undefined when it is.
public struct AgreementScore: Sendable, Equatable {
  /// The value, or the stand-in documented by the function that made it.
  public let value: Double
  /// Nil when `value` is the statistic itself.
  public let undefinedReason: AgreementUndefinedReason?
}

// MARK: - Matthews correlation coefficient

extension ConfusionMatrix {
  /// Computes the Matthews correlation coefficient (the multiclass R_K
  /// statistic of Gorodkin, 2004), as scikit-learn's `matthews_corrcoef`:
  ///
  ///     (c·s − Σ p_k t_k) / √((s² − Σ p_k²)(s² − Σ t_k²))
  ///
  /// where c is the trace, s the sample count, t_k the row sums (true) and
  /// p_k the column sums (predicted). For two classes it equals
  /// (TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN)).
  ///
  /// When a factor under the root is zero (no samples, one true class only,
  /// or one predicted class only, such as a constant prediction) the value
  /// is 0, which is what scikit-learn returns, and `undefinedReason` stores
  /// the cause.
  /// The value lies in [−1, 1].
  public var matthewsCorrelation: AgreementScore {
    // Sums in Double, so s² cannot overflow. They stay exact while s² < 2^53.
    let sampleCount = Double(total)
    var rowDotColumn = 0.0
    var rowSquares = 0.0
    var columnSquares = 0.0
    for classIndex in 0..<classCount {
      let trueCount = Double(rowSum(classIndex))
      let predictedCount = Double(columnSum(classIndex))
      rowDotColumn += trueCount * predictedCount
      rowSquares += trueCount * trueCount
      columnSquares += predictedCount * predictedCount
    }
    let covariance = Double(correctCount) * sampleCount - rowDotColumn
    let trueVariance = sampleCount * sampleCount - rowSquares
    let predictedVariance = sampleCount * sampleCount - columnSquares
    if total == 0 { return AgreementScore(value: 0, undefinedReason: .noSamples) }
    if trueVariance == 0 { return AgreementScore(value: 0, undefinedReason: .constantTrueLabels) }
    if predictedVariance == 0 {
      return AgreementScore(value: 0, undefinedReason: .constantPredictions)
    }
    return AgreementScore(
      value: covariance / (trueVariance.squareRoot() * predictedVariance.squareRoot()),
      undefinedReason: nil)
  }
}

// MARK: - Cohen's kappa

/// Disagreement weights of Cohen's kappa, as scikit-learn's `weights`.
public enum KappaWeighting: String, Sendable, Codable, Equatable, CaseIterable {
  /// Every disagreement weighs 1 (plain kappa).
  case none
  /// |i − j|, for ordered classes.
  case linear
  /// (i − j)², for ordered classes.
  case quadratic

  func weight(_ first: Int, _ second: Int) -> Double {
    let distance = Double(abs(first - second))
    switch self {
    case .none: return first == second ? 0 : 1
    case .linear: return distance
    case .quadratic: return distance * distance
    }
  }
}

extension ConfusionMatrix {
  /// Computes Cohen's kappa between true and predicted labels, as
  /// scikit-learn's `cohen_kappa_score`: 1 − Σ w·O / Σ w·E. O is the matrix
  /// restricted to `labels`, E the outer product of its row and column sums
  /// divided by its total, and w the disagreement weight.
  ///
  /// Weights use positions in the selected label list, as scikit-learn does,
  /// so with the default `.present` selection a class that never occurs does
  /// not widen the distance between its neighbours.
  ///
  /// The value is NaN, with a reason, when Σ w·E is zero: no samples, or both
  /// label sets using the same single class. scikit-learn 1.9.1 returns NaN
  /// there too, with a warning.
  /// - Throws: `MetricsError.invalidLabelSelection` for a bad explicit selection.
  public func cohenKappa(
    weighting: KappaWeighting = .none, labels: LabelSelection = .present
  ) throws -> AgreementScore {
    let selected = try labels.classIndices(in: self)
    var rowSums = [Double](repeating: 0, count: selected.count)
    var columnSums = [Double](repeating: 0, count: selected.count)
    var observed = 0.0
    for (row, actual) in selected.enumerated() {
      for (column, predicted) in selected.enumerated() {
        let count = Double(self[actual, predicted])
        rowSums[row] += count
        columnSums[column] += count
        observed += weighting.weight(row, column) * count
      }
    }
    let sampleCount = rowSums.reduce(0, +)
    guard sampleCount > 0 else { return AgreementScore(value: .nan, undefinedReason: .noSamples) }
    var expected = 0.0
    for row in selected.indices {
      for column in selected.indices {
        expected += weighting.weight(row, column) * rowSums[row] * columnSums[column] / sampleCount
      }
    }
    guard expected > 0 else {
      return AgreementScore(value: .nan, undefinedReason: .perfectChanceAgreement)
    }
    return AgreementScore(value: 1 - observed / expected, undefinedReason: nil)
  }
}
