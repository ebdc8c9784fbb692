import Foundation
import LeptonMetrics

/// Trains a network on a data set and reports every step and epoch to its observers.
///
/// `run` is synchronous; `start` runs it on a thread of its own so that the
/// caller's thread stays free for the screen.
public final class Trainer: @unchecked Sendable {
  public let options: TrainingOptions
  public let dataset: ImageDataset
  public let runID: String
  private let normalization: Normalization
  private let observerLock = NSLock()
  private var observers: [any TrainingObserver] = []

  /// Prepares a run. The training split is cut to `options.limit` here, and the
  /// normalisation is measured on the images that are actually trained on.
  public init(options: TrainingOptions, dataset: ImageDataset, runID: String) {
    var limited = dataset
    limited.train = dataset.train.prefix(options.limit)
    self.options = options
    self.dataset = limited
    self.runID = runID
    self.normalization = Normalization.measure(limited.train.pixels)
  }

  public func addObserver(_ observer: any TrainingObserver) {
    observerLock.lock()
    observers.append(observer)
    observerLock.unlock()
  }

  private func emit(_ event: TrainingEvent) {
    observerLock.lock()
    let current = observers
    observerLock.unlock()
    for observer in current { observer.trainer(didEmit: event) }
  }

  /// Starts `run` on a new thread; `completion` is called on that thread when it ends.
  @discardableResult
  public func start(
    control: TrainingControl,
    completion: @escaping @Sendable (Result<RunSummary, RunFailure>) -> Void
  ) -> Thread {
    let thread = Thread { [self] in
      completion(self.run(control: control))
    }
    thread.name = "lepton-trainer"
    // The network's scratch buffers and oneDNN's own stacks need more than the default.
    thread.stackSize = 16 << 20
    thread.start()
    return thread
  }

  /// Trains for `options.epochs` epochs or until `control` requests a stop.
  /// Every outcome, including failures, is also sent to the observers.
  public func run(control: TrainingControl) -> Result<RunSummary, RunFailure> {
    var progress = RunProgress()
    do {
      let summary = try train(control: control, progress: &progress)
      emit(.runFinished(summary))
      return .success(summary)
    } catch let failure as RunFailure {
      emit(.runFailed(failure))
      return .failure(failure)
    } catch {
      let failure = RunFailure(
        kind: .internalError, message: String(describing: error), epoch: progress.epoch,
        step: progress.step, completedEpochs: progress.completedEpochs)
      emit(.runFailed(failure))
      return .failure(failure)
    }
  }

  /// The epoch and step in progress, reported by a failure.
  struct RunProgress {
    var epoch: Int?
    var step: Int?
    var completedEpochs = 0
    var lastReport: ClassificationReport?
  }

  private func train(control: TrainingControl, progress: inout RunProgress) throws -> RunSummary {
    let runStart = Date()
    let train = dataset.train
    let network = try Network(
      model: options.model, inputShape: train.shape, classCount: dataset.classCount,
      batchSize: options.batchSize, seed: options.seed,
      optimizer: options.optimizerConfiguration)
    let stepsPerEpoch = (train.count + options.batchSize - 1) / options.batchSize
    emit(.runStarted(makeConfig(network: network, stepsPerEpoch: stepsPerEpoch, start: runStart)))

    let testImages = normalization.normalizedImages(of: dataset.test)
    let shuffler = EpochShuffler(count: train.count, seed: options.seed)
    let schedule = options.learningRateSchedule(stepsPerEpoch: stepsPerEpoch)
    var batch = BatchBuffer(
      batchSize: options.batchSize, imageSize: train.imageSize, normalization: normalization)

    for epoch in 1...max(1, options.epochs) {
      progress.epoch = epoch
      progress.step = nil
      let totals = try trainEpoch(
        epoch, order: shuffler.order(epoch: epoch), network: network, schedule: schedule,
        batch: &batch, control: control, progress: &progress)

      let evaluationStart = Date()
      let probabilities = try evaluate(network: network, images: testImages)
      emit(
        .evaluated(
          Evaluation(
            epoch: epoch, split: "test", classCount: dataset.classCount,
            labels: dataset.test.labels, scores: probabilities)))
      let report = try ClassificationReport.compute(
        labels: dataset.test.labels, probabilities: probabilities,
        classCount: dataset.classCount)
      let evaluationSeconds = Date().timeIntervalSince(evaluationStart)

      progress.completedEpochs = epoch
      progress.lastReport = report
      let seen = Double(totals.seen)
      emit(
        .epochEnded(
          EpochSummary(
            epoch: epoch, trainLoss: totals.lossSum / seen,
            trainAccuracy: Double(totals.correct) / seen, test: report,
            trainSeconds: totals.seconds, evaluationSeconds: evaluationSeconds,
            imagesPerSecond: seen / totals.seconds)))
      if let path = options.checkpointPath {
        try saveCheckpoint(
          network: network, normalization: normalization, epoch: epoch, path: path)
      }
    }
    return RunSummary(
      completedEpochs: progress.completedEpochs, finalTest: progress.lastReport,
      totalSeconds: Date().timeIntervalSince(runStart))
  }

  /// Sums over the training steps of one epoch.
  struct EpochTotals {
    var lossSum = 0.0
    var correct = 0
    var seen = 0
    /// Wall time of the steps, without time spent paused.
    var seconds = 0.0
  }

  /// Runs one pass over the training images in `order`, emitting `batchEnded` after
  /// each step. Throws a `RunFailure` on a stop request or a non-finite loss.
  private func trainEpoch(
    _ epoch: Int, order: [Int32], network: Network, schedule: LearningRateSchedule?,
    batch: inout BatchBuffer, control: TrainingControl, progress: inout RunProgress
  ) throws -> EpochTotals {
    let train = dataset.train
    let stepsPerEpoch = (train.count + options.batchSize - 1) / options.batchSize
    let epochStart = Date()
    // Time spent paused is left out of the epoch's duration and throughput.
    var pausedSeconds = 0.0
    var totals = EpochTotals()
    for step in 1...stepsPerEpoch {
      let pause = control.waitWhilePaused()
      pausedSeconds += pause.pausedSeconds
      if let reason = pause.stopReason {
        throw RunFailure(
          kind: .interrupted,
          message: step == 1
            ? "Training \(reason) at the start of epoch \(epoch)."
            : "Training \(reason) after step \(step - 1) of epoch \(epoch).",
          epoch: epoch, step: step, completedEpochs: progress.completedEpochs)
      }
      progress.step = step
      if let schedule {
        network.learningRate = schedule.learningRate(atStep: (epoch - 1) * stepsPerEpoch + step - 1)
      }
      let first = (step - 1) * options.batchSize
      let count = min(options.batchSize, train.count - first)
      batch.fill(from: train, order: order[first..<(first + count)])
      let result = try batch.withBuffers { images, labels in
        try network.trainStep(images: images, labels: labels, count: count)
      }
      guard result.lossSum.isFinite else {
        throw RunFailure(
          kind: .diverged,
          message:
            "Training diverged: the loss became \(result.lossSum) at epoch \(epoch), step "
            + "\(step). Try a lower learning rate than --lr \(options.optimizer.learningRate).",
          epoch: epoch, step: step, completedEpochs: progress.completedEpochs)
      }
      totals.lossSum += result.lossSum
      totals.correct += result.correct
      totals.seen += count
      totals.seconds = Date().timeIntervalSince(epochStart) - pausedSeconds
      emit(
        .batchEnded(
          BatchProgress(
            epoch: epoch, step: step, stepsPerEpoch: stepsPerEpoch,
            globalStep: (epoch - 1) * stepsPerEpoch + step, loss: result.lossSum / Double(count),
            accuracy: Double(result.correct) / Double(count),
            imagesPerSecond: totals.seconds > 0 ? Double(totals.seen) / totals.seconds : 0)))
    }
    return totals
  }

  /// Returns softmax probabilities for every test image, `[testCount, classCount]`.
  private func evaluate(network: Network, images: [Float]) throws -> [Float] {
    let test = dataset.test
    let classCount = dataset.classCount
    var probabilities = [Float](repeating: 0, count: test.count * classCount)
    let batchSize = options.evaluationBatchSize
    try images.withUnsafeBufferPointer { allImages in
      try test.labels.withUnsafeBufferPointer { allLabels in
        try probabilities.withUnsafeMutableBufferPointer { allProbabilities in
          var first = 0
          while first < test.count {
            let count = min(batchSize, test.count - first)
            let imageSlice = UnsafeBufferPointer(
              rebasing: allImages[(first * test.imageSize)..<((first + count) * test.imageSize)])
            let labelSlice = UnsafeBufferPointer(rebasing: allLabels[first..<(first + count)])
            let output = UnsafeMutableBufferPointer(
              rebasing: allProbabilities[(first * classCount)..<((first + count) * classCount)])
            _ = try network.predict(
              images: imageSlice, labels: labelSlice, count: count, probabilities: output)
            first += count
          }
        }
      }
    }
    return probabilities
  }

  private func makeConfig(network: Network, stepsPerEpoch: Int, start: Date) -> RunConfig {
    RunConfig(
      runID: runID, model: options.model, layers: network.layers,
      parameterCount: network.parameterCount, dataset: dataset.name,
      dataDirectory: dataset.directory, classNames: dataset.classNames,
      inputShape: dataset.train.shape, trainCount: dataset.train.count,
      testCount: dataset.test.count, epochs: options.epochs, batchSize: options.batchSize,
      learningRate: options.optimizer.learningRate, momentum: options.optimizer.momentum,
      weightDecay: options.optimizer.weightDecay, seed: options.seed,
      stepsPerEpoch: stepsPerEpoch, versions: Versions.current,
      startedAt: ISO8601DateFormatter().string(from: start),
      optimizer: options.optimizerDescription, learningRateSchedule: options.scheduleDescription)
  }
}
