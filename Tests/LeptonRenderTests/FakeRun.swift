import Foundation
import LeptonEngine
import LeptonMetrics

@testable import LeptonRender

/// A hand-written Fashion-MNIST run: 10 classes, 10 epochs of 938 steps, with
/// deterministic losses, matrices and scores so that renderings are stable.
enum FakeRun {
  static let classNames = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
    "Ankle boot",
  ]
  static let stepsPerEpoch = 938
  static let epochs = 10

  static let config = RunConfig(
    runID: "20250114-093012-fmnist-cnn", model: "fmnist-cnn",
    layers: [
      LayerSummary(name: "conv1", outputShape: [32, 28, 28], parameterCount: 320),
      LayerSummary(name: "fc", outputShape: [10], parameterCount: 15690),
    ],
    parameterCount: 225_034, dataset: "fashion-mnist", dataDirectory: "data/fashion-mnist",
    classNames: classNames, inputShape: [1, 28, 28], trainCount: 60000, testCount: 10000,
    epochs: epochs, batchSize: 64, learningRate: 0.01, momentum: 0.9, weightDecay: 0.0005,
    seed: 42, stepsPerEpoch: stepsPerEpoch, versions: ["lepton": "0.1.0"],
    startedAt: "2025-01-14T09:30:12Z")

  /// A deterministic value in `0..<1` for an integer, from a 64-bit mixing function.
  static func noise(_ seed: Int) -> Double {
    var value = UInt64(truncatingIfNeeded: seed) &+ 0x9E37_79B9_7F4A_7C15
    value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
    value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
    value ^= value >> 31
    return Double(value >> 11) / Double(1 << 53)
  }

  static func batch(epoch: Int, step: Int) -> BatchProgress {
    let global = (epoch - 1) * stepsPerEpoch + step
    let trend = 0.28 + 2.0 * (1 / (1 + Double(global) / 150))
    let loss = trend * (0.7 + 0.6 * noise(global))
    let accuracy = min(1, max(0, 1.02 - trend * 0.45 + 0.12 * (noise(global + 7) - 0.5)))
    return BatchProgress(
      epoch: epoch, step: step, stepsPerEpoch: stepsPerEpoch, globalStep: global, loss: loss,
      accuracy: accuracy, imagesPerSecond: 4200 + 100 * Double(epoch))
  }

  /// Test-set confusion counts of one epoch, 1000 samples per class, getting
  /// better with each epoch, with the usual mix-ups between shirts, T-shirts,
  /// pullovers and coats.
  static func matrix(epoch: Int) -> ConfusionMatrix {
    let confusions: [Int: [Int: Int]] = [
      0: [6: 120, 3: 30, 2: 15, 8: 10], 1: [3: 25, 0: 8],
      2: [4: 110, 6: 90, 0: 15], 3: [0: 40, 4: 35, 6: 30, 1: 12],
      4: [2: 100, 6: 80, 3: 35], 5: [7: 40, 9: 20],
      6: [0: 150, 2: 110, 4: 90, 3: 30, 8: 10], 7: [5: 30, 9: 35],
      8: [6: 12, 0: 6, 2: 5], 9: [7: 45, 5: 10],
    ]
    let shrink = 1.0 / Double(epoch + 1)
    var matrix = ConfusionMatrix(classCount: 10)
    for actual in 0..<10 {
      var wrong = 0
      for (predicted, count) in confusions[actual] ?? [:] {
        let scaled = Int((Double(count) * 2 * shrink).rounded())
        matrix.add(actual: actual, predicted: predicted, count: scaled)
        wrong += scaled
      }
      matrix.add(actual: actual, predicted: actual, count: 1000 - wrong)
    }
    return matrix
  }

  /// Builds a classification report whose per-class metrics follow from `matrix(epoch:)`.
  static func report(epoch: Int, undefinedAUC: Bool = false) -> ClassificationReport {
    let matrix = matrix(epoch: epoch)
    var perClass: [ClassMetrics] = []
    for index in 0..<10 {
      let truePositives = Double(matrix[index, index])
      let predicted = Double((0..<10).reduce(0) { $0 + matrix[$1, index] })
      let support = (0..<10).reduce(0) { $0 + matrix[index, $1] }
      let precision = truePositives / predicted
      let recall = truePositives / Double(support)
      let f1 = 2 * precision * recall / (precision + recall)
      let auc = undefinedAUC && index == 8 ? Double.nan : 0.9 + 0.09 * recall
      perClass.append(
        ClassMetrics(precision: precision, recall: recall, f1: f1, support: support, auc: auc))
    }
    let accuracy = Double((0..<10).reduce(0) { $0 + matrix[$1, $1] }) / 10000
    func mean(_ values: [Double]) -> Double {
      let defined = values.filter { !$0.isNaN }
      return defined.isEmpty ? .nan : defined.reduce(0, +) / Double(defined.count)
    }
    let undefinedCount = perClass.filter { $0.auc.isNaN }.count
    let macro = AveragedMetrics(
      precision: mean(perClass.map(\.precision)), recall: mean(perClass.map(\.recall)),
      f1: mean(perClass.map(\.f1)), auc: mean(perClass.map(\.auc)),
      undefinedAUCCount: undefinedCount)
    let micro = AveragedMetrics(
      precision: accuracy, recall: accuracy, f1: accuracy, auc: macro.auc + 0.002,
      undefinedAUCCount: undefinedCount)
    return ClassificationReport(
      sampleCount: 10000, classCount: 10, loss: 0.25 + 0.5 / Double(epoch + 1),
      accuracy: accuracy, perClass: perClass, macro: macro, weighted: macro, micro: micro,
      meanAbsoluteError: 0.02 + 0.04 / Double(epoch + 1), confusionMatrix: matrix)
  }

  static func summary(epoch: Int) -> EpochSummary {
    EpochSummary(
      epoch: epoch, trainLoss: 0.3 + 0.6 / Double(epoch + 1),
      trainAccuracy: 0.8 + 0.015 * Double(epoch), test: report(epoch: epoch),
      trainSeconds: 13.2 + 0.1 * Double(epoch), evaluationSeconds: 1.4,
      imagesPerSecond: 4200 + 100 * Double(epoch))
  }

  /// Returns a summary with a validation report of 6,000 samples whose accuracy is
  /// `validationAccuracy` and whose loss is a little above the test loss.
  static func summary(epoch: Int, validationAccuracy: Double) -> EpochSummary {
    var result = summary(epoch: epoch)
    var validation = report(epoch: epoch)
    validation.sampleCount = 6000
    validation.accuracy = validationAccuracy
    validation.loss += 0.0125
    result.validation = validation
    return result
  }

  /// Softmax scores for 50 test samples per class. The true class gets a logit
  /// bonus that grows with the epoch and is smallest for the classes that are
  /// hard to tell apart (shirts, pullovers, coats), so the curves differ.
  static func evaluation(epoch: Int) -> Evaluation {
    let perClass = 50
    let difficulty = [1.2, 0.2, 1.3, 0.9, 1.3, 0.4, 1.8, 0.5, 0.3, 0.5]
    var labels: [Int32] = []
    var scores: [Float] = []
    for sample in 0..<(perClass * 10) {
      let label = sample % 10
      labels.append(Int32(label))
      var logits = (0..<10).map { 3 * noise(sample * 10 + $0 + epoch * 7919) }
      logits[label] += 0.6 + 0.3 * Double(epoch) - difficulty[label] + noise(sample) * 1.5
      let exponentials = logits.map { exp($0) }
      let total = exponentials.reduce(0, +)
      scores += exponentials.map { Float($0 / total) }
    }
    return Evaluation(
      epoch: epoch, split: "test", classCount: 10, labels: labels, scores: scores)
  }

  /// Returns the events of a run that has finished `finishedEpochs` epochs and is
  /// `extraSteps` steps into the next one.
  static func events(finishedEpochs: Int, extraSteps: Int) -> [TrainingEvent] {
    var events: [TrainingEvent] = [.runStarted(config)]
    for epoch in 1...max(1, finishedEpochs + 1) {
      let steps = epoch <= finishedEpochs ? stepsPerEpoch : extraSteps
      guard steps > 0 else { break }
      for step in 1...steps {
        events.append(.batchEnded(batch(epoch: epoch, step: step)))
      }
      if epoch <= finishedEpochs {
        events.append(.evaluated(evaluation(epoch: epoch)))
        events.append(.epochEnded(summary(epoch: epoch)))
      }
    }
    return events
  }

  /// Builds a dashboard state part way through the fourth epoch.
  static func midRunState() -> DashboardState {
    var state = DashboardState()
    for event in events(finishedEpochs: 3, extraSteps: 512) {
      state.apply(event)
    }
    return state
  }
}
