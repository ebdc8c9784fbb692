/// Choices behind a `ClassificationReport`.
public struct ReportOptions: Sendable, Equatable {
  /// Kind of scores in the matrix. Logits are softmaxed once per row.
  public var scoreKind: ScoreKind
  /// Value stored for undefined precision, recall and F1.
  public var zeroDivision: ZeroDivisionPolicy

  public init(scoreKind: ScoreKind = .probabilities, zeroDivision: ZeroDivisionPolicy = .zero) {
    self.scoreKind = scoreKind
    self.zeroDivision = zeroDivision
  }
}

extension ClassificationReport {
  /// Computes every metric of one split from its labels and softmax output.
  /// Predictions are the argmax of each row (ties to the lower class index).
  /// - Parameters:
  ///   - labels: true class of each sample, `[sampleCount]`, in `0..<classCount`.
  ///   - probabilities: row-major `[sampleCount, classCount]`, each row in
  ///     [0, 1] summing to 1 within 1e-5.
  ///   - classCount: number of declared classes, at least 2.
  /// - Throws: `MetricsError` for mismatched sizes, labels out of range,
  ///   non-finite scores (before any sorting) or rows that are not
  ///   probabilities (the error names the row).
  public static func compute(labels: [Int32], probabilities: [Float], classCount: Int) throws
    -> ClassificationReport
  {
    try compute(
      labels: labels, scores: probabilities, classCount: classCount, options: ReportOptions())
  }

  /// Computes every metric of one split from labels and scores of the
  /// declared kind, with the chosen zero-division policy.
  public static func compute(
    labels: [Int32], scores: [Float], classCount: Int, options: ReportOptions
  ) throws -> ClassificationReport {
    try checkClassifierInput(
      labels: labels, scores: scores, classCount: classCount, minimumClassCount: 2)
    switch options.scoreKind {
    case .probabilities:
      try checkProbabilityRows(scores, classCount: classCount)
      return try build(
        labels: labels, probabilities: scores, classCount: classCount,
        zeroDivision: options.zeroDivision, lossSum: nil)
    case .logits:
      // The loss comes from the logits through log-sum-exp, which is exact
      // where a probability would underflow to 0 and need clamping.
      var lossSum = 0.0
      for (row, label) in labels.enumerated() {
        lossSum += CrossEntropy.sampleLoss(
          logits: scores, row: row, label: Int(label), classCount: classCount)
      }
      // Probabilities are rounded to Float as when declared directly, so the
      // report equals that of an `EpochAccumulator` fed the same logits and
      // that of the float32 scores a run stores.
      let probabilities = Softmax.unchecked(scores, classCount: classCount).map { Float($0) }
      return try build(
        labels: labels, probabilities: probabilities, classCount: classCount,
        zeroDivision: options.zeroDivision, lossSum: lossSum)
    }
  }

  /// Builds the report from validated probabilities.
  /// - Parameter lossSum: summed loss of all samples, or nil to compute the
  ///   clamped cross-entropy from `probabilities`.
  static func build<Score: BinaryFloatingPoint>(
    labels: [Int32], probabilities: [Score], classCount: Int,
    zeroDivision: ZeroDivisionPolicy, lossSum: Double?
  ) throws -> ClassificationReport {
    let sampleCount = labels.count
    var matrix = ConfusionMatrix(classCount: classCount)
    var crossEntropySum = 0.0
    var absoluteErrorSum = 0.0
    for (row, label) in labels.enumerated() {
      let trueClass = Int(label)
      let rowStart = row * classCount
      matrix.add(
        actual: trueClass, predicted: argmax(probabilities, row: row, classCount: classCount))
      crossEntropySum += CrossEntropy.sampleLoss(probability: probabilities[rowStart + trueClass])
      for column in 0..<classCount {
        let target: Double = column == trueClass ? 1 : 0
        absoluteErrorSum += abs(target - Double(probabilities[rowStart + column]))
      }
    }
    let scores = try PrecisionRecallFScore(confusionMatrix: matrix, zeroDivision: zeroDivision)
    let rankings = oneVsRestSummaries(
      labels: labels, probabilities: probabilities, classCount: classCount)
    let microRanking = microSummary(
      labels: labels, probabilities: probabilities, classCount: classCount)

    let perClass = zip(scores.perClass, rankings).map(classMetrics)
    let sampleMean = { (sum: Double, divisor: Int) in divisor > 0 ? sum / Double(divisor) : .nan }
    return ClassificationReport(
      sampleCount: sampleCount, classCount: classCount,
      loss: sampleMean(lossSum ?? crossEntropySum, sampleCount),
      accuracy: sampleMean(Double(matrix.correctCount), sampleCount), perClass: perClass,
      macro: averaged(scores.macro, perClass: perClass, weighted: false),
      weighted: averaged(scores.weighted, perClass: perClass, weighted: true),
      micro: microAveraged(scores.micro, ranking: microRanking),
      meanAbsoluteError: sampleMean(absoluteErrorSum, sampleCount * classCount),
      confusionMatrix: matrix, balancedAccuracy: Accuracy.balanced(matrix),
      zeroDivision: zeroDivision)
  }

  private static func classMetrics(_ scores: ClassScores, _ ranking: RankSummary) -> ClassMetrics {
    var undefined = scores.undefined
    if ranking.aucUndefinedReason != nil { undefined.insert(.auc) }
    if ranking.positiveCount == 0 { undefined.insert(.averagePrecision) }
    return ClassMetrics(
      precision: scores.precision, recall: scores.recall, f1: scores.fScore,
      support: scores.support, auc: ranking.auc, averagePrecision: ranking.averagePrecision,
      truePositives: scores.counts.truePositives, falsePositives: scores.counts.falsePositives,
      falseNegatives: scores.counts.falseNegatives, undefined: undefined,
      aucUndefinedReason: ranking.aucUndefinedReason)
  }

  /// Macro or weighted average: P, R and F1 over the classes present in the
  /// data, and AUC and AP over the classes where they are defined.
  private static func averaged(
    _ scores: AveragedScores, perClass: [ClassMetrics], weighted: Bool
  ) -> AveragedMetrics {
    let weights = perClass.map { weighted ? Double($0.support) : 1 }
    let auc = nanAverage(perClass.map(\.auc), weights: weights)
    let averagePrecision = nanAverage(perClass.map(\.averagePrecision), weights: weights)
    var undefined = scores.undefined
    if auc.value.isNaN { undefined.insert(.auc) }
    if averagePrecision.value.isNaN { undefined.insert(.averagePrecision) }
    var included = scores.includedClasses
    included.auc = auc.count
    included.averagePrecision = averagePrecision.count
    return AveragedMetrics(
      precision: scores.precision, recall: scores.recall, f1: scores.fScore, auc: auc.value,
      undefinedAUCCount: perClass.count - auc.count, averagePrecision: averagePrecision.value,
      undefined: undefined, includedClasses: included)
  }

  /// Micro average: P, R and F1 from summed counts, and AUC and AP from every
  /// score ranked against its one-hot target.
  private static func microAveraged(_ scores: AveragedScores, ranking: RankSummary)
    -> AveragedMetrics
  {
    var undefined = scores.undefined
    if ranking.aucUndefinedReason != nil { undefined.insert(.auc) }
    if ranking.positiveCount == 0 { undefined.insert(.averagePrecision) }
    return AveragedMetrics(
      precision: scores.precision, recall: scores.recall, f1: scores.fScore, auc: ranking.auc,
      undefinedAUCCount: 0, averagePrecision: ranking.averagePrecision, undefined: undefined,
      includedClasses: scores.includedClasses)
  }
}
