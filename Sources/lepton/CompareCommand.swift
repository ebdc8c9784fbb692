import Foundation
import LeptonEngine
import LeptonMetrics
import LeptonRender
import LeptonRuns
import LeptonTUI

/// `lepton compare`: the last epochs of two or more stored runs side by side, in the
/// comparison screen or as text, with McNemar's test and paired bootstrap intervals
/// against the first run.
enum CompareCommand {
  static let help = """
    Usage: lepton compare RUN RUN [RUN...] [options]

    Compares the last completed epoch of each run on the shared test set. On a
    terminal it opens a full-screen comparison with five views; with
    --headless, or without a terminal, it prints the same comparison as text:
    a table of test metrics with one column per run, the best value marked with
    * and the change against the first run; per-class F1 with changes;
    McNemar's test (exact binomial when fewer than 25 samples differ) and
    paired bootstrap 95% intervals for the accuracy and macro-F1 differences
    against the first run; and the configuration fields that differ. Runs
    evaluated on different test sets are rejected. Runs are lettered A, B, C
    in the order given, and A is the reference of every change.

    Keys of the comparison screen:
      1-5          views: curves, metrics, per-class F1, confusion matrix
                   difference (B - A), ROC curves per class
      Tab, S-Tab   next or previous view
      m            curves: next metric (train loss per step or epoch, train
                   accuracy, test loss, accuracy, macro F1 and AUC, and
                   validation loss and accuracy when the runs have them)
      x            curves: x axis by epoch or by global step
      s            curves: exponential moving average (weight 0.98) of the
                   step curves on or off
      l            curves: log y scale on or off (rejected when a value is
                   zero or negative)
      n            matrix: counts or row rates
      b            matrix: compare the next run with A (three or more runs)
      [ ]          ROC: previous or next class
      v            next colour theme (default, then the themes/ files)
      p            pause or resume runs that train side by side
                   (lepton train --model A --model B)
      ?            help
      q            quit

    Options:
      --runs-dir DIR      directory of run ids (default runs)
      --seed N            seed of the bootstrap resamples (default 0)
      --json              print every statistic as one JSON object instead
      --theme NAME|PATH   colour theme of the comparison screen (default: default)
      --headless          print text even on a terminal
      -h, --help          show this help

    Exit status: 0 on success, 1 for a missing run or different test sets, 2
    for a command-line mistake, 128 plus the signal number when a signal ends
    the comparison screen.
    """

  /// One run's last epoch with its test predictions.
  struct Compared {
    var id: String
    var config: RunConfig?
    var summary: EpochSummary
    var labels: [Int32]
    var predictions: [Int32]
  }

  static func run(arguments: [String]) throws -> Int32 {
    var runArguments: [String] = []
    var runsDirectory = "runs"
    var seed: UInt64 = 0
    var json = false
    var themeName: String?
    var headless = false
    var parser = OptionParser(
      command: "compare", arguments: arguments,
      valueOptions: ["--runs-dir", "--seed", "--theme"], flagOptions: ["--headless", "--json"])
    while let token = try parser.next() {
      switch token {
      case .positional(let argument): runArguments.append(argument)
      case .option(let name, let value):
        switch name {
        case "--help", "-h":
          print(help)
          return ExitStatus.success
        case "--runs-dir":
          runsDirectory = try parseString(value, option: name, expected: "a directory")
        case "--seed": seed = UInt64(try parseInteger(value, option: name, range: 0...Int.max))
        case "--json": json = true
        case "--theme":
          themeName = try parseString(value, option: name, expected: "a theme name or path")
        case "--headless": headless = true
        default: throw CommandLineError.unknownOption(name, command: "compare", suggestion: nil)
        }
      }
    }
    guard runArguments.count >= 2 else {
      throw CommandLineError.invalidValue(
        option: "RUN", value: runArguments.joined(separator: " "),
        expected: "at least two runs, such as 'lepton compare RUN_A RUN_B'")
    }
    let theme = try loadTheme(themeName)
    var runs: [Compared] = []
    var storedRuns: [StoredRun] = []
    for argument in runArguments {
      let path = ShowCommand.resolve(argument, runsDirectory: runsDirectory)
      let stored = try RunLogReader.read(directory: path)
      guard let compared = try lastEpoch(of: stored) else {
        writeError("\(path): the run has no completed epoch with stored test scores to compare.")
        return ExitStatus.failure
      }
      runs.append(compared)
      storedRuns.append(stored)
    }

    let first = runs[0]
    for other in runs.dropFirst() {
      do {
        try PairedComparison.checkSameTestSet(labelsA: first.labels, labelsB: other.labels)
      } catch {
        writeError("\(first.id) and \(other.id): \(error)")
        return ExitStatus.failure
      }
      // Equal labels do not prove equal images, so a different data directory is reported.
      if let firstData = first.config?.dataDirectory, let otherData = other.config?.dataDirectory,
        firstData != otherData
      {
        writeError(
          "warning: \(first.id) used \(firstData) and \(other.id) used \(otherData). Their test "
            + "labels match, so the comparison assumes the same test images; check that they are.")
      }
    }
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
      let data = try encoder.encode(try ComparisonJSON(runs, seed: seed))
      print(String(decoding: data, as: UTF8.self))
      return ExitStatus.success
    }

    let decision = TerminalSupport.shouldUseHeadless(forceHeadless: headless)
    if let notice = decision.reason { writeError(notice) }
    if !decision.headless {
      do {
        let state = try comparisonState(of: storedRuns, compared: runs, seed: seed)
        let app = try ComparisonApp(state: state, theme: theme.theme)
        for warning in theme.warnings { writeError(warning) }
        if case .signal(_, let number) = app.run() { return 128 + number }
        return ExitStatus.success
      } catch let error as TerminalError {
        writeError("\(error). Falling back to text output.")
      }
    }
    try printText(runs, seed: seed)
    return ExitStatus.success
  }

  /// Builds the comparison screen's state from every event of the stored runs, with
  /// the test scores of each run's last epoch that has them.
  static func comparisonState(of storedRuns: [StoredRun], compared: [Compared], seed: UInt64)
    throws -> ComparisonState
  {
    var state = ComparisonState(runIDs: compared.map(\.id), bootstrapSeed: seed)
    for (index, stored) in storedRuns.enumerated() {
      let references = ShowCommand.testEvaluations(of: stored)
      for event in ShowCommand.replay(stored, references: [:]) {
        state.apply(event, toRun: index)
      }
      if let reference = references[compared[index].summary.epoch] {
        state.setEvaluation(
          try RunLogReader.loadEvaluation(reference, in: stored.directory), forRun: index)
      }
    }
    return state
  }

  /// Prints the comparison as text: the runs, the metric and per-class tables, the
  /// statistics against A and the configuration differences.
  static func printText(_ runs: [Compared], seed: UInt64) throws {
    for (index, run) in runs.enumerated() {
      print(
        "\(letter(index))  \(run.id): \(run.config?.model ?? "unknown model"), "
          + "epoch \(run.summary.epoch)")
    }
    print("")
    print(metricTable(runs))

    print("")
    print(perClassTable(runs))
    print("")
    print(try statistics(runs, seed: seed))
    let differences = configurationDifferences(runs)
    print("")
    print(differences.isEmpty ? "Configuration: no differences" : differences)
  }

  /// Returns the run's last epoch that has test scores on disk, with argmax predictions.
  static func lastEpoch(of run: StoredRun) throws -> Compared? {
    let references = ShowCommand.testEvaluations(of: run)
    for summary in run.epochs.reversed() {
      guard let reference = references[summary.epoch] else { continue }
      let evaluation = try RunLogReader.loadEvaluation(reference, in: run.directory)
      let classes = evaluation.classCount
      let predictions = (0..<evaluation.sampleCount).map { row -> Int32 in
        let scores = evaluation.scores[(row * classes)..<((row + 1) * classes)]
        let best = scores.indices.max { scores[$0] < scores[$1] } ?? row * classes
        return Int32(best - row * classes)
      }
      return Compared(
        id: run.directory.id, config: run.config, summary: summary, labels: evaluation.labels,
        predictions: predictions)
    }
    return nil
  }

  /// Formats rows of cells as aligned columns, the first left-aligned and the rest right.
  static func columns(_ rows: [[String]]) -> String {
    let count = rows.map(\.count).max() ?? 0
    let widths = (0..<count).map { index in
      rows.map { index < $0.count ? $0[index].count : 0 }.max() ?? 0
    }
    return rows.map { row in
      row.enumerated().map { index, cell in
        let pad = String(repeating: " ", count: widths[index] - cell.count)
        return index == 0 ? cell + pad : pad + cell
      }.joined(separator: "  ")
    }.joined(separator: "\n")
  }

  /// Returns the column name of run `index`: A, B, C and so on.
  static func letter(_ index: Int) -> String {
    ComparisonText.letter(index)
  }

  /// Formats the test metrics of each run, the best marked with *, and changes against A.
  static func metricTable(_ runs: [Compared]) -> String {
    var header = ["metric"] + runs.indices.map { letter($0) + "  " }
    header += runs.indices.dropFirst().map { "\(letter($0)) - A" }
    var rows = [header]
    for metric in ComparisonText.metrics {
      let values = runs.map { metric.value($0.summary.test) }
      let best = ComparisonText.bestIndex(of: values, higherIsBetter: metric.higherIsBetter)
        .map { values[$0] }
      var row = [metric.name]
      row += values.map {
        ComparisonText.value($0) + ($0 == best && runs.count > 1 ? " *" : "  ")
      }
      row += values.dropFirst().map { ComparisonText.change($0, from: values[0]) }
      rows.append(row)
    }
    return "Test metrics of the last epoch (* marks the best)\n" + columns(rows)
  }

  /// Per-class F1 of each run and its change against the first.
  static func perClassTable(_ runs: [Compared]) -> String {
    let names = runs[0].config?.classNames ?? []
    var rows = [
      ["class"] + runs.indices.map(letter) + runs.indices.dropFirst().map { "\(letter($0)) - A" }
    ]
    for index in runs[0].summary.test.perClass.indices {
      let values = runs.map {
        index < $0.summary.test.perClass.count ? $0.summary.test.perClass[index].f1 : .nan
      }
      rows.append(
        [index < names.count ? names[index] : String(index)] + values.map(ComparisonText.value)
          + values.dropFirst().map { ComparisonText.change($0, from: values[0]) })
    }
    return "Per-class F1\n" + columns(rows)
  }

  /// McNemar's test and paired bootstrap intervals of each run against the first.
  static func statistics(_ runs: [Compared], seed: UInt64) throws -> String {
    let first = runs[0]
    let classCount = first.summary.test.classCount
    var lines = ["Against A, on \(first.labels.count) shared test images"]
    for (index, other) in runs.enumerated().dropFirst() {
      let statistics = try PairedStatistics(
        labels: first.labels, predictionsA: first.predictions, predictionsB: other.predictions,
        classCount: classCount, seed: seed)
      lines.append("  " + ComparisonText.mcNemarLine(statistics.mcNemar, letter: letter(index)))
      lines += ComparisonText.bootstrapLines(statistics, letter: letter(index)).map { "    " + $0 }
    }
    return lines.joined(separator: "\n")
  }

  /// Returns the configuration fields whose values differ between the runs, with each
  /// run's value ("unknown" for a run without run.json).
  static func differingFields(_ runs: [Compared]) -> [(field: String, values: [String])] {
    let fields: [(String, (RunConfig) -> String)] = [
      ("model", { $0.model }), ("parameters", { String($0.parameterCount) }),
      ("data", { $0.dataDirectory }), ("epochs", { String($0.epochs) }),
      ("batch", { String($0.batchSize) }), ("learning rate", { String($0.learningRate) }),
      ("optimizer", { $0.optimizer }), ("schedule", { $0.learningRateSchedule }),
      ("momentum", { String($0.momentum) }), ("weight decay", { String($0.weightDecay) }),
      ("augmentation", { $0.augmentation }), ("validation split", { String($0.validationSplit) }),
      ("seed", { String($0.seed) }), ("training images", { String($0.trainCount) }),
    ]
    return fields.compactMap { name, value in
      let values = runs.map { $0.config.map(value) ?? "unknown" }
      return Set(values).count > 1 ? (name, values) : nil
    }
  }

  /// Lists the configuration fields whose values differ between the runs.
  static func configurationDifferences(_ runs: [Compared]) -> String {
    let rows = differingFields(runs).map { [$0.field] + $0.values }
    guard !rows.isEmpty else { return "" }
    return "Configuration differences\n"
      + columns([["field"] + runs.indices.map(letter)] + rows)
  }
}
