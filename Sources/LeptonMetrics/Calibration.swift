/// One bin of a reliability diagram: the samples whose top-class confidence
/// falls in `(lowerBound, upperBound]`. The first bin also contains 0.
public struct ReliabilityBin: Sendable, Codable, Equatable {
  public let lowerBound: Double
  public let upperBound: Double
  public let count: Int
  /// Mean top-class probability of the bin's samples, NaN for an empty bin.
  public let meanConfidence: Double
  /// Fraction of the bin's samples whose argmax is the true class, NaN for an
  /// empty bin.
  public let accuracy: Double

  /// |accuracy − mean confidence|, or NaN for an empty bin.
  public var gap: Double { abs(accuracy - meanConfidence) }
}

// MARK: - JSON with NaN as null

extension ReliabilityBin {
  private enum CodingKeys: String, CodingKey {
    case lowerBound, upperBound, count, meanConfidence, accuracy
  }

  /// Decodes `null` means and accuracies, those of empty bins, as NaN.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    lowerBound = try container.decode(Double.self, forKey: .lowerBound)
    upperBound = try container.decode(Double.self, forKey: .upperBound)
    count = try container.decode(Int.self, forKey: .count)
    meanConfidence = try container.decodeNullableDouble(forKey: .meanConfidence)
    accuracy = try container.decodeNullableDouble(forKey: .accuracy)
  }

  /// Encodes the NaN mean and accuracy of an empty bin as `null`.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(lowerBound, forKey: .lowerBound)
    try container.encode(upperBound, forKey: .upperBound)
    try container.encode(count, forKey: .count)
    try container.encodeNullable(meanConfidence, forKey: .meanConfidence)
    try container.encodeNullable(accuracy, forKey: .accuracy)
  }

  /// NaN equals NaN here, so decoded bins compare equal to the originals.
  public static func == (left: ReliabilityBin, right: ReliabilityBin) -> Bool {
    func same(_ first: Double, _ second: Double) -> Bool {
      first == second || (first.isNaN && second.isNaN)
    }
    return left.lowerBound == right.lowerBound && left.upperBound == right.upperBound
      && left.count == right.count && same(left.meanConfidence, right.meanConfidence)
      && same(left.accuracy, right.accuracy)
  }
}

/// Calibration of the top-class confidence: a reliability table over
/// equal-width bins, the expected calibration error (ECE) and the maximum
/// calibration error (MCE), as defined by Guo et al., "On Calibration of
/// Modern Neural Networks" (ICML 2017).
public struct CalibrationError: Sendable, Equatable {
  /// Every bin in ascending order, empty ones included.
  public let bins: [ReliabilityBin]
  public let sampleCount: Int
  /// Σ over bins of (count / N) · |accuracy − mean confidence|, or NaN for
  /// zero samples.
  public let expected: Double
  /// Largest |accuracy − mean confidence| over non-empty bins, or NaN for
  /// zero samples.
  public let maximum: Double

  /// Bins the top-class confidence of each row of a row-major
  /// `[labels.count, classCount]` score matrix. The prediction is the argmax
  /// (ties to the lower class index, as `Accuracy.predictions`) and the
  /// confidence is its probability.
  /// - Parameters:
  ///   - binCount: number of equal-width bins over [0, 1].
  ///   - scoreKind: `.probabilities` rows are checked, `.logits` softmaxed once.
  /// - Throws: `MetricsError` for a bin count below 1, mismatched sizes,
  ///   bad labels, non-finite scores or rows that are not probabilities.
  public init<Label: BinaryInteger, Score: BinaryFloatingPoint>(
    labels: [Label], scores: [Score], classCount: Int, binCount: Int = 15,
    scoreKind: ScoreKind = .probabilities
  ) throws {
    guard binCount >= 1 else { throw MetricsError.invalidBinCount(binCount) }
    try checkClassifierInput(labels: labels, scores: scores, classCount: classCount)
    let probabilities = try probabilityRows(scores, classCount: classCount, kind: scoreKind)
    self.init(
      labels: labels, probabilities: probabilities, classCount: classCount, binCount: binCount)
  }

  /// Bins validated probabilities.
  init<Label: BinaryInteger>(
    labels: [Label], probabilities: [Double], classCount: Int, binCount: Int
  ) {
    var counts = [Int](repeating: 0, count: binCount)
    var confidenceSums = [Double](repeating: 0, count: binCount)
    var correctCounts = [Int](repeating: 0, count: binCount)
    for (row, label) in labels.enumerated() {
      let predicted = argmax(probabilities, row: row, classCount: classCount)
      let confidence = probabilities[row * classCount + predicted]
      let bin = Self.binIndex(confidence, binCount: binCount)
      counts[bin] += 1
      confidenceSums[bin] += confidence
      if predicted == Int(label) { correctCounts[bin] += 1 }
    }
    var bins: [ReliabilityBin] = []
    var expected = 0.0
    var maximum = -Double.infinity
    for bin in 0..<binCount {
      let count = counts[bin]
      let meanConfidence = count > 0 ? confidenceSums[bin] / Double(count) : .nan
      let accuracy = count > 0 ? Double(correctCounts[bin]) / Double(count) : .nan
      let reliability = ReliabilityBin(
        lowerBound: Double(bin) / Double(binCount), upperBound: Double(bin + 1) / Double(binCount),
        count: count, meanConfidence: meanConfidence, accuracy: accuracy)
      bins.append(reliability)
      if count > 0 {
        expected += Double(count) / Double(labels.count) * reliability.gap
        maximum = max(maximum, reliability.gap)
      }
    }
    self.bins = bins
    self.sampleCount = labels.count
    self.expected = labels.isEmpty ? .nan : expected
    self.maximum = labels.isEmpty ? .nan : maximum
  }

  /// Returns the index of the bin `(i/B, (i+1)/B]` that contains `confidence`.
  /// 0 goes to the first bin, and a value that rounding pushes past 1 to the last.
  static func binIndex(_ confidence: Double, binCount: Int) -> Int {
    let index = Int((confidence * Double(binCount)).rounded(.up)) - 1
    return min(max(index, 0), binCount - 1)
  }
}
