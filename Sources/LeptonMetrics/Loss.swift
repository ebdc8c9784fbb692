import Foundation

/// Softmax and log-sum-exp over the rows of a score matrix.
public enum Softmax {
  /// Returns log(Σ exp(x)) computed as m + log(Σ exp(x - m)) with m = max(x),
  /// so large logits do not overflow and small ones do not all underflow.
  /// Returns -infinity for an empty collection.
  public static func logSumExp<Values: Collection>(_ values: Values) -> Double
  where Values.Element: BinaryFloatingPoint {
    guard let maximum = values.max().map({ Double($0) }) else { return -.infinity }
    var sum = 0.0
    for value in values {
      sum += exp(Double(value) - maximum)
    }
    return maximum + log(sum)
  }

  /// Returns the softmax of each row of a row-major `[rows, classCount]`
  /// logit matrix.
  /// - Throws: `MetricsError` for a size that is not a multiple of
  ///   `classCount` or for non-finite logits.
  public static func probabilities<Score: BinaryFloatingPoint>(
    logits: [Score], classCount: Int
  ) throws -> [Double] {
    try checkRowMajor(logits.count, classCount: classCount)
    try checkFinite(logits, columnCount: classCount)
    return unchecked(logits, classCount: classCount)
  }

  /// `probabilities(logits:classCount:)` for input that is already validated.
  static func unchecked<Score: BinaryFloatingPoint>(_ logits: [Score], classCount: Int) -> [Double]
  {
    var result = [Double](repeating: 0, count: logits.count)
    for rowStart in stride(from: 0, to: logits.count, by: classCount) {
      let row = logits[rowStart..<(rowStart + classCount)]
      let normalizer = logSumExp(row)
      for column in 0..<classCount {
        result[rowStart + column] = exp(Double(row[rowStart + column]) - normalizer)
      }
    }
    return result
  }
}

/// Mean softmax cross-entropy (log loss) over samples.
public enum CrossEntropy {
  /// Returns the mean of -log p[label] over samples, with each probability
  /// clamped to [ε, 1 - ε] for ε the machine epsilon of `Score`, as
  /// scikit-learn's `log_loss` does, so that p = 0 gives a finite loss.
  /// NaN for zero samples.
  /// - Throws: `MetricsError` for mismatched sizes, bad labels, non-finite
  ///   values or rows that are not probabilities.
  public static func mean<Label: BinaryInteger, Score: BinaryFloatingPoint>(
    labels: [Label], probabilities: [Score], classCount: Int
  ) throws -> Double {
    try checkClassifierInput(labels: labels, scores: probabilities, classCount: classCount)
    try checkProbabilityRows(probabilities, classCount: classCount)
    var sum = 0.0
    for (row, label) in labels.enumerated() {
      sum += sampleLoss(probability: probabilities[row * classCount + Int(label)])
    }
    return labels.isEmpty ? .nan : sum / Double(labels.count)
  }

  /// Returns the mean of logSumExp(row) - row[label] over samples, which is
  /// the cross-entropy of the softmax without forming probabilities.
  /// NaN for zero samples.
  public static func mean<Label: BinaryInteger, Score: BinaryFloatingPoint>(
    labels: [Label], logits: [Score], classCount: Int
  ) throws -> Double {
    try checkClassifierInput(labels: labels, scores: logits, classCount: classCount)
    var sum = 0.0
    for (row, label) in labels.enumerated() {
      sum += sampleLoss(logits: logits, row: row, label: Int(label), classCount: classCount)
    }
    return labels.isEmpty ? .nan : sum / Double(labels.count)
  }

  /// -log p with p clamped to [ε, 1 - ε].
  @inline(__always)
  static func sampleLoss<Score: BinaryFloatingPoint>(probability: Score) -> Double {
    let epsilon = Double(Score.ulpOfOne)
    return -log(min(max(Double(probability), epsilon), 1 - epsilon))
  }

  @inline(__always)
  static func sampleLoss<Score: BinaryFloatingPoint>(
    logits: [Score], row: Int, label: Int, classCount: Int
  ) -> Double {
    let rowStart = row * classCount
    let normalizer = Softmax.logSumExp(logits[rowStart..<(rowStart + classCount)])
    return normalizer - Double(logits[rowStart + label])
  }
}

/// Mean absolute error of class probabilities against one-hot targets.
public enum MeanAbsoluteError {
  /// Returns the mean over samples and classes of |one-hot target - p|, which
  /// is scikit-learn's `mean_absolute_error(one_hot, probabilities)`. NaN for
  /// zero samples.
  /// - Throws: `MetricsError` for mismatched sizes, bad labels or non-finite values.
  public static func mean<Label: BinaryInteger, Score: BinaryFloatingPoint>(
    labels: [Label], probabilities: [Score], classCount: Int
  ) throws -> Double {
    try checkClassifierInput(labels: labels, scores: probabilities, classCount: classCount)
    var sum = 0.0
    for (row, label) in labels.enumerated() {
      for column in 0..<classCount {
        let target: Double = column == Int(label) ? 1 : 0
        sum += abs(target - Double(probabilities[row * classCount + column]))
      }
    }
    return labels.isEmpty ? .nan : sum / Double(labels.count * classCount)
  }

  /// Returns the mean of |indicator - p[classIndex]| over samples, for one
  /// class against the rest. NaN for zero samples.
  public static func oneVsRest<Label: BinaryInteger, Score: BinaryFloatingPoint>(
    labels: [Label], probabilities: [Score], classCount: Int, classIndex: Int
  ) throws -> Double {
    try checkClassifierInput(labels: labels, scores: probabilities, classCount: classCount)
    guard (0..<classCount).contains(classIndex) else {
      throw MetricsError.invalidLabelSelection(label: classIndex, classCount: classCount)
    }
    var sum = 0.0
    for (row, label) in labels.enumerated() {
      let target: Double = Int(label) == classIndex ? 1 : 0
      sum += abs(target - Double(probabilities[row * classCount + classIndex]))
    }
    return labels.isEmpty ? .nan : sum / Double(labels.count)
  }
}

/// A mean kept as a sum and a count, so that batches of unequal size are
/// weighted by their sample counts (never a mean of batch means).
public struct RunningMean: Sendable, Codable, Equatable {
  public private(set) var sum: Double = 0
  public private(set) var count: Int = 0

  public init() {}

  /// Adds one value.
  public mutating func add(_ value: Double) {
    sum += value
    count += 1
  }

  /// Adds a batch given as the sum of its values and their count. For a
  /// batch mean, pass `sum: mean * Double(count)`.
  public mutating func add(sum batchSum: Double, count batchCount: Int) {
    sum += batchSum
    count += batchCount
  }

  /// Sum / count, or NaN before any value is added.
  public var mean: Double { count > 0 ? sum / Double(count) : .nan }

  /// Forgets every value, as at the start of an epoch.
  public mutating func reset() {
    self = RunningMean()
  }
}

// MARK: - Validation

/// Throws unless `count` fills whole rows of `classCount` columns.
func checkRowMajor(_ count: Int, classCount: Int) throws {
  guard classCount >= 1 else { throw MetricsError.invalidClassCount(classCount, minimum: 1) }
  guard count % classCount == 0 else {
    throw MetricsError.lengthMismatch(
      name: "scores", expected: (count / classCount + 1) * classCount, actual: count)
  }
}

/// Validates labels and a row-major `[labels.count, classCount]` score
/// matrix: sizes, finiteness (before any sorting) and label range.
func checkClassifierInput<Label: BinaryInteger, Score: BinaryFloatingPoint>(
  labels: [Label], scores: [Score], classCount: Int, minimumClassCount: Int = 1
) throws {
  guard classCount >= minimumClassCount else {
    throw MetricsError.invalidClassCount(classCount, minimum: minimumClassCount)
  }
  try checkMatrixSize(scores.count, sampleCount: labels.count, classCount: classCount)
  try checkFinite(scores, columnCount: classCount)
  try checkClassIndices(labels, classCount: classCount)
}
