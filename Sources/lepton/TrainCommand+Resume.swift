import Foundation
import LeptonEngine
import LeptonRuns
import LeptonTUI

/// A stored run that cannot be resumed as it is.
enum ResumeError: Error, CustomStringConvertible {
  /// The process recorded in `run.json` is still alive, or `run.json` records `running`
  /// without a process ID, as logs that predate the field do.
  case stillRunning(path: String, processID: Int32?)
  /// Neither the log nor `run.json` contains the run's configuration.
  case missingConfig(path: String)
  /// The log has fewer epochs than the checkpoint, which the trainer's write order rules
  /// out unless a log write failed.
  case logBehindCheckpoint(path: String, loggedEpochs: Int, checkpointEpoch: Int)
  /// A stored setting that this build cannot turn back into a training option.
  case unreadableSetting(path: String, name: String, value: String)
  /// The data directory no longer gives the images that the run trained on.
  case dataChanged(path: String, reason: String)
  /// The run ended before its first epoch, so it saved no checkpoint.
  case noCompletedEpoch(path: String)
  /// `model.ckpt` was saved by another run or for another model.
  case foreignCheckpoint(path: String, expected: String, found: String)

  var description: String {
    switch self {
    case .stillRunning(let path, nil):
      return
        "\(path): run.json records the run as still training. Wait for it to end before "
        + "resuming."
    case .stillRunning(let path, let processID?):
      return
        "\(path): the run is still training in process \(processID). Wait for it to end, or "
        + "stop it with 'kill -INT \(processID)', before resuming."
    case .missingConfig(let path):
      return
        "\(path): neither events.jsonl nor run.json contains the run's configuration, so it "
        + "cannot be resumed. Start a new run."
    case .logBehindCheckpoint(let path, let loggedEpochs, let checkpointEpoch):
      return
        "\(path): events.jsonl records \(completedEpochs(loggedEpochs)), but model.ckpt was "
        + "saved after epoch \(checkpointEpoch). The log is incomplete, so the run cannot "
        + "be resumed. Start a new run."
    case .unreadableSetting(let path, let name, let value):
      return
        "\(path): the stored \(name) '\(value)' is not one this Lepton can train with, so "
        + "the run cannot be resumed. Start a new run."
    case .dataChanged(let path, let reason):
      return
        "\(path): \(reason). Restore the run's data directory, or start a new run on the "
        + "new data."
    case .noCompletedEpoch(let path):
      return
        "\(path): the run ended before its first epoch, so it has no checkpoint to resume "
        + "from. Start a new run with the same options."
    case .foreignCheckpoint(let path, let expected, let found):
      return
        "\(path): model.ckpt was saved by \(found), but the run is \(expected). Put back "
        + "the run's own model.ckpt, or start a new run."
    }
  }
}

/// Returns `count` with "completed epoch" or "completed epochs".
func completedEpochs(_ count: Int) -> String {
  count == 1 ? "1 completed epoch" : "\(count) completed epochs"
}

extension TrainCommand {
  /// Continues the stored run `run` from its checkpoint for `arguments.options.epochs`
  /// epochs in total, or for its stored total when `--epochs` was not given.
  static func resume(run: String, arguments: TrainArguments, theme: ParsedTheme) throws
    -> Int32
  {
    let path = ShowCommand.resolve(run, runsDirectory: arguments.runsDirectory)
    let stored = try RunLogReader.read(directory: path)
    let directory = stored.directory
    guard let config = stored.config else { throw ResumeError.missingConfig(path: path) }
    if let status = stored.status, status.effectiveStatus == "running" {
      throw ResumeError.stillRunning(path: path, processID: status.processID)
    }

    let loggedEpochs = stored.epochs.map(\.epoch).max() ?? 0
    if loggedEpochs == 0 && !FileManager.default.fileExists(atPath: directory.checkpointPath) {
      throw ResumeError.noCompletedEpoch(path: path)
    }
    let checkpoint = try Checkpoint.read(from: directory.checkpointPath)
    // The run id and model must match, so a checkpoint copied from another run is caught.
    if checkpoint.runID != config.runID || checkpoint.model != config.model {
      throw ResumeError.foreignCheckpoint(
        path: directory.checkpointPath,
        expected: "run \(config.runID) of model \(config.model)",
        found: "run \(checkpoint.runID) of model \(checkpoint.model)")
    }
    let completed = checkpoint.epoch
    if loggedEpochs < completed {
      throw ResumeError.logBehindCheckpoint(
        path: path, loggedEpochs: loggedEpochs, checkpointEpoch: completed)
    }
    if loggedEpochs > completed {
      // The trainer logs an epoch before it replaces the checkpoint, so a run killed in
      // between has one logged epoch more than its checkpoint.
      writeError(
        "\(directory.eventsPath) records \(completedEpochs(loggedEpochs)), but "
          + "\(directory.checkpointPath) was saved after epoch \(completed); resuming from "
          + "the checkpoint, so epochs \(completed + 1) to \(loggedEpochs) are trained again.")
    }

    let total = try resumedEpochTotal(
      arguments: arguments, storedTotal: config.epochs, completed: completed)
    var options = try storedOptions(config: config, checkpoint: checkpoint, path: path)
    options.epochs = total
    options.checkpointPath = directory.checkpointPath

    let (format, dataset) = try DatasetLoader.load(directory: config.dataDirectory)
    writeError("reading \(format.displayName) data from \(dataset.directory)")
    // run.json stores the images trained on and held out, not --limit, so the limit is
    // their sum unless the run used every training image.
    let usedCount = config.trainCount + config.validationCount
    options.limit = usedCount < dataset.train.count ? usedCount : nil
    guard dataset.train.shape == checkpoint.inputShape else {
      throw ResumeError.dataChanged(
        path: config.dataDirectory,
        reason:
          "its images have the shape \(dataset.train.shape), but the checkpoint's model "
          + "takes \(checkpoint.inputShape)")
    }
    guard dataset.classNames == config.classNames else {
      throw ResumeError.dataChanged(
        path: config.dataDirectory,
        reason: "the classes \(dataset.classNames) differ from the run's \(config.classNames)")
    }
    // The id in the log, not the directory name, which differs for a copied run directory.
    let trainer = Trainer(
      options: options, dataset: dataset, runID: config.runID,
      resumePoint: ResumePoint(checkpoint: checkpoint, startedAt: config.startedAt))
    guard trainer.dataset.train.count == config.trainCount,
      trainer.dataset.test.count == config.testCount
    else {
      throw ResumeError.dataChanged(
        path: config.dataDirectory,
        reason:
          "it gives \(trainer.dataset.train.count) training and \(trainer.dataset.test.count) "
          + "test images, but the run trained on \(config.trainCount) and tested on "
          + "\(config.testCount)")
    }

    let writer = try RunLogWriter(directory: directory, appending: true)
    return train(
      trainer: trainer, writer: writer, headless: arguments.headless, theme: theme,
      history: history(of: stored, through: completed))
  }

  /// Returns the stored events of the epochs up to `epoch`, which the dashboard shows
  /// before the resumed run's own events, with the test scores of the last of them for
  /// the ROC curves and the threshold explorer.
  static func history(of run: StoredRun, through epoch: Int) -> [TrainingEvent] {
    var events: [TrainingEvent] = []
    for record in run.records {
      if let config = record.config, record.type == "runStarted" {
        events.append(.runStarted(config))
      } else if let batch = record.batch, batch.epoch <= epoch {
        events.append(.batchEnded(batch))
      } else if let summary = record.epoch, summary.epoch <= epoch {
        if summary.epoch == epoch, let reference = ShowCommand.testEvaluations(of: run)[epoch],
          let evaluation = try? RunLogReader.loadEvaluation(reference, in: run.directory)
        {
          events.append(.evaluated(evaluation))
        }
        events.append(.epochEnded(summary))
      }
    }
    return events
  }

  /// Returns the epoch total of the resumed run: `--epochs` when given, else the stored
  /// total. Either must be above the `completed` epochs of the checkpoint.
  static func resumedEpochTotal(arguments: TrainArguments, storedTotal: Int, completed: Int)
    throws -> Int
  {
    guard arguments.givenOptions.contains("--epochs") else {
      if storedTotal > completed { return storedTotal }
      throw CommandLineError.missingOption(
        "--epochs", command: "train --resume RUN",
        expected:
          "a new total above the \(completed) epochs that the run has completed, such as "
          + "\(completed + 1)")
    }
    let requested = arguments.options.epochs
    guard requested > completed else {
      throw CommandLineError.invalidValueWithReason(
        option: "--epochs", value: String(requested),
        reason:
          "--epochs sets the run's new total, and the run has already completed "
          + (completed == 1 ? "1 epoch" : "\(completed) epochs"),
        fix: "Pass --epochs \(completed + 1) or more.")
    }
    return requested
  }

  /// Rebuilds the training options of a stored run from its config and checkpoint: the
  /// optimiser and its settings from the checkpoint, the base learning rate, schedule,
  /// batch size, seed, augmentation and validation split from the config.
  static func storedOptions(config: RunConfig, checkpoint: Checkpoint, path: String) throws
    -> TrainingOptions
  {
    var options = TrainingOptions(
      model: config.model, epochs: config.epochs, batchSize: config.batchSize,
      seed: config.seed)
    switch checkpoint.optimizer {
    case .sgd(let sgd):
      options.optimizerKind = .sgd
      options.optimizer = sgd
    case .adam(let adam):
      options.optimizerKind = adam.decoupledWeightDecay ? .adamw : .adam
      options.optimizer.weightDecay = adam.weightDecay
    }
    // The checkpoint contains the rate of the last step, which a schedule has changed.
    options.optimizer.learningRate = config.learningRate
    options.validationSplit = config.validationSplit
    do {
      options.augmentation = try Augmentation.parse(config.augmentation)
    } catch {
      throw ResumeError.unreadableSetting(
        path: path, name: "augmentation", value: config.augmentation)
    }
    guard applySchedule(config.learningRateSchedule, to: &options) else {
      throw ResumeError.unreadableSetting(
        path: path, name: "learning-rate schedule", value: config.learningRateSchedule)
    }
    return options
  }

  /// Sets the schedule of `options` from its run-log description, such as `cosine` or
  /// `step (every 2 epochs, gamma 0.1)`. Returns false for a description it cannot parse.
  static func applySchedule(_ description: String, to options: inout TrainingOptions) -> Bool {
    if let kind = ScheduleKind(rawValue: description), kind != .step {
      options.schedule = kind
      return true
    }
    let prefix = "step (every "
    guard description.hasPrefix(prefix), description.hasSuffix(")") else { return false }
    let inner = description.dropFirst(prefix.count).dropLast()
    let parts = inner.components(separatedBy: " epochs, gamma ")
    guard parts.count == 2, let stepEpochs = Int(parts[0]), stepEpochs >= 1,
      let gamma = Double(parts[1]), gamma > 0
    else { return false }
    options.schedule = .step
    options.scheduleStepEpochs = stepEpochs
    options.scheduleGamma = gamma
    return true
  }
}
