import LeptonEngine

/// The options of `lepton evaluate`.
struct EvaluateArguments: Equatable {
  var checkpointPath = ""
  /// The `--data` directory, or nil to use the training run's data.
  var dataDirectory: String?
  var batchSize = 500
  var json = false
  var showHelp = false

  static let valueOptions = ["--checkpoint", "--data", "--batch"]
  static let flagOptions = ["--json"]

  static let help = """
    Usage: lepton evaluate --checkpoint PATH [options]

    Loads a checkpoint that 'lepton train' saved, predicts the test images of a
    data set in inference mode and prints a classification report: per-class
    precision, recall, F1, support and ROC AUC with their macro, weighted and
    micro averages, accuracy, loss, MAE, balanced accuracy, average precision
    and the confusion matrix with class names.

    Options:
      --checkpoint PATH   checkpoint file, such as runs/<run-id>/model.ckpt (required)
      --data DIR          data directory in any format that 'lepton train' reads;
                          its test images are evaluated (default: the data of
                          the run the checkpoint belongs to, from the run.json
                          beside it, else \(IDXDataset.defaultDirectory))
      --batch N           images per inference step (default 500, as in training)
      --json              print one JSON object instead: the checkpoint, the data
                          and every metric, per-class average precision included
      -h, --help          show this help

    The images are normalised with the checkpoint's statistics. They need the
    image shape and class count that the model was trained on.

    Exit status: 0 on success, 1 for a checkpoint or data set that is missing,
    invalid or does not fit the other, 2 for a command-line mistake.
    """

  static func parse(_ arguments: [String]) throws -> EvaluateArguments {
    var result = EvaluateArguments()
    var checkpointGiven = false
    var parser = OptionParser(
      command: "evaluate", arguments: arguments, valueOptions: valueOptions,
      flagOptions: flagOptions)
    while let token = try parser.next() {
      switch token {
      case .positional(let argument):
        throw CommandLineError.unexpectedArgument(argument, command: "evaluate")
      case .option(let name, let value):
        switch name {
        case "--help", "-h": result.showHelp = true
        case "--json": result.json = true
        case "--checkpoint":
          result.checkpointPath = try parseString(value, option: name, expected: "a file path")
          checkpointGiven = true
        case "--data":
          result.dataDirectory = try parseString(value, option: name, expected: "a directory")
        case "--batch": result.batchSize = try parseInteger(value, option: name, range: 1...65_536)
        default: throw CommandLineError.unknownOption(name, command: "evaluate", suggestion: nil)
        }
      }
    }
    if !checkpointGiven && !result.showHelp {
      throw CommandLineError.missingOption(
        "--checkpoint", command: "evaluate", expected: "the path of a model.ckpt file")
    }
    return result
  }
}
