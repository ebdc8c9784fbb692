import Foundation
import LeptonEngine

/// Exit statuses: 0 success, 1 a failed run or bad input, 2 a command-line mistake,
/// 128 + N when signal N stopped the run.
enum ExitStatus {
  static let success: Int32 = 0
  static let failure: Int32 = 1
  static let usage: Int32 = 2
}

let topLevelHelp = """
  Usage: lepton COMMAND [options]

  Trains and evaluates image classifiers in the terminal.

  Commands:
    train     train a CNN and watch it live (default data: Fashion-MNIST)
    evaluate  report a saved checkpoint's metrics on a data set's test images
    eval      report the metrics of any model's labels and scores in .npy files
    bench     measure training and evaluation speed in images per second
    models    list model presets with their layers, shapes and parameter counts
    show      reopen a stored run in the dashboard, epoch by epoch
    runs      list stored runs with their status and best metrics
    watch     follow a run that another program writes, or events on standard input
    compare   compare runs' last epochs: metrics, McNemar's test, bootstrap intervals
    report    show one class's metrics at a decision threshold from a run's saved scores
    help      show this help

  Run 'lepton COMMAND --help' for a command's options, and 'lepton --version' for the
  versions of Lepton and oneDNN.
  """

/// Writes `message` to standard error. A closed standard error, such as a pipe whose
/// reader has gone, drops the message: the non-throwing `write(_:)` traps on it.
func writeError(_ message: String) {
  try? FileHandle.standardError.write(contentsOf: Data(("lepton: " + message + "\n").utf8))
}

func runMain() -> Int32 {
  // A closed standard output becomes a write error that the commands handle, so the
  // run log records the stop, instead of a signal that kills the process mid-epoch.
  signal(SIGPIPE, SIG_IGN)
  var arguments = Array(CommandLine.arguments.dropFirst())
  guard !arguments.isEmpty else {
    print(topLevelHelp)
    return ExitStatus.usage
  }
  let command = arguments.removeFirst()
  do {
    switch command {
    case "train":
      return try TrainCommand.run(arguments: arguments)
    case "evaluate":
      return try EvaluateCommand.run(arguments: arguments)
    case "eval":
      return try EvalCommand.run(arguments: arguments)
    case "bench":
      return try BenchCommand.run(arguments: arguments)
    case "models":
      return try ModelsCommand.run(arguments: arguments)
    case "show":
      return try ShowCommand.run(arguments: arguments)
    case "runs":
      return try RunsCommand.run(arguments: arguments)
    case "watch":
      return try WatchCommand.run(arguments: arguments)
    case "compare":
      return try CompareCommand.run(arguments: arguments)
    case "report":
      return try ReportCommand.run(arguments: arguments)
    case "help", "--help", "-h":
      switch arguments.first {
      case "train": print(TrainArguments.help)
      case "evaluate": print(EvaluateArguments.help)
      case "eval": print(EvalArguments.help)
      case "bench": print(BenchCommand.help)
      case "models": print(ModelsCommand.grammar)
      case "show": print(ShowCommand.help)
      case "runs": print(RunsCommand.help)
      case "watch": print(WatchCommand.help)
      case "compare": print(CompareCommand.help)
      case "report": print(ReportArguments.help)
      case nil: print(topLevelHelp)
      case let topic?:
        throw CommandLineError.unknownCommand(
          topic,
          suggestion: closestMatch(
            to: topic,
            in: [
              "train", "evaluate", "eval", "bench", "models", "show", "runs", "watch", "compare",
              "report",
            ])
        )
      }
      return ExitStatus.success
    case "--version":
      print("lepton \(Versions.lepton) (oneDNN \(Versions.oneDNN))")
      return ExitStatus.success
    default:
      throw CommandLineError.unknownCommand(
        command,
        suggestion: closestMatch(
          to: command,
          in: [
            "train", "evaluate", "eval", "bench", "models", "show", "runs", "watch", "report",
            "help",
          ]))
    }
  } catch let error as CommandLineError {
    writeError(error.description)
    return ExitStatus.usage
  } catch {
    writeError(String(describing: error))
    return ExitStatus.failure
  }
}

exit(runMain())
