/// The options of `lepton eval`.
struct EvalArguments: Equatable {
  var labelsPath = ""
  var scoresPath = ""
  var classNamesPath: String?
  var logits = false
  /// Index or name of the positive class of a binary task, as given.
  var positiveClass: String?
  var json = false
  /// Bootstrap resamples for the confidence intervals, 0 to skip them.
  var bootstrapResamples = 1000
  var seed: UInt64 = 0
  var showHelp = false

  static let valueOptions = [
    "--labels", "--scores", "--classes", "--positive", "--bootstrap", "--seed",
  ]
  static let flagOptions = ["--logits", "--json"]

  static let help = """
    Usage: lepton eval --labels L.npy --scores S.npy [options]

    Computes the classification report of any model's predictions, saved as
    NumPy .npy files: per-class precision, recall, F1, support, ROC AUC and
    average precision with their macro, weighted and micro averages,
    accuracy, loss, MAE, balanced accuracy and the confusion matrix.

    Options:
      --labels PATH      true class of each sample: integer .npy (int8, int16,
                         int32, int64 or uint8) of shape [N], values 0 to C-1
                         (required)
      --scores PATH      float32 or float64 .npy of shape [N, C], or [N] or
                         [N, 1] with the positive-class score of a binary
                         task (required)
      --classes PATH     text file with one class name per line, C lines, in
                         column order (default names 0 to C-1)
      --logits           the scores are logits, softmaxed once per row; a [N]
                         vector of logits z becomes [0, z], so its softmax is
                         the sigmoid of z
      --positive K       positive class of a binary task, by index or name
                         (default 1); [N] scores belong to it, and the other
                         column is 1 - s
      --bootstrap N      resamples for the 95% confidence intervals of accuracy,
                         macro F1 and macro AUC (default 1000; 0 skips them)
      --seed N           seed of the bootstrap resamples (default 0)
      --json             print one JSON object instead: every metric, the
                         per-class ROC and precision-recall curves, null for
                         undefined values, with the reason under "undefined"
      -h, --help         show this help

    Probability rows must sum to 1 within 1e-5. float64 scores are rounded to
    float32 for the report. The files are little-endian and in C order, as
    numpy.save writes them.

    Exit status: 0 on success, 1 for a file that is missing, invalid or does
    not fit the other, 2 for a command-line mistake.
    """

  static func parse(_ arguments: [String]) throws -> EvalArguments {
    var result = EvalArguments()
    var parser = OptionParser(
      command: "eval", arguments: arguments, valueOptions: valueOptions,
      flagOptions: flagOptions)
    while let token = try parser.next() {
      switch token {
      case .positional(let argument):
        throw CommandLineError.unexpectedArgument(argument, command: "eval")
      case .option(let name, let value):
        switch name {
        case "--help", "-h": result.showHelp = true
        case "--json": result.json = true
        case "--logits": result.logits = true
        case "--labels":
          result.labelsPath = try parseString(value, option: name, expected: "a .npy file path")
        case "--scores":
          result.scoresPath = try parseString(value, option: name, expected: "a .npy file path")
        case "--classes":
          result.classNamesPath = try parseString(value, option: name, expected: "a file path")
        case "--bootstrap":
          result.bootstrapResamples = try parseInteger(value, option: name, range: 0...100_000)
        case "--seed":
          result.seed = UInt64(try parseInteger(value, option: name, range: 0...Int.max))
        case "--positive":
          result.positiveClass = try parseString(
            value, option: name, expected: "a class index or name")
        default: throw CommandLineError.unknownOption(name, command: "eval", suggestion: nil)
        }
      }
    }
    guard !result.showHelp else { return result }
    if result.labelsPath.isEmpty {
      throw CommandLineError.missingOption(
        "--labels", command: "eval", expected: "a .npy file of integer labels")
    }
    if result.scoresPath.isEmpty {
      throw CommandLineError.missingOption(
        "--scores", command: "eval", expected: "a .npy file of float scores")
    }
    return result
  }
}
