import Foundation
import LeptonEngine
import LeptonRender
import LeptonRuns
import LeptonTUI

/// `lepton show`: reopens a stored run in the dashboard, with `<` and `>` to move the
/// evaluation panels between epochs, or prints its epoch table and last report as text.
enum ShowCommand {
  static let help = """
    Usage: lepton show RUN [options]

    Reopens a stored run in the dashboard: the loss and accuracy curves, the
    epoch table, the confusion matrix and ROC curves, the per-class table (c)
    and the threshold explorer (t). < and > move the evaluation panels to the
    previous or next epoch. RUN is a run directory or the id of a run in
    --runs-dir. Without a terminal, or with --headless, it prints the epoch
    table and the last epoch's report instead.

    Options:
      --runs-dir DIR      directory of run ids (default runs)
      --theme NAME|PATH   colour theme for the dashboard (default: default)
      --headless          print text even on a terminal
      -h, --help          show this help

    Exit status: 0 on success, 1 for a missing or unreadable run, 2 for a
    command-line mistake.
    """

  static func run(arguments: [String]) throws -> Int32 {
    var runArgument: String?
    var runsDirectory = "runs"
    var themeName: String?
    var headless = false
    var parser = OptionParser(
      command: "show", arguments: arguments, valueOptions: ["--runs-dir", "--theme"],
      flagOptions: ["--headless"])
    while let token = try parser.next() {
      switch token {
      case .positional(let argument):
        guard runArgument == nil else {
          throw CommandLineError.unexpectedArgument(argument, command: "show")
        }
        runArgument = argument
      case .option(let name, let value):
        switch name {
        case "--help", "-h":
          print(help)
          return ExitStatus.success
        case "--runs-dir":
          runsDirectory = try parseString(value, option: name, expected: "a directory")
        case "--theme":
          themeName = try parseString(value, option: name, expected: "a theme name or path")
        case "--headless": headless = true
        default: throw CommandLineError.unknownOption(name, command: "show", suggestion: nil)
        }
      }
    }
    guard let runArgument else {
      throw CommandLineError.invalidValue(
        option: "RUN", value: "",
        expected: "a run directory or run id, such as "
          + "'lepton show runs/20261204-153012-fmnist-cnn'")
    }
    let theme = try loadTheme(themeName)

    let path = resolve(runArgument, runsDirectory: runsDirectory)
    let run = try RunLogReader.read(directory: path)
    if !run.skippedLines.isEmpty {
      writeError(
        "\(run.directory.eventsPath): skipped \(run.skippedLines.count) malformed "
          + "line\(run.skippedLines.count == 1 ? "" : "s") (first: line "
          + "\(run.skippedLines[0].line), \(run.skippedLines[0].reason))")
    }
    let references = testEvaluations(of: run)
    let events = replay(run, references: references)

    let decision = TerminalSupport.shouldUseHeadless(forceHeadless: headless)
    if let notice = decision.reason { writeError(notice) }
    if !decision.headless {
      do {
        let app = try DashboardApp(theme: theme.theme)
        for warning in theme.warnings { writeError(warning) }
        for event in events { app.observer.trainer(didEmit: event) }
        let directory = run.directory
        app.evaluationLoader = { epoch in
          guard let reference = references[epoch] else { return nil }
          return try RunLogReader.loadEvaluation(reference, in: directory)
        }
        let outcome = app.run(control: TrainingControl())
        if case .signal(_, let number) = outcome.reason { return 128 + number }
        return ExitStatus.success
      } catch {
        writeError("\(error). Falling back to text output.")
      }
    }
    printText(run)
    return ExitStatus.success
  }

  /// Returns `argument` when it is a directory, else the run of that id in `runsDirectory`.
  static func resolve(_ argument: String, runsDirectory: String) -> String {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory),
      isDirectory.boolValue
    {
      return argument
    }
    return (runsDirectory as NSString).appendingPathComponent(argument)
  }

  /// Returns the test-set score files of each epoch.
  static func testEvaluations(of run: StoredRun) -> [Int: EvaluationReference] {
    var references: [Int: EvaluationReference] = [:]
    for record in run.records {
      if let reference = record.evaluation, reference.split == "test" {
        references[reference.epoch] = reference
      }
    }
    return references
  }

  /// Rebuilds the events of a stored run. Only the last epoch's scores are loaded; the
  /// other epochs are loaded when `<` and `>` select them. A log without an end, from a
  /// killed run or one still training, ends with an interruption.
  static func replay(_ run: StoredRun, references: [Int: EvaluationReference]) -> [TrainingEvent] {
    var events: [TrainingEvent] = []
    let lastEpoch = references.keys.max()
    var ended = false
    for record in run.records {
      if let config = record.config, record.type == "runStarted" {
        events.append(.runStarted(config))
      } else if let config = record.config, let resumedFrom = record.resumedFrom,
        record.type == "runResumed"
      {
        events.append(.runResumed(RunResumption(config: config, resumedFromEpoch: resumedFrom)))
      } else if let batch = record.batch {
        events.append(.batchEnded(batch))
      } else if let reference = record.evaluation {
        guard reference.split == "test", reference.epoch == lastEpoch,
          let evaluation = try? RunLogReader.loadEvaluation(reference, in: run.directory)
        else { continue }
        events.append(.evaluated(evaluation))
      } else if let epoch = record.epoch {
        events.append(.epochEnded(epoch))
      } else if let summary = record.summary {
        events.append(.runFinished(summary))
        ended = true
      } else if let failure = record.failure {
        events.append(.runFailed(failure))
        ended = true
      }
    }
    if !ended {
      let completed = run.epochs.count
      let processEnded = run.status?.effectiveStatus == "interrupted"
      events.append(
        .runFailed(
          RunFailure(
            kind: .interrupted,
            message: processEnded
              ? "The log ends without a result: the training process was killed."
              : "The log ends without a result: the run is still training or was killed.",
            epoch: nil, step: nil, completedEpochs: completed)))
    }
    return events
  }

  /// Prints the run's epoch table and its last epoch's report.
  static func printText(_ run: StoredRun) {
    let config = run.config
    let count = run.epochs.count
    let total = config?.epochs ?? count
    let status = run.status?.effectiveStatus ?? "running"
    print(
      "Run \(run.directory.id): \(config?.model ?? "unknown model") on "
        + "\(config?.dataset ?? "unknown data"), \(count) of \(total) "
        + "\(total == 1 ? "epoch" : "epochs") completed, \(status)")
    let hasValidation = run.epochs.contains { $0.validation != nil }
    print(HeadlessText.epochTableHeader(includingValidation: hasValidation))
    for summary in run.epochs { print(HeadlessText.epochTableRow(summary)) }
    if let last = run.epochs.last {
      print("")
      print(HeadlessText.finalReport(last.test, classNames: config?.classNames ?? []))
    }
  }
}
