import Dispatch
import Foundation
import LeptonEngine
import LeptonRuns
import LeptonTUI

/// `lepton train`: loads the data, starts a run directory and trains with the
/// dashboard or, without a usable terminal, with plain-text progress.
enum TrainCommand {
  static func run(arguments: [String]) throws -> Int32 {
    let parsed = try TrainArguments.parse(arguments)
    if parsed.showHelp {
      print(TrainArguments.help)
      return ExitStatus.success
    }
    // Load the theme first, so a bad --theme is reported whether or not the dashboard runs.
    let theme = try loadTheme(parsed.theme)
    if let run = parsed.resume {
      return try resume(run: run, arguments: parsed, theme: theme)
    }
    let (format, dataset) = try DatasetLoader.load(directory: parsed.dataDirectory)
    writeError("reading \(format.displayName) data from \(dataset.directory)")
    try parsed.validate(against: dataset)
    if let limit = parsed.options.limit, limit > dataset.train.count {
      writeError(
        "--limit \(limit) is more than the \(dataset.train.count) training images; "
          + "training on all of them.")
    }
    if parsed.models.count > 1 {
      return try SideBySideTraining.run(parsed: parsed, dataset: dataset, theme: theme)
    }
    let model = parsed.options.model
    guard modelFits(model, dataset: dataset) else { return ExitStatus.usage }
    let (writer, trainer) = try startRun(
      model: model, options: parsed.options, dataset: dataset, runsDirectory: parsed.runsDirectory)
    return train(trainer: trainer, writer: writer, headless: parsed.headless, theme: theme)
  }

  /// Trains with the dashboard or headless while `writer` logs the run, then prints where
  /// the run is saved and returns the exit status. The dashboard shows the `history` events
  /// of a resumed run first.
  static func train(
    trainer: Trainer, writer: RunLogWriter, headless: Bool, theme: ParsedTheme,
    history: [TrainingEvent] = []
  ) -> Int32 {
    trainer.addObserver(writer)
    let decision = TerminalSupport.shouldUseHeadless(forceHeadless: headless)
    if let notice = decision.reason { writeError(notice) }
    var status: Int32
    if decision.headless {
      status = runHeadless(trainer: trainer)
    } else {
      status = runDashboard(trainer: trainer, theme: theme, history: history)
    }
    writer.flushNow()
    if let error = writer.firstError {
      writeError(error.description)
      status = status == ExitStatus.success ? ExitStatus.failure : status
    }
    print("Run saved in \(writer.directory.path)")
    return status
  }

  /// Checks that `model` builds for the data's image shape and class count, printing the
  /// reason when it does not.
  static func modelFits(_ model: String, dataset: ImageDataset) -> Bool {
    do {
      _ = try Network.describe(
        model: model, inputShape: dataset.train.shape, classCount: dataset.classCount)
      return true
    } catch {
      let shape = dataset.train.shape.map(String.init).joined(separator: "x")
      writeError(
        "--model \(model) does not fit \(dataset.name) (\(shape) images, "
          + "\(dataset.classCount) classes): \(error)")
      return false
    }
  }

  /// Creates the run directory of `model`, its log writer and a trainer. The caller adds the
  /// writer as the trainer's observer.
  static func startRun(
    model: String, options: TrainingOptions, dataset: ImageDataset, runsDirectory: String
  ) throws -> (RunLogWriter, Trainer) {
    // A layer string makes a long directory name, so such runs are named "custom".
    let directory = try RunDirectory.create(
      root: runsDirectory, model: Network.presetNames.contains(model) ? model : "custom")
    let writer = try RunLogWriter(directory: directory)
    var options = options
    options.model = model
    options.checkpointPath = directory.checkpointPath
    let trainer = Trainer(options: options, dataset: dataset, runID: directory.id)
    return (writer, trainer)
  }

  /// Trains on a background thread while this thread waits, printing text progress.
  static func runHeadless(trainer: Trainer) -> Int32 {
    let control = TrainingControl()
    let stopper = SignalStopper(control: control)
    defer { stopper.cancel() }
    let printer = HeadlessPrinter(control: control)
    trainer.addObserver(printer)
    let outcome = runToCompletion(trainer: trainer, control: control)
    // SIGPIPE is ignored, so report a closed output with the status it would have given.
    return exitStatus(for: outcome, signal: printer.outputClosed ? SIGPIPE : stopper.signal)
  }

  /// Trains on a background thread while the dashboard owns this thread.
  static func runDashboard(trainer: Trainer, theme: ParsedTheme, history: [TrainingEvent] = [])
    -> Int32
  {
    for warning in theme.warnings { writeError(warning) }
    let app: DashboardApp
    do {
      app = try DashboardApp(theme: theme.theme)
    } catch {
      writeError("\(error). Falling back to text output.")
      return runHeadless(trainer: trainer)
    }
    let control = TrainingControl()
    for event in history { app.observer.trainer(didEmit: event) }
    trainer.addObserver(app.observer)
    let result = ResultBox()
    trainer.start(control: control) { outcome in result.set(outcome) }
    let ending = app.run(control: control)
    // The screen is closed; let the trainer finish its current step and log the stop.
    control.requestStop(reason: ending.stopReason)
    let outcome = result.wait()
    // Warnings written before the dashboard opened were hidden behind its screen.
    for warning in theme.warnings { writeError(warning) }
    print(endLine(for: outcome))
    return exitStatus(for: outcome, signal: ending.signal)
  }

  /// Returns the line that ends a run's output: how far it got and why it ended.
  static func endLine(for outcome: Result<RunSummary, RunFailure>) -> String {
    switch outcome {
    case .success(let summary):
      let epochs = summary.completedEpochs == 1 ? "epoch" : "epochs"
      var line =
        "Finished \(summary.completedEpochs) \(epochs) in "
        + String(format: "%.1f", summary.totalSeconds) + " s of wall time"
      if let accuracy = summary.finalTest?.accuracy {
        line += String(format: ", test accuracy %.4f", accuracy)
      }
      return line + "."
    case .failure(let failure) where failure.kind == .interrupted:
      return "\(failure.message) Completed epochs: \(failure.completedEpochs)."
    case .failure(let failure):
      return "Run failed: \(failure.message) Completed epochs: \(failure.completedEpochs)."
    }
  }

  private static func runToCompletion(trainer: Trainer, control: TrainingControl) -> Result<
    RunSummary, RunFailure
  > {
    let result = ResultBox()
    trainer.start(control: control) { outcome in result.set(outcome) }
    return result.wait()
  }

  static func exitStatus(for outcome: Result<RunSummary, RunFailure>, signal: Int32?)
    -> Int32
  {
    switch outcome {
    // A signal that arrives after the last epoch interrupted nothing.
    case .success: return ExitStatus.success
    default: break
    }
    if let signal { return 128 + signal }
    switch outcome {
    case .success: return ExitStatus.success
    case .failure(let failure) where failure.kind == .interrupted: return ExitStatus.success
    case .failure(let failure):
      writeError(failure.message)
      return ExitStatus.failure
    }
  }
}

/// Carries the trainer's result from its thread to the waiting one.
final class ResultBox: @unchecked Sendable {
  private let condition = NSCondition()
  private var value: Result<RunSummary, RunFailure>?

  func set(_ outcome: Result<RunSummary, RunFailure>) {
    condition.lock()
    value = outcome
    condition.broadcast()
    condition.unlock()
  }

  /// Blocks until the trainer has delivered its result.
  func wait() -> Result<RunSummary, RunFailure> {
    condition.lock()
    defer { condition.unlock() }
    while true {
      if let value { return value }
      condition.wait()
    }
  }
}

/// Loads the `--theme` file, reporting a missing or unreadable one as a command-line
/// mistake.
func loadTheme(_ nameOrPath: String?) throws -> ParsedTheme {
  do {
    return try ThemeLoader.load(nameOrPath: nameOrPath)
  } catch {
    throw CommandLineError.invalidTheme(String(describing: error))
  }
}
