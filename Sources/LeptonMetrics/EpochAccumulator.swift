/// Labels, probabilities and loss of one split, accumulated batch by batch
/// over an epoch. Every metric comes from the accumulated samples and sums
/// at the end, never from a mean of batch ratios, so batch sizes and order
/// do not change the result. Keep one accumulator per split and call
/// `reset()` at the start of every epoch or pass.
public struct EpochAccumulator: Sendable {
  public let classCount: Int
  /// Fixed for the whole run, so every batch gets the same transform.
  public let scoreKind: ScoreKind
  public var zeroDivision: ZeroDivisionPolicy

  /// True class of each kept sample, `[sampleCount]`.
  public private(set) var labels: [Int32] = []
  /// Row-major `[sampleCount, classCount]`. Logits are stored softmaxed.
  public private(set) var probabilities: [Float] = []
  /// Counts of the argmax predictions so far.
  public private(set) var confusionMatrix: ConfusionMatrix
  /// Batches added since the last reset.
  public private(set) var batchCount = 0
  /// Samples dropped because their sample id was already seen, such as the
  /// padding that a distributed sampler repeats.
  public private(set) var duplicateCount = 0
  private var loss = RunningMean()
  /// Ids seen this epoch, or nil while batches come without ids.
  private var seenSampleIDs: Set<Int>?

  /// Creates an empty accumulator.
  /// - Throws: `MetricsError.invalidClassCount` for fewer than 2 classes.
  public init(
    classCount: Int, scoreKind: ScoreKind = .probabilities,
    zeroDivision: ZeroDivisionPolicy = .zero
  ) throws {
    guard classCount >= 2 else { throw MetricsError.invalidClassCount(classCount, minimum: 2) }
    self.classCount = classCount
    self.scoreKind = scoreKind
    self.zeroDivision = zeroDivision
    self.confusionMatrix = ConfusionMatrix(classCount: classCount)
  }

  /// Samples kept since the last reset.
  public var sampleCount: Int { labels.count }

  /// Accuracy of the samples so far, from accumulated counts, or NaN before
  /// the first sample.
  public var runningAccuracy: Double {
    sampleCount > 0 ? Double(confusionMatrix.correctCount) / Double(sampleCount) : .nan
  }

  /// Mean loss of the samples so far, or NaN before the first sample.
  public var runningLoss: Double { loss.mean }

  /// Adds one batch after validating all of it, so a rejected batch
  /// changes nothing.
  /// - Parameters:
  ///   - labels: true class of each sample, `[batchSize]`.
  ///   - scores: row-major `[batchSize, classCount]` of `scoreKind`.
  ///   - meanLoss: the batch's mean loss when the caller has it, such as
  ///     the training loss. It is weighted by the samples kept. When nil,
  ///     the cross-entropy is computed from `scores`.
  ///   - sampleIDs: dataset index of each sample. With ids, a sample seen
  ///     earlier in the epoch is dropped and counted in `duplicateCount`.
  ///     Pass ids with every batch of an epoch or with none.
  /// - Throws: `MetricsError.inBatch` wrapping the problem, such as a
  ///   probability outside [0, 1] when the scores are declared as probabilities.
  public mutating func add(
    labels batchLabels: [Int32], scores: [Float], meanLoss: Double? = nil,
    sampleIDs: [Int]? = nil
  ) throws {
    let batch = batchCount + 1
    do {
      try validate(labels: batchLabels, scores: scores, sampleIDs: sampleIDs)
    } catch let error as MetricsError {
      throw MetricsError.inBatch(batch, error)
    }
    let uniqueRows = keepNewSamples(sampleIDs, rowCount: batchLabels.count)
    duplicateCount += batchLabels.count - uniqueRows.count
    batchCount = batch

    let batchProbabilities: [Float]
    switch scoreKind {
    case .probabilities:
      batchProbabilities = scores
    case .logits:
      batchProbabilities = Softmax.unchecked(scores, classCount: classCount).map { Float($0) }
    }
    var lossSum = 0.0
    for row in uniqueRows {
      let label = Int(batchLabels[row])
      let rowStart = row * classCount
      labels.append(batchLabels[row])
      probabilities.append(contentsOf: batchProbabilities[rowStart..<(rowStart + classCount)])
      confusionMatrix.add(
        actual: label,
        predicted: argmax(batchProbabilities, row: row, classCount: classCount))
      if meanLoss == nil {
        lossSum += sampleLoss(scores: scores, row: row, label: label)
      }
    }
    if let meanLoss { lossSum = meanLoss * Double(uniqueRows.count) }
    loss.add(sum: lossSum, count: uniqueRows.count)
  }

  /// Forgets every sample, count and id, as at the start of an epoch.
  public mutating func reset() {
    labels = []
    probabilities = []
    confusionMatrix.reset()
    batchCount = 0
    duplicateCount = 0
    loss.reset()
    seenSampleIDs = nil
  }

  /// Computes the report of the samples accumulated so far. The loss is the
  /// accumulated loss, and everything else is computed from the stored samples.
  public func report() throws -> ClassificationReport {
    try ClassificationReport.build(
      labels: labels, probabilities: probabilities, classCount: classCount,
      zeroDivision: zeroDivision, lossSum: loss.sum)
  }

  /// Computes `report()` plus the metrics of `ExtendedReport` from the
  /// samples accumulated so far. `options.base` is ignored, because the
  /// accumulator fixed the score kind and zero-division policy already.
  public func extendedReport(options: ExtendedReportOptions = ExtendedReportOptions()) throws
    -> ExtendedReport
  {
    try ExtendedReport.build(
      report: report(), labels: labels, probabilities: probabilities, classCount: classCount,
      options: options)
  }

  // MARK: - Batch steps

  private func validate(labels: [Int32], scores: [Float], sampleIDs: [Int]?) throws {
    try checkClassifierInput(labels: labels, scores: scores, classCount: classCount)
    if scoreKind == .probabilities {
      try checkProbabilityRows(scores, classCount: classCount)
    }
    if let sampleIDs, sampleIDs.count != labels.count {
      throw MetricsError.lengthMismatch(
        name: "sampleIDs", expected: labels.count, actual: sampleIDs.count)
    }
    let hadIDs = seenSampleIDs != nil
    if batchCount > 0, hadIDs != (sampleIDs != nil) {
      throw MetricsError.inconsistentSampleIDs(batchHasIDs: sampleIDs != nil)
    }
  }

  /// Returns the rows to keep, recording their ids as seen.
  private mutating func keepNewSamples(_ sampleIDs: [Int]?, rowCount: Int) -> [Int] {
    guard let sampleIDs else { return Array(0..<rowCount) }
    // Moving the set out first keeps it uniquely referenced, so inserting
    // does not copy every id seen so far.
    var seen = seenSampleIDs ?? []
    seenSampleIDs = nil
    let newRows = (0..<rowCount).filter { seen.insert(sampleIDs[$0]).inserted }
    seenSampleIDs = seen
    return newRows
  }

  private func sampleLoss(scores: [Float], row: Int, label: Int) -> Double {
    switch scoreKind {
    case .probabilities:
      return CrossEntropy.sampleLoss(probability: scores[row * classCount + label])
    case .logits:
      return CrossEntropy.sampleLoss(
        logits: scores, row: row, label: label, classCount: classCount)
    }
  }
}
