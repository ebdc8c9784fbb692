import Foundation
import LeptonEngine
import LeptonRuns

/// The test scores of one epoch of a run, with the run's class names.
struct ReportInput {
  var run: StoredRun
  var evaluation: Evaluation
  var scoresPath: String
  var classNames: [String]

  /// Reads the run named by `arguments.run` and the test scores of the
  /// requested epoch, or of the last epoch whose scores file exists.
  static func load(_ arguments: ReportArguments) throws -> ReportInput {
    let directory = try resolveRunDirectory(arguments.run, runsDirectory: arguments.runsDirectory)
    let run = try RunLogReader.read(directory: directory)
    guard let config = run.config else {
      throw ReportError.missingConfig(path: run.directory.eventsPath)
    }
    let references = run.records.compactMap(\.evaluation).filter { $0.split == "test" }
    let reference = try chooseEvaluation(references, epoch: arguments.epoch, run: run)
    let scoresPath = run.directory.file(reference.scoresFile)
    guard FileManager.default.fileExists(atPath: scoresPath) else {
      throw ReportError.missingScores(path: scoresPath, epoch: reference.epoch)
    }
    let labelsPath = run.directory.file(reference.labelsFile)
    guard FileManager.default.fileExists(atPath: labelsPath) else {
      throw ReportError.missingScores(path: labelsPath, epoch: reference.epoch)
    }
    let evaluation = try RunLogReader.loadEvaluation(reference, in: run.directory)
    guard config.classNames.count == evaluation.classCount else {
      throw ReportError.classCountMismatch(
        path: scoresPath, scoreColumns: evaluation.classCount, classNames: config.classNames.count)
    }
    return ReportInput(
      run: run, evaluation: evaluation, scoresPath: scoresPath, classNames: config.classNames)
  }

  /// Returns the index of `name` among the class names.
  /// - Throws: `CommandLineError` listing the valid names.
  func classIndex(of name: String) throws -> Int {
    if let index = classNames.firstIndex(of: name) { return index }
    let quoted = classNames.map { "'\($0)'" }.joined(separator: ", ")
    throw CommandLineError.invalidValueWithReason(
      option: "--class", value: name, reason: "run \(run.directory.id) has no class of that name",
      fix: "Pass one of \(quoted).")
  }

  /// Returns `run` when it is a run directory, else `runsDirectory/run`.
  static func resolveRunDirectory(_ run: String, runsDirectory: String) throws -> String {
    let manager = FileManager.default
    let direct = RunDirectory(path: run)
    if manager.fileExists(atPath: direct.eventsPath) { return run }
    let underRoot = RunDirectory(path: (runsDirectory as NSString).appendingPathComponent(run))
    if manager.fileExists(atPath: underRoot.eventsPath) { return underRoot.path }
    throw ReportError.runNotFound(run: run, triedPaths: [direct.path, underRoot.path])
  }

  /// Returns the reference of `epoch`, or of the last epoch whose scores file exists.
  private static func chooseEvaluation(
    _ references: [EvaluationReference], epoch: Int?, run: StoredRun
  ) throws -> EvaluationReference {
    let epochs = references.map(\.epoch)
    if let epoch {
      guard let reference = references.last(where: { $0.epoch == epoch }) else {
        let available =
          epochs.isEmpty ? "The run has no test scores." : "Pass one of \(listed(epochs))."
        throw CommandLineError.invalidValueWithReason(
          option: "--epoch", value: String(epoch),
          reason: "run \(run.directory.id) has no test scores of that epoch", fix: available)
      }
      return reference
    }
    let existing = references.last {
      FileManager.default.fileExists(atPath: run.directory.file($0.scoresFile))
    }
    guard let reference = existing ?? references.last else {
      throw ReportError.noScores(path: run.directory.eventsPath)
    }
    return reference
  }

  private static func listed(_ epochs: [Int]) -> String {
    epochs.map(String.init).joined(separator: ", ")
  }
}

/// A run that `lepton report` cannot read. Each message names the path and the fix.
enum ReportError: Error, Equatable, CustomStringConvertible {
  case runNotFound(run: String, triedPaths: [String])
  case missingConfig(path: String)
  case noScores(path: String)
  case missingScores(path: String, epoch: Int)
  case classCountMismatch(path: String, scoreColumns: Int, classNames: Int)

  var description: String {
    switch self {
    case .runNotFound(let run, let triedPaths):
      let tried = triedPaths.map { "\($0)/events.jsonl" }.joined(separator: " or ")
      return
        "run '\(run)' not found: there is no \(tried). Pass a run directory that "
        + "'lepton train' wrote, or a run id with --runs-dir DIR for the directory that holds it."
    case .missingConfig(let path):
      return
        "\(path): the event log has no runStarted event, so the class names are unknown. "
        + "Pass a run that 'lepton train' started."
    case .noScores(let path):
      return
        "\(path): the run has no test scores yet. Train at least one epoch, or pass "
        + "another run."
    case .missingScores(let path, let epoch):
      return
        "\(path): file not found, but the event log lists it for epoch \(epoch). Restore "
        + "the file, pass --epoch with another epoch of the run, or train a new run."
    case .classCountMismatch(let path, let scoreColumns, let classNames):
      return
        "\(path): the scores have \(scoreColumns) columns but the run has \(classNames) "
        + "class names. Pass a run whose files were not mixed with another run's."
    }
  }
}
