import Foundation
import LeptonEngine
import LeptonMetrics
import LeptonRender
import LeptonRuns

/// `lepton evaluate`: loads a checkpoint and a data set, predicts the test images in
/// inference mode and prints the classification report as text or JSON.
enum EvaluateCommand {
  static func run(arguments: [String]) throws -> Int32 {
    let parsed = try EvaluateArguments.parse(arguments)
    if parsed.showHelp {
      print(EvaluateArguments.help)
      return ExitStatus.success
    }
    let checkpoint = try Checkpoint.read(from: parsed.checkpointPath)
    let dataDirectory = parsed.dataDirectory ?? trainingDataDirectory(of: parsed.checkpointPath)
    let (format, dataset) = try DatasetLoader.load(directory: dataDirectory)
    writeError("reading \(format.displayName) data from \(dataset.directory)")
    try checkCompatibility(checkpoint, path: parsed.checkpointPath, dataset: dataset)
    if let warning = classNameWarning(checkpoint: checkpoint, dataset: dataset) {
      writeError("warning: " + warning)
    }

    let probabilities = try predict(
      checkpoint: checkpoint, test: dataset.test, batchSize: parsed.batchSize)
    let report = try ClassificationReport.compute(
      labels: dataset.test.labels, probabilities: probabilities,
      classCount: checkpoint.classCount)
    if parsed.json {
      let output = EvaluationOutput(
        checkpoint: .init(checkpoint, path: parsed.checkpointPath),
        data: .init(
          directory: dataset.directory, name: dataset.name, format: format.rawValue,
          testCount: dataset.test.count, classNames: dataset.classNames),
        classNames: checkpoint.classNames, report: report)
      print(String(decoding: try EvaluationOutput.makeEncoder().encode(output), as: UTF8.self))
    } else {
      print(
        "Checkpoint  \(parsed.checkpointPath): \(checkpoint.model) after epoch "
          + "\(checkpoint.epoch) of run \(checkpoint.runID)")
      print(
        "Data        \(dataset.directory): \(dataset.test.count) test images of \(dataset.name)")
      print("")
      print(textReport(report, classNames: checkpoint.classNames))
    }
    return ExitStatus.success
  }

  /// Throws `EvaluateError` when the data's image shape or class count differs from the
  /// model's.
  static func checkCompatibility(_ checkpoint: Checkpoint, path: String, dataset: ImageDataset)
    throws
  {
    guard dataset.test.shape == checkpoint.inputShape else {
      throw EvaluateError.shapeMismatch(
        checkpointPath: path, checkpointShape: checkpoint.inputShape,
        dataDirectory: dataset.directory, dataShape: dataset.test.shape)
    }
    guard dataset.classCount == checkpoint.classCount else {
      throw EvaluateError.classCountMismatch(
        checkpointPath: path, checkpointClasses: checkpoint.classCount,
        dataDirectory: dataset.directory, dataClasses: dataset.classCount)
    }
  }

  /// Returns a warning naming the first class whose name differs, or nil when all match.
  static func classNameWarning(checkpoint: Checkpoint, dataset: ImageDataset) -> String? {
    let pairs = zip(checkpoint.classNames, dataset.classNames).enumerated()
    let differing = pairs.filter { $0.element.0 != $0.element.1 }
    guard let first = differing.first else { return nil }
    let others = differing.count - 1
    let more = others == 0 ? "" : " (and \(others) more \(others == 1 ? "class" : "classes"))"
    return
      "class \(first.offset) is '\(first.element.0)' in the checkpoint but "
      + "'\(first.element.1)' in \(dataset.directory)\(more). The report uses the "
      + "checkpoint's names."
  }

  /// Returns the data directory recorded in the `run.json` beside a checkpoint, or the
  /// default data directory when there is none.
  static func trainingDataDirectory(of checkpointPath: String) -> String {
    let runPath = (checkpointPath as NSString).deletingLastPathComponent
    let run = try? RunLogReader.read(directory: runPath.isEmpty ? "." : runPath)
    guard let directory = run?.config?.dataDirectory, !directory.isEmpty else {
      return IDXDataset.defaultDirectory
    }
    return directory
  }

  /// Returns the softmax probabilities of every image of `test`, `[count, classCount]`,
  /// predicted `batchSize` images at a time.
  static func predict(checkpoint: Checkpoint, test: ImageSplit, batchSize: Int) throws
    -> [Float]
  {
    // Evaluation runs inference plans only, so the training plan is kept to one image.
    let network = try Network(checkpoint: checkpoint, batchSize: 1)
    let images = checkpoint.normalization.normalizedImages(of: test)
    return try network.probabilities(images: images, labels: test.labels, batchSize: batchSize)
  }

  /// Formats the training run's final report under `title`, followed by the metrics it
  /// leaves out.
  static func textReport(
    _ report: ClassificationReport, classNames: [String], title: String = "Test results"
  ) -> String {
    func metric(_ value: Double) -> String { NumberFormat.metric(value, decimals: 4) }
    let lines = [
      HeadlessText.finalReport(report, classNames: classNames, title: title),
      "",
      "balanced accuracy           \(metric(report.balancedAccuracy))",
      "average precision, macro    \(metric(report.macro.averagePrecision))",
      "average precision, weighted \(metric(report.weighted.averagePrecision))",
      "average precision, micro    \(metric(report.micro.averagePrecision))",
    ]
    return lines.joined(separator: "\n")
  }
}

/// A checkpoint and a data set that do not fit each other.
enum EvaluateError: Error, Equatable, CustomStringConvertible {
  case shapeMismatch(
    checkpointPath: String, checkpointShape: [Int], dataDirectory: String, dataShape: [Int])
  case classCountMismatch(
    checkpointPath: String, checkpointClasses: Int, dataDirectory: String, dataClasses: Int)

  var description: String {
    switch self {
    case .shapeMismatch(let checkpointPath, let checkpointShape, let dataDirectory, let dataShape):
      return
        "\(checkpointPath): the model takes images of \(describe(checkpointShape)), but "
        + "\(dataDirectory) has images of \(describe(dataShape)). Pass --data with images "
        + "of the shape the model was trained on."
    case .classCountMismatch(
      let checkpointPath, let checkpointClasses, let dataDirectory, let dataClasses):
      return
        "\(checkpointPath): the model has \(checkpointClasses) classes, but \(dataDirectory) "
        + "has \(dataClasses). Pass --data with the classes the model was trained on."
    }
  }

  /// Describes `[channels, height, width]` as `1x28x28 (channels x height x width)`.
  private func describe(_ shape: [Int]) -> String {
    shape.map(String.init).joined(separator: "x") + " (channels x height x width)"
  }
}

/// The JSON object that `lepton evaluate --json` prints.
struct EvaluationOutput: Encodable {
  struct CheckpointInfo: Encodable {
    var path: String
    var model: String
    var specification: String
    var epoch: Int
    var runID: String
    var inputShape: [Int]
    var classNames: [String]

    init(_ checkpoint: Checkpoint, path: String) {
      self.path = path
      model = checkpoint.model
      specification = checkpoint.specification
      epoch = checkpoint.epoch
      runID = checkpoint.runID
      inputShape = checkpoint.inputShape
      classNames = checkpoint.classNames
    }
  }

  struct DataInfo: Encodable {
    var directory: String
    var name: String
    /// `DatasetFormat`'s raw value, such as `idx` or `cifar10`.
    var format: String
    var testCount: Int
    var classNames: [String]
  }

  var checkpoint: CheckpointInfo
  var data: DataInfo
  /// The class names of the report, which are the checkpoint's.
  var classNames: [String]
  var report: ClassificationReport

  /// Returns an encoder that writes one line with sorted keys and, as the event log does,
  /// non-finite numbers as the strings "NaN", "inf" and "-inf".
  static func makeEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "NaN")
    return encoder
  }
}
