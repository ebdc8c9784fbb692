/// Every epoch-level metric of one split, computed from accumulated labels and
/// scores. Undefined precision, recall and F1 hold the value of
/// `zeroDivision` and are marked in their `undefined` sets. Other undefined
/// values are NaN. See the per-field notes.
public struct ClassificationReport: Sendable, Codable, Equatable {
  public var sampleCount: Int
  public var classCount: Int
  /// Mean softmax cross-entropy over samples.
  public var loss: Double
  public var accuracy: Double
  /// Per class, in declared class order.
  public var perClass: [ClassMetrics]
  public var macro: AveragedMetrics
  public var weighted: AveragedMetrics
  public var micro: AveragedMetrics
  /// Mean over samples and classes of |one-hot target - probability|.
  public var meanAbsoluteError: Double
  public var confusionMatrix: ConfusionMatrix
  /// Mean recall over classes that have samples, or NaN when none has.
  public var balancedAccuracy: Double
  /// Value stored for undefined precision, recall and F1.
  public var zeroDivision: ZeroDivisionPolicy

  public init(
    sampleCount: Int, classCount: Int, loss: Double, accuracy: Double, perClass: [ClassMetrics],
    macro: AveragedMetrics, weighted: AveragedMetrics, micro: AveragedMetrics,
    meanAbsoluteError: Double, confusionMatrix: ConfusionMatrix, balancedAccuracy: Double = .nan,
    zeroDivision: ZeroDivisionPolicy = .zero
  ) {
    self.sampleCount = sampleCount
    self.classCount = classCount
    self.loss = loss
    self.accuracy = accuracy
    self.perClass = perClass
    self.macro = macro
    self.weighted = weighted
    self.micro = micro
    self.meanAbsoluteError = meanAbsoluteError
    self.confusionMatrix = confusionMatrix
    self.balancedAccuracy = balancedAccuracy
    self.zeroDivision = zeroDivision
  }

  /// Decodes every field, defaulting the fields added after the first
  /// version so that older event logs still load.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      sampleCount: try container.decode(Int.self, forKey: .sampleCount),
      classCount: try container.decode(Int.self, forKey: .classCount),
      loss: try container.decode(Double.self, forKey: .loss),
      accuracy: try container.decode(Double.self, forKey: .accuracy),
      perClass: try container.decode([ClassMetrics].self, forKey: .perClass),
      macro: try container.decode(AveragedMetrics.self, forKey: .macro),
      weighted: try container.decode(AveragedMetrics.self, forKey: .weighted),
      micro: try container.decode(AveragedMetrics.self, forKey: .micro),
      meanAbsoluteError: try container.decode(Double.self, forKey: .meanAbsoluteError),
      confusionMatrix: try container.decode(ConfusionMatrix.self, forKey: .confusionMatrix),
      balancedAccuracy: try container.decodeIfPresent(Double.self, forKey: .balancedAccuracy)
        ?? .nan,
      zeroDivision: try container.decodeIfPresent(ZeroDivisionPolicy.self, forKey: .zeroDivision)
        ?? .zero)
  }
}

/// Counts of (true class, predicted class) pairs. Rows are true classes and
/// columns predicted classes, both in declared class order.
public struct ConfusionMatrix: Sendable, Codable, Equatable {
  public let classCount: Int
  /// Row-major `[classCount, classCount]`.
  public private(set) var counts: [Int]

  public init(classCount: Int) {
    self.classCount = classCount
    self.counts = Array(repeating: 0, count: classCount * classCount)
  }

  public init(classCount: Int, counts: [Int]) {
    precondition(counts.count == classCount * classCount, "counts must be classCount squared")
    self.classCount = classCount
    self.counts = counts
  }

  public subscript(actual: Int, predicted: Int) -> Int {
    counts[actual * classCount + predicted]
  }

  public mutating func add(actual: Int, predicted: Int, count: Int = 1) {
    counts[actual * classCount + predicted] += count
  }
}
