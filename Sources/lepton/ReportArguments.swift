/// The options of `lepton report`.
struct ReportArguments: Equatable {
  var run = ""
  var className: String?
  var threshold = 0.5
  var epoch: Int?
  var sweep = false
  var steps = 20
  var selective = false
  var json = false
  var runsDirectory = "runs"
  var precisionTarget = 0.9
  var recallTarget = 0.9
  var histogramBins = 10
  var showHelp = false

  static let valueOptions = [
    "--class", "--threshold", "--epoch", "--steps", "--runs-dir", "--precision-target",
    "--recall-target", "--bins",
  ]
  static let flagOptions = ["--sweep", "--selective", "--json"]

  static let help = """
    Usage: lepton report RUN --class NAME [options]

    Reads the test scores that 'lepton train' saved for one epoch of a run and
    prints the metrics of one class against the rest at a decision threshold:
    the 2x2 confusion matrix, precision, recall, F1, false positive rate,
    false negative rate, specificity, accuracy, the ROC and precision-recall
    points, the next distinct scores above and below the threshold, preset
    thresholds and a score histogram. A sample is predicted positive when its
    score is >= the threshold. Precision with no sample predicted positive is
    undefined, and so are the other metrics whose denominator is zero.

    RUN is a run directory, or a run id under the runs directory.

    Options:
      --class NAME            class to report against the rest, one of the run's
                              class names (required unless --selective)
      --threshold X           decision threshold from 0 to 1 (default 0.5)
      --epoch N               epoch whose test scores are read
                              (default: the last epoch with a scores file)
      --sweep                 print a table over thresholds from 0 to 1 instead,
                              with the preset thresholds added
      --steps N               steps of the sweep from 0 to 1 (default 20, so 0.05 apart)
      --selective             report selective prediction instead: abstain when a
                              sample's top probability is below the threshold, and
                              print coverage, accuracy and the confusion matrix of
                              the kept samples (with --sweep, a table over thresholds)
      --precision-target X    precision of the 'precision >= X' preset (default 0.9)
      --recall-target X       recall of the 'recall >= X' preset (default 0.9)
      --bins N                bins of the score histogram over [0, 1] (default 10)
      --json                  print one JSON object instead; an undefined metric is
                              null, with its reason under "undefined"
      --runs-dir DIR          directory of run ids (default ./runs)
      -h, --help              show this help

    Exit status: 0 on success, 1 for a run or scores file that is missing or
    invalid, 2 for a command-line mistake, such as a class the run does not have.
    """

  static func parse(_ arguments: [String]) throws -> ReportArguments {
    var result = ReportArguments()
    var runGiven = false
    var parser = OptionParser(
      command: "report", arguments: arguments, valueOptions: valueOptions,
      flagOptions: flagOptions)
    while let token = try parser.next() {
      switch token {
      case .positional(let argument):
        guard !runGiven else {
          throw CommandLineError.unexpectedArgument(argument, command: "report")
        }
        result.run = argument
        runGiven = true
      case .option(let name, let value):
        try result.apply(name, value: value)
      }
    }
    guard !result.showHelp else { return result }
    if !runGiven {
      throw CommandLineError.missingArgument(
        "RUN", command: "report", expected: "a run directory or a run id")
    }
    if result.className == nil && !result.selective {
      throw CommandLineError.missingOption(
        "--class", command: "report", expected: "a class name of the run")
    }
    return result
  }

  private mutating func apply(_ name: String, value: String?) throws {
    let probability = "a number from 0 to 1"
    switch name {
    case "--help", "-h": showHelp = true
    case "--sweep": sweep = true
    case "--selective": selective = true
    case "--json": json = true
    case "--class": className = try parseString(value, option: name, expected: "a class name")
    case "--threshold":
      threshold = try parseDouble(value, option: name, range: 0...1, expected: probability)
    case "--epoch": epoch = try parseInteger(value, option: name, range: 1...1_000_000)
    case "--steps": steps = try parseInteger(value, option: name, range: 1...10_000)
    case "--runs-dir":
      runsDirectory = try parseString(value, option: name, expected: "a directory")
    case "--precision-target":
      precisionTarget = try parseDouble(value, option: name, range: 0...1, expected: probability)
    case "--recall-target":
      recallTarget = try parseDouble(value, option: name, range: 0...1, expected: probability)
    case "--bins": histogramBins = try parseInteger(value, option: name, range: 1...1000)
    default: throw CommandLineError.unknownOption(name, command: "report", suggestion: nil)
    }
  }
}
