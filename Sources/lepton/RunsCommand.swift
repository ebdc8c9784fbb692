import Foundation
import LeptonEngine
import LeptonRuns

/// `lepton runs`: one row per run in a runs directory, sortable by any column.
enum RunsCommand {
  static let help = """
    Usage: lepton runs [options]

    Lists the runs in a runs directory: id, model, data set, start time, epochs
    completed, status (running, finished, interrupted or failed) and the best
    test accuracy, macro F1 and macro AUC over the completed epochs.

    Options:
      --runs-dir DIR   directory of runs (default runs)
      --sort COLUMN    id, model, data, started, epochs, status, accuracy, f1
                       or auc (default started); numbers sort best first
      --reverse        reverse the order
      --json           print one JSON array of runs instead
      -h, --help       show this help

    A run whose log cannot be read is listed with its reason. Exit status: 0 on
    success, 1 when the runs directory cannot be read, 2 for a command-line
    mistake.
    """

  /// One listed run.
  struct Row: Encodable {
    var id: String
    var model: String
    var data: String
    var started: String
    var epochs: Int
    var status: String
    var accuracy: Double?
    var f1: Double?
    var auc: Double?
    /// The reason the run could not be read, or nil.
    var problem: String?
  }

  enum Column: String, CaseIterable {
    case id, model, data, started, epochs, status, accuracy, f1, auc
  }

  static func run(arguments: [String]) throws -> Int32 {
    var runsDirectory = "runs"
    var column = Column.started
    var reverse = false
    var json = false
    var parser = OptionParser(
      command: "runs", arguments: arguments, valueOptions: ["--runs-dir", "--sort"],
      flagOptions: ["--reverse", "--json"])
    while let token = try parser.next() {
      switch token {
      case .positional(let argument):
        throw CommandLineError.unexpectedArgument(argument, command: "runs")
      case .option(let name, let value):
        switch name {
        case "--help", "-h":
          print(help)
          return ExitStatus.success
        case "--runs-dir":
          runsDirectory = try parseString(value, option: name, expected: "a directory")
        case "--sort": column = try parseChoice(value, option: name, as: Column.self)
        case "--reverse": reverse = true
        case "--json": json = true
        default: throw CommandLineError.unknownOption(name, command: "runs", suggestion: nil)
        }
      }
    }

    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: runsDirectory)
    } catch {
      writeError(
        "\(runsDirectory): runs directory not found or not readable. Pass --runs-dir with "
          + "the directory 'lepton train --runs-dir' wrote to (default runs).")
      return ExitStatus.failure
    }
    var rows = names.sorted().compactMap { name -> Row? in
      let path = (runsDirectory as NSString).appendingPathComponent(name)
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
        isDirectory.boolValue
      else { return nil }
      return row(for: path, id: name)
    }
    rows = sorted(rows, by: column)
    if reverse { rows.reverse() }

    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
      print(String(decoding: try encoder.encode(rows), as: UTF8.self))
    } else if rows.isEmpty {
      print("No runs in \(runsDirectory).")
    } else {
      print(table(rows))
    }
    return ExitStatus.success
  }

  /// Reads one run. A run without a readable log becomes a row with the reason.
  static func row(for path: String, id: String) -> Row? {
    let run: StoredRun
    do {
      run = try RunLogReader.read(directory: path)
    } catch {
      return Row(
        id: id, model: "", data: "", started: "", epochs: 0, status: "unreadable",
        problem: String(describing: error))
    }
    let config = run.config
    let epochs = run.epochs
    func best(_ value: (EpochSummary) -> Double) -> Double? {
      epochs.map(value).filter { !$0.isNaN }.max()
    }
    return Row(
      id: id, model: config?.model ?? "", data: config?.dataset ?? "",
      started: config?.startedAt ?? "",
      // run.json counts epochs only when the run ends, while the log records each one.
      epochs: max(run.status?.completedEpochs ?? 0, epochs.count),
      status: run.status?.effectiveStatus ?? "running", accuracy: best { $0.test.accuracy },
      f1: best { $0.test.macro.f1 }, auc: best { $0.test.macro.auc },
      problem: malformedLinesProblem(count: run.skippedLines.count))
  }

  /// Returns the note for a run with `count` malformed lines, or nil for none.
  static func malformedLinesProblem(count: Int) -> String? {
    switch count {
    case 0: return nil
    case 1: return "1 malformed line"
    default: return "\(count) malformed lines"
    }
  }

  /// Sorts rows by `column`: text ascending, numbers best first, runs without a value last.
  static func sorted(_ rows: [Row], by column: Column) -> [Row] {
    func number(_ row: Row) -> Double? {
      switch column {
      case .epochs: return Double(row.epochs)
      case .accuracy: return row.accuracy
      case .f1: return row.f1
      case .auc: return row.auc
      default: return nil
      }
    }
    func text(_ row: Row) -> String {
      switch column {
      case .id: return row.id
      case .model: return row.model
      case .data: return row.data
      case .status: return row.status
      default: return row.started
      }
    }
    switch column {
    case .epochs, .accuracy, .f1, .auc:
      return rows.sorted { left, right in
        switch (number(left), number(right)) {
        case (let l?, let r?): return l != r ? l > r : left.id < right.id
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return left.id < right.id
        }
      }
    default:
      return rows.sorted { text($0) != text($1) ? text($0) < text($1) : $0.id < $1.id }
    }
  }

  /// Formats the rows as aligned columns under a header.
  static func table(_ rows: [Row]) -> String {
    func metric(_ value: Double?) -> String {
      value.map { String(format: "%.4f", $0) } ?? "-"
    }
    let header = ["id", "model", "data", "started", "epochs", "status", "accuracy", "F1", "AUC"]
    var cells = [header]
    for row in rows {
      cells.append([
        row.id, row.model, row.data, row.started, String(row.epochs), row.status,
        metric(row.accuracy), metric(row.f1), metric(row.auc),
      ])
    }
    let widths = header.indices.map { index in cells.map { $0[index].count }.max() ?? 0 }
    let numeric = Set([4, 6, 7, 8])
    var lines = cells.map { line in
      line.enumerated().map { index, cell in
        let pad = String(repeating: " ", count: widths[index] - cell.count)
        return numeric.contains(index) ? pad + cell : cell + pad
      }.joined(separator: "  ")
    }
    for row in rows where row.problem != nil {
      lines.append("\(row.id): \(row.problem ?? "")")
    }
    return lines.joined(separator: "\n")
  }
}
