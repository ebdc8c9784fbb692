// MARK: - Accumulation

extension ConfusionMatrix {
  /// Creates a matrix from the class indices of each sample.
  /// - Throws: `MetricsError` for mismatched lengths or labels outside
  ///   `0..<classCount`.
  public init<Label: BinaryInteger>(classCount: Int, actual: [Label], predicted: [Label]) throws {
    guard classCount >= 1 else { throw MetricsError.invalidClassCount(classCount, minimum: 1) }
    self.init(classCount: classCount)
    try add(actual: actual, predicted: predicted)
  }

  /// Adds one batch of samples. The whole batch is validated before any
  /// count changes, so a rejected batch leaves the matrix as it was.
  public mutating func add<Label: BinaryInteger>(actual: [Label], predicted: [Label]) throws {
    guard predicted.count == actual.count else {
      throw MetricsError.lengthMismatch(
        name: "predicted", expected: actual.count, actual: predicted.count)
    }
    try checkClassIndices(actual, classCount: classCount)
    try checkClassIndices(predicted, classCount: classCount)
    for (trueClass, predictedClass) in zip(actual, predicted) {
      add(actual: Int(trueClass), predicted: Int(predictedClass))
    }
  }

  /// Adds every count of `other`, such as the matrix of another worker.
  /// Both matrices must count distinct samples.
  public mutating func merge(_ other: ConfusionMatrix) {
    precondition(other.classCount == classCount, "merged matrices must have one class count")
    for (index, count) in other.counts.enumerated() where count != 0 {
      add(actual: index / classCount, predicted: index % classCount, count: count)
    }
  }

  /// Sets every count to zero, as at the start of an epoch.
  public mutating func reset() {
    self = ConfusionMatrix(classCount: classCount)
  }
}

// MARK: - Sums

extension ConfusionMatrix {
  /// Class indices of the rows and columns, in declared class order.
  public var classOrder: [Int] { Array(0..<classCount) }

  /// Number of samples counted.
  public var total: Int { counts.reduce(0, +) }

  /// Number of samples whose prediction equals their true class.
  public var correctCount: Int {
    (0..<classCount).reduce(0) { $0 + self[$1, $1] }
  }

  /// Samples whose true class is `actual` (the support of the class).
  public func rowSum(_ actual: Int) -> Int {
    let start = actual * classCount
    return counts[start..<(start + classCount)].reduce(0, +)
  }

  /// Samples predicted as `predicted`.
  public func columnSum(_ predicted: Int) -> Int {
    (0..<classCount).reduce(0) { $0 + self[$1, predicted] }
  }

  /// One-vs-rest counts of class `classIndex`.
  public func binaryCounts(forClass classIndex: Int) -> BinaryCounts {
    let truePositives = self[classIndex, classIndex]
    let falsePositives = columnSum(classIndex) - truePositives
    let falseNegatives = rowSum(classIndex) - truePositives
    return BinaryCounts(
      truePositives: truePositives, falsePositives: falsePositives,
      falseNegatives: falseNegatives,
      trueNegatives: total - truePositives - falsePositives - falseNegatives)
  }

  /// Classes seen in the true or the predicted labels, in class order.
  public var presentClasses: [Int] {
    (0..<classCount).filter { rowSum($0) > 0 || columnSum($0) > 0 }
  }
}

// MARK: - Normalisation

/// The sums that a confusion matrix is divided by.
public enum ConfusionMatrixNormalization: String, Sendable, Codable, CaseIterable {
  /// Each row by its sum, so the diagonal is recall ("true" in scikit-learn).
  case trueClasses
  /// Each column by its sum, so the diagonal is precision ("pred").
  case predictedClasses
  /// Every cell by the sample count ("all").
  case all
}

/// A confusion matrix divided by row, column or total sums. A cell whose
/// divisor is zero stores 0.0, as scikit-learn does. A view shows "no
/// samples" where `hasNoSamples` is true, because 0.0 would read as 0% recall.
public struct NormalizedConfusionMatrix: Sendable, Equatable {
  public let classCount: Int
  public let normalization: ConfusionMatrixNormalization
  /// Row-major `[classCount, classCount]`, rows true and columns predicted.
  public let values: [Double]
  /// Rows (true classes), columns (predicted classes) or, for `.all`, every
  /// class whose divisor was zero, in class order.
  public let emptyClasses: [Int]

  public subscript(actual: Int, predicted: Int) -> Double {
    values[actual * classCount + predicted]
  }

  /// Returns true when the cell's divisor was zero, so its 0.0 is no measurement.
  public func hasNoSamples(actual: Int, predicted: Int) -> Bool {
    switch normalization {
    case .trueClasses: return emptyClasses.contains(actual)
    case .predictedClasses: return emptyClasses.contains(predicted)
    case .all: return !emptyClasses.isEmpty
    }
  }
}

extension ConfusionMatrix {
  /// Divides the counts by row, column or total sums. A zero sum gives 0.0.
  public func normalized(by normalization: ConfusionMatrixNormalization)
    -> NormalizedConfusionMatrix
  {
    let divisors: [Int]
    switch normalization {
    case .trueClasses: divisors = (0..<classCount).map(rowSum)
    case .predictedClasses: divisors = (0..<classCount).map(columnSum)
    case .all: divisors = Array(repeating: total, count: classCount)
    }
    var values = [Double](repeating: 0, count: counts.count)
    for actual in 0..<classCount {
      for predicted in 0..<classCount {
        let divisor = normalization == .predictedClasses ? divisors[predicted] : divisors[actual]
        guard divisor > 0 else { continue }
        values[actual * classCount + predicted] = Double(self[actual, predicted]) / Double(divisor)
      }
    }
    let emptyClasses = (0..<classCount).filter { divisors[$0] == 0 }
    return NormalizedConfusionMatrix(
      classCount: classCount, normalization: normalization, values: values,
      emptyClasses: emptyClasses)
  }
}

// MARK: - Validation

/// Throws for the first label outside `0..<classCount`.
func checkClassIndices<Label: BinaryInteger>(_ labels: [Label], classCount: Int) throws {
  for (index, label) in labels.enumerated() where label < 0 || label >= classCount {
    throw MetricsError.labelOutOfRange(
      label: Int(clamping: label), index: index, classCount: classCount)
  }
}
