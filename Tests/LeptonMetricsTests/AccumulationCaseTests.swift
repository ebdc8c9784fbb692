import Foundation
import LeptonMetrics
import Testing

// Reference values come from scikit-learn 1.9.1 on the whole epoch and on
// each batch, to show that batch ratios must not be averaged.

@Suite("Score kind fixed per run")
struct ScoreKindPerRunTests {
  static let labels: [Int32] = [1, 0, 1]
  static let rawScores: [Double] = [1.3, 0.95, 0.6]

  @Test("mixed score scales flip the AUC")
  func referenceValues() throws {
    let isPositive = Self.labels.map { $0 == 1 }
    let raw = try BinaryRanking(isPositive: isPositive, scores: Self.rawScores)
    expectClose(raw.auc, 0.5, "raw")
    let sigmoid = Self.rawScores.map { 1 / (1 + exp(-$0)) }
    expectClose(try BinaryRanking(isPositive: isPositive, scores: sigmoid).auc, 0.5, "sigmoid")
    let mixed = [sigmoid[0], Self.rawScores[1], Self.rawScores[2]]
    expectClose(try BinaryRanking(isPositive: isPositive, scores: mixed).auc, 0.0, "mixed")
  }

  @Test("logits transformed alike in every batch")
  func logitsEveryBatch() throws {
    // A binary logit z is the two-class logit row [0, z]: softmax gives sigmoid(z).
    var accumulator = try EpochAccumulator(classCount: 2, scoreKind: .logits)
    for (label, score) in zip(Self.labels, Self.rawScores) {
      try accumulator.add(labels: [label], scores: [0, Float(score)])
    }
    let report = try accumulator.report()
    expectClose(report.perClass[1].auc, 0.5)
    expectClose(Double(accumulator.probabilities[1]), 1 / (1 + exp(-1.3)), tolerance: 1e-7)
  }

  @Test("out-of-range probability rejects the batch")
  func probabilitiesOutOfRange() throws {
    var accumulator = try EpochAccumulator(classCount: 2, scoreKind: .probabilities)
    try accumulator.add(labels: [1], scores: [0.2, 0.8])
    try accumulator.add(labels: [0], scores: [0.05, 0.95])
    let error = metricsError { try accumulator.add(labels: [1], scores: [-0.3, 1.3]) }
    #expect(
      error?.description
        == "batch 3: score -0.3 at index 0, row 0 column 0 is outside [0, 1] but the scores "
        + "are declared as probabilities; pass probabilities or declare the scores as logits")
    #expect(accumulator.sampleCount == 2)
    #expect(accumulator.batchCount == 2)
  }
}

@Suite("Epoch precision and recall from counts")
struct EpochCountTests {
  static let batches: [(actual: [Int], predicted: [Int])] = [
    ([1, 0, 0], [1, 1, 0]), ([0, 0], [1, 0]),
  ]

  @Test("per-batch ratios differ from the epoch")
  func batchRatios() throws {
    let perBatch = try Self.batches.map {
      try BinaryCounts(actual: $0.actual, predicted: $0.predicted, positiveLabel: 1)
    }
    expectClose(perBatch.map { $0.recall() }, [1.0, 0.0], "recall")
    expectClose(perBatch.map { $0.precision() }, [0.5, 0.0], "precision")
    expectClose(perBatch.map { $0.fScore() }, [0.6666666666666666, 0.0], "F1")
  }

  @Test("confusion matrix accumulated over batches")
  func accumulatedMatrix() throws {
    var matrix = ConfusionMatrix(classCount: 2)
    for batch in Self.batches {
      try matrix.add(actual: batch.actual, predicted: batch.predicted)
    }
    let counts = matrix.binaryCounts(forClass: 1)
    expectClose(counts.recall(), 1.0, "recall")
    expectClose(counts.precision(), 0.3333333333333333, "precision")
    expectClose(counts.fScore(), 0.5, "F1")
  }

  @Test("accumulator reports epoch values")
  func accumulator() throws {
    var accumulator = try EpochAccumulator(classCount: 2)
    for batch in Self.batches {
      try accumulator.add(
        labels: batch.actual.map { Int32($0) }, scores: oneHot(batch.predicted, classCount: 2))
    }
    let positive = try accumulator.report().perClass[1]
    expectClose(positive.recall, 1.0, "recall")
    expectClose(positive.precision, 0.3333333333333333, "precision")
    expectClose(positive.f1, 0.5, "F1")
  }
}

@Suite("Running means over unequal batches")
struct RunningMeanTests {
  static let actual = [3.0, 1.0, 2.0, 5.0, 4.0]
  static let predicted = [2.5, 1.0, 3.0, 5.0, 8.0]
  static let batches = [0..<4, 4..<5]

  @Test("sum and count give the epoch MAE")
  func meanAbsoluteError() {
    var mean = RunningMean()
    var batchMeans: [Double] = []
    for batch in Self.batches {
      let errors = batch.map { abs(Self.actual[$0] - Self.predicted[$0]) }
      mean.add(sum: errors.reduce(0, +), count: errors.count)
      batchMeans.append(errors.reduce(0, +) / Double(errors.count))
    }
    expectClose(mean.mean, 1.1, "epoch MAE")
    #expect(mean.count == 5)
    expectClose(batchMeans, [0.375, 4.0], "batch MAEs")
    // The two wrong reductions, for contrast.
    expectClose(batchMeans.reduce(0, +) / 2, 2.1875, "mean of batch means")
    expectClose(mean.sum / Double(Self.batches.count * 4), 0.6875, "full-batch divisor")
  }

  @Test("accumulator weights batch losses by size")
  func lossWeighting() throws {
    var accumulator = try EpochAccumulator(classCount: 2)
    try accumulator.add(
      labels: [0, 1, 0, 1], scores: oneHot([0, 1, 0, 1], classCount: 2), meanLoss: 0.375)
    try accumulator.add(labels: [1], scores: oneHot([1], classCount: 2), meanLoss: 4.0)
    expectClose(accumulator.runningLoss, 1.1)
    expectClose(try accumulator.report().loss, 1.1)
  }

  @Test("empty mean is NaN and reset forgets")
  func emptyAndReset() {
    var mean = RunningMean()
    #expect(mean.mean.isNaN)
    mean.add(2)
    mean.add(4)
    expectClose(mean.mean, 3)
    mean.reset()
    #expect(mean.count == 0)
  }
}

@Suite("Accumulator reset and splits")
struct AccumulatorResetTests {
  static let labels: [Int32] = [1, 0, 1, 0]
  static let firstEpoch = oneHot([0, 0, 0, 1], classCount: 2)
  static let secondEpoch = oneHot([1, 0, 1, 0], classCount: 2)

  @Test("reset between epochs")
  func resetBetweenEpochs() throws {
    var accumulator = try EpochAccumulator(classCount: 2)
    try accumulator.add(labels: Self.labels, scores: Self.firstEpoch)
    expectClose(try accumulator.report().accuracy, 0.25, "epoch 1")
    accumulator.reset()
    try accumulator.add(labels: Self.labels, scores: Self.secondEpoch)
    let report = try accumulator.report()
    expectClose(report.accuracy, 1.0, "epoch 2")
    #expect(report.sampleCount == 4)
    #expect(report.confusionMatrix.counts == [2, 0, 0, 2])
  }

  @Test("never-reset accumulator mixes epochs")
  func withoutReset() throws {
    var accumulator = try EpochAccumulator(classCount: 2)
    try accumulator.add(labels: Self.labels, scores: Self.firstEpoch)
    try accumulator.add(labels: Self.labels, scores: Self.secondEpoch)
    let report = try accumulator.report()
    expectClose(report.accuracy, 0.625)
    #expect(report.sampleCount == 8)
    #expect(report.confusionMatrix.counts == [3, 1, 2, 2])
  }

  @Test("reset clears every count")
  func resetClearsEverything() throws {
    var accumulator = try EpochAccumulator(classCount: 2)
    try accumulator.add(
      labels: [0, 0], scores: Self.firstEpoch[0..<4].map { $0 }, sampleIDs: [7, 7])
    #expect(accumulator.duplicateCount == 1)
    accumulator.reset()
    #expect(accumulator.sampleCount == 0)
    #expect(accumulator.batchCount == 0)
    #expect(accumulator.duplicateCount == 0)
    #expect(accumulator.confusionMatrix.total == 0)
    #expect(accumulator.runningLoss.isNaN)
    #expect(accumulator.runningAccuracy.isNaN)
    // Sample ids seen before the reset count again.
    try accumulator.add(labels: [0], scores: [1, 0], sampleIDs: [7])
    #expect(accumulator.sampleCount == 1)
  }

  @Test("splits keep separate state")
  func separateSplits() throws {
    var train = try EpochAccumulator(classCount: 2)
    var validation = try EpochAccumulator(classCount: 2)
    try train.add(labels: Self.labels, scores: Self.firstEpoch)
    try validation.add(labels: Self.labels, scores: Self.secondEpoch)
    expectClose(train.runningAccuracy, 0.25, "train")
    expectClose(validation.runningAccuracy, 1.0, "validation")
  }
}

@Suite("Duplicated samples across workers")
struct DuplicateSampleTests {
  static let labels: [Int32] = [1, 0, 0, 1, 1]
  static let predicted = [0, 0, 0, 1, 1]
  /// A distributed sampler pads 5 samples to 6 for 2 workers by repeating sample 0.
  static let workers = [[0, 1, 2], [3, 4, 0]]

  @Test("sample ids drop the padding")
  func dropsDuplicates() throws {
    var accumulator = try EpochAccumulator(classCount: 2)
    for indices in Self.workers {
      try accumulator.add(
        labels: indices.map { Self.labels[$0] },
        scores: oneHot(indices.map { Self.predicted[$0] }, classCount: 2), sampleIDs: indices)
    }
    #expect(accumulator.sampleCount == 5)
    #expect(accumulator.duplicateCount == 1)
    let report = try accumulator.report()
    expectClose(report.accuracy, 0.8, "accuracy")
    expectClose(report.perClass[1].recall, 0.6666666666666666, "recall")
  }

  @Test("without ids the padding is counted twice")
  func paddedCounts() throws {
    var accumulator = try EpochAccumulator(classCount: 2)
    for indices in Self.workers {
      try accumulator.add(
        labels: indices.map { Self.labels[$0] },
        scores: oneHot(indices.map { Self.predicted[$0] }, classCount: 2))
    }
    let report = try accumulator.report()
    expectClose(report.accuracy, 0.6666666666666666, "accuracy")
    expectClose(report.perClass[1].recall, 0.5, "recall")
  }

  @Test("ids must come with every batch or none")
  func inconsistentIDs() throws {
    var accumulator = try EpochAccumulator(classCount: 2)
    try accumulator.add(labels: [0], scores: [1, 0], sampleIDs: [0])
    let missing = metricsError { try accumulator.add(labels: [1], scores: [0, 1]) }
    #expect(missing == .inBatch(2, .inconsistentSampleIDs(batchHasIDs: false)))
    #expect(
      missing?.description
        == "batch 2: this batch has no sample ids but earlier batches of this epoch had them; "
        + "pass sample ids with every batch or with none")
  }
}
