/// Accuracy, balanced accuracy and argmax predictions.
public enum Accuracy {
  /// Returns the fraction of samples whose prediction equals the true
  /// label, or NaN for zero samples.
  public static func score<Label: Equatable>(actual: [Label], predicted: [Label]) throws -> Double {
    guard predicted.count == actual.count else {
      throw MetricsError.lengthMismatch(
        name: "predicted", expected: actual.count, actual: predicted.count)
    }
    let correct = zip(actual, predicted).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
    return actual.isEmpty ? .nan : Double(correct) / Double(actual.count)
  }

  /// Returns the mean recall over classes that have samples, as
  /// scikit-learn's `balanced_accuracy_score`: classes without samples are
  /// left out, and the result is NaN when no class has samples.
  public static func balanced(_ matrix: ConfusionMatrix) -> Double {
    let recalls = (0..<matrix.classCount).compactMap { classIndex -> Double? in
      let support = matrix.rowSum(classIndex)
      return support > 0 ? Double(matrix[classIndex, classIndex]) / Double(support) : nil
    }
    return recalls.isEmpty ? .nan : recalls.reduce(0, +) / Double(recalls.count)
  }

  /// Returns the class of the highest score in each row of a row-major
  /// `[rows, classCount]` matrix. Ties go to the lowest class index, as
  /// NumPy's `argmax`.
  public static func predictions<Score: BinaryFloatingPoint>(
    scores: [Score], classCount: Int
  ) throws -> [Int] {
    try checkRowMajor(scores.count, classCount: classCount)
    try checkFinite(scores, columnCount: classCount)
    return (0..<(scores.count / classCount)).map {
      argmax(scores, row: $0, classCount: classCount)
    }
  }
}

/// Returns the first index of the highest score in one row.
@inline(__always)
func argmax<Score: BinaryFloatingPoint>(_ scores: [Score], row: Int, classCount: Int) -> Int {
  let rowStart = row * classCount
  var best = 0
  for column in 1..<classCount where scores[rowStart + column] > scores[rowStart + best] {
    best = column
  }
  return best
}

/// The fraction of samples whose true class is among the `k` highest scores.
public struct TopKAccuracy: Sendable, Equatable {
  public let k: Int
  /// NaN for zero samples.
  public let accuracy: Double
  public let hitCount: Int
  public let sampleCount: Int
  /// Samples whose true class ties with other classes across the k-th
  /// place, so that the tie rule decided whether they count as hits.
  public let tiedAtBoundaryCount: Int

  /// Computes top-k accuracy of a row-major `[labels.count, classCount]`
  /// score matrix with scikit-learn's rule for ties. With 3 or more classes
  /// (its multiclass path, a stable ascending sort read backwards) the
  /// higher class index ranks first among equal scores. With 2 classes
  /// scikit-learn takes the class-1 column and predicts class 1 only when
  /// it is above 0.5, so for probability rows the lower index wins a tie.
  /// - Throws: `MetricsError` for `k` outside `1...classCount`, mismatched
  ///   sizes, bad labels or non-finite scores.
  public init<Label: BinaryInteger, Score: BinaryFloatingPoint>(
    labels: [Label], scores: [Score], classCount: Int, k: Int
  ) throws {
    try checkClassifierInput(labels: labels, scores: scores, classCount: classCount)
    guard (1...classCount).contains(k) else {
      throw MetricsError.invalidTopK(k: k, classCount: classCount)
    }
    var hitCount = 0
    var tiedCount = 0
    let higherIndexWinsTies = classCount > 2
    for (row, label) in labels.enumerated() {
      let rowStart = row * classCount
      let trueClass = Int(label)
      let trueScore = scores[rowStart + trueClass]
      var higher = 0
      var tiedAbove = 0
      var tied = 0
      for column in 0..<classCount where column != trueClass {
        let score = scores[rowStart + column]
        if score > trueScore {
          higher += 1
        } else if score == trueScore {
          tied += 1
          if (column > trueClass) == higherIndexWinsTies { tiedAbove += 1 }
        }
      }
      if higher + tiedAbove < k { hitCount += 1 }
      // The true class's tie group spans ranks higher+1 ... higher+tied+1.
      if tied > 0, higher < k, higher + tied + 1 > k { tiedCount += 1 }
    }
    self.k = k
    self.hitCount = hitCount
    self.sampleCount = labels.count
    self.tiedAtBoundaryCount = tiedCount
    self.accuracy = labels.isEmpty ? .nan : Double(hitCount) / Double(labels.count)
  }
}
