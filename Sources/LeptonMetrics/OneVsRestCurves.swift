extension BinaryRanking {
  /// Ranks each class against the rest, for plots and the threshold explorer.
  /// - Parameters:
  ///   - labels: true class of each sample, `[sampleCount]`.
  ///   - scores: row-major `[sampleCount, classCount]` scores of `scoreKind`.
  /// - Returns: one ranking per class, in class order.
  /// - Throws: `MetricsError` as `ClassificationReport.compute`.
  public static func oneVsRest<Label: BinaryInteger, Score: BinaryFloatingPoint>(
    labels: [Label], scores: [Score], classCount: Int, scoreKind: ScoreKind = .probabilities
  ) throws -> [BinaryRanking] {
    try checkClassifierInput(
      labels: labels, scores: scores, classCount: classCount, minimumClassCount: 2)
    switch scoreKind {
    case .probabilities:
      try checkProbabilityRows(scores, classCount: classCount)
      return rankEachClass(labels: labels, probabilities: scores, classCount: classCount) {
        BinaryRanking(sorted: $0)
      }
    case .logits:
      return rankEachClass(
        labels: labels, probabilities: Softmax.unchecked(scores, classCount: classCount),
        classCount: classCount
      ) { BinaryRanking(sorted: $0) }
    }
  }
}

extension ClassificationReport {
  /// Returns the one-vs-rest ROC curve of each class, in class order, from
  /// the same input as `compute(labels:probabilities:classCount:)`.
  /// - Parameter dropIntermediate: drop collinear vertices as scikit-learn's
  ///   default. The default here keeps one vertex per distinct score.
  public static func oneVsRestROCCurves(
    labels: [Int32], probabilities: [Float], classCount: Int, dropIntermediate: Bool = false
  ) throws -> [ROCCurve] {
    try BinaryRanking.oneVsRest(labels: labels, scores: probabilities, classCount: classCount)
      .map { $0.rocCurve(dropIntermediate: dropIntermediate) }
  }

  /// Returns the one-vs-rest precision-recall curve of each class, in class order.
  public static func oneVsRestPrecisionRecallCurves(
    labels: [Int32], probabilities: [Float], classCount: Int
  ) throws -> [PrecisionRecallCurve] {
    try BinaryRanking.oneVsRest(labels: labels, scores: probabilities, classCount: classCount)
      .map { $0.precisionRecallCurve() }
  }
}
