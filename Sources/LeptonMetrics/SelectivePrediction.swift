/// Selective prediction on a `[N, C]` probability matrix: a sample is kept
/// when its top probability is >= the threshold, and the classifier abstains
/// on the rest. The samples are sorted by top probability once, so a query
/// is a binary search and never a pass over the samples.
public struct SelectivePredictor: Sendable {
  public let classCount: Int
  /// Top probabilities, descending.
  public let sortedTopProbabilities: [Double]
  /// `cumulativeCorrect[i]` is the number of correct predictions among the
  /// first `i` sorted samples, so it has `N + 1` entries.
  private let cumulativeCorrect: [Int]
  /// For each cell `actual * classCount + predicted` of the confusion
  /// matrix, the ascending sorted positions of its samples. The kept samples
  /// of a cell are those positions below the kept count.
  private let cellPositions: [[Int]]

  /// Sorts the samples by their top probability. The prediction of a row is
  /// the first column with the maximum probability, as NumPy's `argmax`.
  /// - Throws: `MetricsError` for a matrix size that does not match the
  ///   labels, labels outside `0..<classCount`, or non-finite values and
  ///   rows that are not probabilities.
  public init(labels: [Int], probabilities: [Float], classCount: Int) throws {
    try self.init(checking: labels, probabilities: probabilities, classCount: classCount)
  }

  /// Sorts the samples by their top probability, as the `[Float]` variant.
  public init(labels: [Int], probabilities: [Double], classCount: Int) throws {
    try self.init(checking: labels, probabilities: probabilities, classCount: classCount)
  }

  // The public initialisers have concrete score types, so that this generic
  // code is specialised inside the module.
  private init<Score: BinaryFloatingPoint>(
    checking labels: [Int], probabilities: [Score], classCount: Int
  ) throws {
    guard classCount >= 1 else { throw MetricsError.invalidClassCount(classCount, minimum: 1) }
    try checkMatrixSize(probabilities.count, sampleCount: labels.count, classCount: classCount)
    try checkClassIndices(labels, classCount: classCount)
    try checkFinite(probabilities, columnCount: classCount)
    try checkProbabilityRows(probabilities, classCount: classCount)

    var samples: [(top: Double, actual: Int, predicted: Int)] = []
    samples.reserveCapacity(labels.count)
    for (row, label) in labels.enumerated() {
      let start = row * classCount
      var predicted = 0
      for column in 1..<classCount
      where probabilities[start + column] > probabilities[start + predicted] {
        predicted = column
      }
      samples.append((Double(probabilities[start + predicted]), label, predicted))
    }
    samples.sort { $0.top > $1.top }

    var cumulativeCorrect = [0]
    cumulativeCorrect.reserveCapacity(samples.count + 1)
    var cellPositions = [[Int]](repeating: [], count: classCount * classCount)
    for (position, sample) in samples.enumerated() {
      let correct = sample.actual == sample.predicted ? 1 : 0
      cumulativeCorrect.append(cumulativeCorrect[position] + correct)
      cellPositions[sample.actual * classCount + sample.predicted].append(position)
    }
    self.classCount = classCount
    self.sortedTopProbabilities = samples.map(\.top)
    self.cumulativeCorrect = cumulativeCorrect
    self.cellPositions = cellPositions
  }

  public var sampleCount: Int { sortedTopProbabilities.count }

  /// Returns the number of samples whose top probability is >= `threshold`.
  public func keptCount(atThreshold threshold: Double) -> Int {
    precondition(!threshold.isNaN, "a threshold must not be NaN")
    return prefixCount(of: sortedTopProbabilities) { $0 >= threshold }
  }

  /// Returns coverage, accuracy and the confusion matrix of the kept samples
  /// at `threshold`, in O(C² log N).
  public func result(atThreshold threshold: Double) -> SelectiveResult {
    let kept = keptCount(atThreshold: threshold)
    var counts = [Int](repeating: 0, count: classCount * classCount)
    for (cell, positions) in cellPositions.enumerated() {
      counts[cell] = prefixCount(of: positions) { $0 < kept }
    }
    return SelectiveResult(
      threshold: threshold, sampleCount: sampleCount, keptCount: kept,
      correctCount: cumulativeCorrect[kept],
      confusionMatrix: ConfusionMatrix(classCount: classCount, counts: counts))
  }
}

/// Selective prediction at one threshold.
public struct SelectiveResult: Sendable, Equatable {
  public let threshold: Double
  public let sampleCount: Int
  /// Samples whose top probability is >= the threshold.
  public let keptCount: Int
  /// Kept samples whose prediction is their true class.
  public let correctCount: Int
  /// Confusion matrix of the kept samples: rows true, columns predicted.
  public let confusionMatrix: ConfusionMatrix

  /// Kept samples / all samples, NaN without samples.
  public var coverage: Double {
    ZeroDivisionPolicy.nan.divide(Double(keptCount), Double(sampleCount))
  }

  /// Accuracy of the kept samples, NaN when no sample is kept.
  public var accuracy: Double {
    ZeroDivisionPolicy.nan.divide(Double(correctCount), Double(keptCount))
  }

  /// Reason `accuracy` is NaN, or nil when it has a value.
  public var accuracyUndefinedReason: String? {
    keptCount == 0 ? "no sample is kept at this threshold" : nil
  }
}

/// Returns the length of the prefix of `values` on which `isInPrefix`
/// holds. The predicate must hold on a prefix and fail on the rest.
func prefixCount<Element>(of values: [Element], _ isInPrefix: (Element) -> Bool) -> Int {
  var low = 0
  var high = values.count
  while low < high {
    let middle = (low + high) / 2
    if isInPrefix(values[middle]) { low = middle + 1 } else { high = middle }
  }
  return low
}
