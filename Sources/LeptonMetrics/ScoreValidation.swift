/// The kind of values in a score matrix. It is declared once per run, so
/// every batch gets the same transform instead of one guessed from its values.
public enum ScoreKind: String, Sendable, Codable, Equatable {
  /// Each row is a probability distribution over the classes.
  case probabilities
  /// Unnormalised log-probabilities, which are softmaxed once per row.
  case logits
}

/// Tolerance of a probability row sum, as NumPy's `allclose` used by
/// scikit-learn: |sum - 1| <= 1e-8 + 1e-5 * |sum|. Float32 softmax rows pass.
func isProbabilityRowSum(_ sum: Double) -> Bool {
  abs(sum - 1) <= 1e-8 + 1e-5 * abs(sum)
}

/// Throws for NaN or infinite scores, with their count and the first index.
/// Call it before sorting, because `<` is no strict weak order with NaN and
/// a sort would silently give an unspecified order.
func checkFinite<Score: BinaryFloatingPoint>(_ scores: [Score], columnCount: Int) throws {
  var count = 0
  var firstIndex = -1
  for (index, score) in scores.enumerated() where !score.isFinite {
    if count == 0 { firstIndex = index }
    count += 1
  }
  guard count > 0 else { return }
  throw MetricsError.nonFiniteScores(
    count: count, firstIndex: firstIndex, firstValue: Double(scores[firstIndex]),
    columnCount: columnCount)
}

/// Throws unless every row of a row-major `[rows, classCount]` matrix sums
/// to 1 and contains values in [0, 1] (within the row-sum tolerance). A bad
/// sum is reported first, since it is the usual sign of logits.
func checkProbabilityRows<Score: BinaryFloatingPoint>(_ scores: [Score], classCount: Int) throws {
  let upperBound = 1 + 1e-5
  for rowStart in stride(from: 0, to: scores.count, by: classCount) {
    let row = scores[rowStart..<(rowStart + classCount)]
    let sum = row.reduce(0.0) { $0 + Double($1) }
    guard isProbabilityRowSum(sum) else {
      throw MetricsError.rowSumNotOne(row: rowStart / classCount, sum: sum)
    }
    if let index = row.indices.first(where: { !(0...upperBound).contains(Double(row[$0])) }) {
      throw MetricsError.probabilityOutOfRange(
        index: index, value: Double(row[index]), columnCount: classCount)
    }
  }
}

/// Throws unless `scores` has `sampleCount * classCount` values.
func checkMatrixSize(_ scoreCount: Int, sampleCount: Int, classCount: Int) throws {
  guard scoreCount == sampleCount * classCount else {
    throw MetricsError.lengthMismatch(
      name: "scores", expected: sampleCount * classCount, actual: scoreCount)
  }
}

/// Returns the scores as probabilities in `Double`: checked rows of probabilities as they
/// are, or logits softmaxed row by row. The scores must already be finite.
func probabilityRows<Score: BinaryFloatingPoint>(
  _ scores: [Score], classCount: Int, kind: ScoreKind
) throws -> [Double] {
  switch kind {
  case .probabilities:
    try checkProbabilityRows(scores, classCount: classCount)
    return scores.map { Double($0) }
  case .logits:
    return Softmax.unchecked(scores, classCount: classCount)
  }
}
