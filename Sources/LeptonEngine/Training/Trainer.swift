import Foundation
import LeptonMetrics

/// Trains a network on a data set and reports every step and epoch to its observers.
///
/// `run` is synchronous; `start` runs it on a thread of its own so that the
/// caller's thread stays free for the screen.
public final class Trainer: @unchecked Sendable {
  public let options: TrainingOptions
  /// The data trained and tested on: `train` is cut to `options.limit` and has the
  /// validation images removed.
  public let dataset: ImageDataset
  /// The images held out of the training set for validation, nil without a split.
  public let validation: ImageSplit?
  public let runID: String
  /// The checkpoint and start time of the run that this one continues, nil for a new run.
  public let resumePoint: ResumePoint?
  let normalization: Normalization
  /// The failure message for a validation split that leaves a part empty, thrown when
  /// the run starts. Nil when the split is valid or off.
  private let splitProblem: String?
  private let observerLock = NSLock()
  private var observers: [any TrainingObserver] = []
  /// A step whose loss is replaced by NaN, for tests of the divergence path. Set it before
  /// `run` or `start`.
  var nanLossStep: (epoch: Int, step: Int)?

  /// Prepares a run. The training split is cut to `options.limit` here, then the
  /// validation images are held out of it, and the normalisation is measured on the
  /// images that are actually trained on. A split that would leave either part empty
  /// makes `run` fail with `invalidInput`.
  ///
  /// With `resumePoint`, training continues from its checkpoint at the next epoch, with
  /// the checkpoint's normalisation, and `options.epochs` is the new total.
  public init(
    options: TrainingOptions, dataset: ImageDataset, runID: String,
    resumePoint: ResumePoint? = nil
  ) {
    var limited = dataset
    limited.train = dataset.train.prefix(options.limit)
    var validation: ImageSplit?
    var splitProblem: String?
    if options.validationSplit > 0 {
      let count = limited.train.count
      let heldOut = ImageSplit.validationCount(fraction: options.validationSplit, of: count)
      if heldOut >= 1 && heldOut < count {
        let parts = limited.train.holdingOut(validationCount: heldOut, seed: options.seed)
        limited.train = parts.train
        validation = parts.validation
      } else {
        splitProblem =
          "A validation split of \(options.validationSplit) holds out \(heldOut) of \(count) "
          + "training images, but each part needs at least 1 image."
      }
    }
    self.options = options
    self.dataset = limited
    self.validation = validation
    self.splitProblem = splitProblem
    self.runID = runID
    self.resumePoint = resumePoint
    self.normalization =
      resumePoint?.checkpoint.normalization ?? Normalization.measure(limited.train.pixels)
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
      // The count belongs to this thread, so other trainers' threads are unaffected.
      if let count = options.threadCount { OpenMPThreads.setMaximum(count) }
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
    if let splitProblem {
      throw RunFailure(
        kind: .invalidInput, message: splitProblem, epoch: nil, step: nil, completedEpochs: 0)
    }
    let runStart = Date()
    let train = dataset.train
    let stepsPerEpoch = (train.count + options.batchSize - 1) / options.batchSize
    let network: Network
    var firstEpoch = 1
    if let resumePoint {
      network = try restoreNetwork(from: resumePoint.checkpoint)
      firstEpoch = resumePoint.checkpoint.epoch + 1
      progress.completedEpochs = resumePoint.checkpoint.epoch
      var config = makeConfig(network: network, stepsPerEpoch: stepsPerEpoch, start: runStart)
      config.startedAt = resumePoint.startedAt
      emit(.runResumed(RunResumption(config: config, resumedFromEpoch: firstEpoch - 1)))
    } else {
      network = try Network(
        model: options.model, inputShape: train.shape, classCount: dataset.classCount,
        batchSize: options.batchSize, seed: options.seed,
        optimizer: options.optimizerConfiguration)
      emit(
        .runStarted(makeConfig(network: network, stepsPerEpoch: stepsPerEpoch, start: runStart)))
    }

    let testImages = normalization.normalizedImages(of: dataset.test)
    let validationImages = validation.map { normalization.normalizedImages(of: $0) }
    let shuffler = EpochShuffler(count: train.count, seed: options.seed)
    let schedule = options.learningRateSchedule(stepsPerEpoch: stepsPerEpoch)
    var batch = BatchBuffer(
      batchSize: options.batchSize, shape: train.shape, normalization: normalization,
      augmentation: options.augmentation)

    for epoch in firstEpoch...max(firstEpoch, options.epochs) {
      progress.epoch = epoch
      progress.step = nil
      let totals = try trainEpoch(
        epoch, order: shuffler.order(epoch: epoch), network: network, schedule: schedule,
        batch: &batch, control: control, progress: &progress)

      let evaluationStart = Date()
      var validationReport: ClassificationReport?
      if let validation, let validationImages {
        validationReport = try evaluateAndReport(
          epoch: epoch, split: "validation", network: network, samples: validation,
          images: validationImages)
      }
      let report = try evaluateAndReport(
        epoch: epoch, split: "test", network: network, samples: dataset.test, images: testImages)
      let evaluationSeconds = Date().timeIntervalSince(evaluationStart)

      progress.completedEpochs = epoch
      progress.lastReport = report
      let seen = Double(totals.seen)
      emit(
        .epochEnded(
          EpochSummary(
            epoch: epoch, trainLoss: totals.lossSum / seen,
            trainAccuracy: Double(totals.correct) / seen, test: report,
            validation: validationReport, trainSeconds: totals.seconds,
            evaluationSeconds: evaluationSeconds,
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
    var augmentationGenerator = Augmentation.generator(seed: options.seed, epoch: epoch)
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
      batch.fill(
        from: train, order: order[first..<(first + count)], generator: &augmentationGenerator)
      let result = try batch.withBuffers { images, labels in
        try network.trainStep(images: images, labels: labels, count: count)
      }
      var lossSum = result.lossSum
      if let nanLossStep, nanLossStep == (epoch, step) { lossSum = .nan }
      guard lossSum.isFinite else {
        throw RunFailure(
          kind: .diverged,
          message:
            "Training diverged: the loss became "
            + (lossSum.isNaN ? "NaN" : "infinite") + " at epoch \(epoch), step "
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
            imagesPerSecond: totals.seconds > 0 ? Double(totals.seen) / totals.seconds : 0,
            learningRate: network.learningRate)))
    }
    return totals
  }

  /// Evaluates `samples` in inference mode, emits the scores as an `evaluated` event
  /// and returns their report.
  private func evaluateAndReport(
    epoch: Int, split: String, network: Network, samples: ImageSplit, images: [Float]
  ) throws -> ClassificationReport {
    let probabilities = try evaluate(network: network, samples: samples, images: images)
    // Parameters can turn NaN in a step whose loss, computed before the update, was finite.
    let nonFinite = probabilities.lazy.filter { !$0.isFinite }.count
    if nonFinite > 0 {
      throw RunFailure(
        kind: .diverged,
        message:
          "Training diverged: after epoch \(epoch) the network gave \(nonFinite) NaN or "
          + "infinite \(split) scores. Try a lower learning rate than --lr "
          + "\(options.optimizer.learningRate).",
        epoch: epoch, step: nil, completedEpochs: epoch - 1)
    }
    emit(
      .evaluated(
        Evaluation(
          epoch: epoch, split: split, classCount: dataset.classCount, labels: samples.labels,
          scores: probabilities)))
    return try ClassificationReport.compute(
      labels: samples.labels, probabilities: probabilities, classCount: dataset.classCount)
  }

  /// Returns softmax probabilities for every image of `samples`, `[count, classCount]`.
  /// `images` are the normalised pixels of `samples`.
  private func evaluate(network: Network, samples: ImageSplit, images: [Float]) throws
    -> [Float]
  {
    try network.probabilities(
      images: images, labels: samples.labels, batchSize: options.evaluationBatchSize)
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
      optimizer: options.optimizerDescription, learningRateSchedule: options.scheduleDescription,
      validationSplit: validation == nil ? 0 : options.validationSplit,
      validationCount: validation?.count ?? 0, augmentation: options.augmentation.description)
  }
}
