import Foundation
import LeptonEngine
import LeptonRender
import LeptonRuns
import LeptonTUI

/// `lepton train --model A --model B ...`: trains every model at once on the same data and
/// settings, one run directory each, with the OpenMP threads shared between them.
enum SideBySideTraining {
  /// One model's run.
  struct Member {
    var letter: String
    var directory: RunDirectory
    var writer: RunLogWriter
    var trainer: Trainer
  }

  static func run(parsed: TrainArguments, dataset: ImageDataset, theme: ParsedTheme) throws
    -> Int32
  {
    for model in parsed.models where !TrainCommand.modelFits(model, dataset: dataset) {
      return ExitStatus.usage
    }
    var options = parsed.options
    options.threadCount = threadShare(runCount: parsed.models.count)
    var members: [Member] = []
    for (index, model) in parsed.models.enumerated() {
      let (writer, trainer) = try TrainCommand.startRun(
        model: model, options: options, dataset: dataset, runsDirectory: parsed.runsDirectory)
      trainer.addObserver(writer)
      members.append(
        Member(
          letter: CompareCommand.letter(index), directory: writer.directory, writer: writer,
          trainer: trainer))
    }
    if let threads = options.threadCount {
      writeError(
        "training \(members.count) models side by side, \(threads) OpenMP "
          + "\(threads == 1 ? "thread" : "threads") each")
    }

    let decision = TerminalSupport.shouldUseHeadless(forceHeadless: parsed.headless)
    if let notice = decision.reason { writeError(notice) }
    var statuses =
      decision.headless ? runHeadless(members) : runDashboard(members, theme: theme)
    for (index, member) in members.enumerated() {
      member.writer.flushNow()
      if let error = member.writer.firstError {
        writeError(error.description)
        if statuses[index] == ExitStatus.success { statuses[index] = ExitStatus.failure }
      }
      print("Run \(member.letter) saved in \(member.directory.path)")
    }
    if decision.headless { printComparison(members) }
    return statuses.first { $0 != ExitStatus.success } ?? ExitStatus.success
  }

  /// Prints `lepton compare`'s text for the runs' last epochs with stored test scores, or
  /// nothing when a run has none.
  static func printComparison(_ members: [Member]) {
    do {
      var compared: [CompareCommand.Compared] = []
      for member in members {
        let stored = try RunLogReader.read(directory: member.directory.path)
        guard let last = try CompareCommand.lastEpoch(of: stored) else { return }
        compared.append(last)
      }
      print("")
      try CompareCommand.printText(compared, seed: 0)
    } catch {
      writeError("The runs cannot be compared: \(error)")
    }
  }

  /// Returns the OpenMP threads of each run: the runtime's count (`OMP_NUM_THREADS`, or one
  /// per core) split evenly, at least 1. Nil without an OpenMP runtime.
  static func threadShare(runCount: Int) -> Int? {
    guard let total = OpenMPThreads.maximum else { return nil }
    return max(1, total / max(1, runCount))
  }

  /// Trains every member while this thread waits, printing each run's text progress with
  /// its letter in front. One stop request, from a signal or a closed output, stops all.
  static func runHeadless(_ members: [Member]) -> [Int32] {
    let control = TrainingControl()
    let stopper = SignalStopper(control: control)
    defer { stopper.cancel() }
    var printers: [HeadlessPrinter] = []
    var results: [ResultBox] = []
    for member in members {
      let printer = HeadlessPrinter(control: control, linePrefix: "\(member.letter) | ")
      member.trainer.addObserver(printer)
      printers.append(printer)
      let result = ResultBox()
      member.trainer.start(control: control) { outcome in result.set(outcome) }
      results.append(result)
    }
    let outcomes = results.map { $0.wait() }
    let closed = printers.contains { $0.outputClosed }
    return outcomes.map {
      TrainCommand.exitStatus(for: $0, signal: closed ? SIGPIPE : stopper.signal)
    }
  }

  /// Trains every member while the comparison screen owns this thread, then prints how
  /// each run ended.
  static func runDashboard(_ members: [Member], theme: ParsedTheme) -> [Int32] {
    for warning in theme.warnings { writeError(warning) }
    let state = ComparisonState(
      runIDs: members.map(\.directory.id), bootstrapSeed: 0)
    let app: ComparisonApp
    do {
      app = try ComparisonApp(state: state, theme: theme.theme)
    } catch {
      writeError("\(error). Falling back to text output.")
      return runHeadless(members)
    }
    let control = TrainingControl()
    var results: [ResultBox] = []
    for (member, observer) in zip(members, app.observers) {
      member.trainer.addObserver(observer)
      let result = ResultBox()
      member.trainer.start(control: control) { outcome in result.set(outcome) }
      results.append(result)
    }
    let reason = app.run(control: control)
    // The screen is closed; let the trainers finish their current step and log the stop.
    control.requestStop(reason: reason.stopReason)
    let outcomes = results.map { $0.wait() }
    for warning in theme.warnings { writeError(warning) }
    var signal: Int32?
    if case .signal(_, let number) = reason { signal = number }
    return zip(members, outcomes).map { member, outcome in
      print("\(member.letter): \(TrainCommand.endLine(for: outcome))")
      return TrainCommand.exitStatus(for: outcome, signal: signal)
    }
  }
}
