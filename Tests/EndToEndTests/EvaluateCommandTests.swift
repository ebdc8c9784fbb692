import Foundation
import LeptonEngine
import LeptonRuns
import Testing

/// A one-epoch headless run on a small synthetic IDX set, whose checkpoint the tests
/// evaluate.
struct TrainedRun {
  let data: TemporaryDirectory
  let runs: TemporaryDirectory
  /// Standard output of `lepton train`.
  let trainingOutput: String
  let run: StoredRun

  var checkpointPath: String { run.directory.checkpointPath }

  init() throws {
    data = try TemporaryDirectory("lepton-data")
    runs = try TemporaryDirectory("lepton-runs")
    try SyntheticIDX.write(to: data.path, trainCount: 600, testCount: 200)
    let result = try LeptonProcess.run([
      "train", "--data", data.path, "--epochs", "1", "--limit", "500", "--batch", "32",
      "--runs-dir", runs.path, "--headless",
    ])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    trainingOutput = result.standardOutput
    let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first)
    run = try RunLogReader.read(directory: runs.appending(id))
  }

  func remove() {
    data.remove()
    runs.remove()
  }
}

/// The fields of `lepton evaluate --json` that the tests compare.
struct EvaluateJSON: Decodable {
  struct CheckpointInfo: Decodable {
    var model: String
    var epoch: Int
    var runID: String
    var inputShape: [Int]
  }

  struct DataInfo: Decodable {
    var format: String
    var testCount: Int
  }

  struct Report: Decodable {
    struct Matrix: Decodable {
      var counts: [Int]
    }

    var accuracy: Double
    var loss: Double
    var sampleCount: Int
    var confusionMatrix: Matrix
  }

  var checkpoint: CheckpointInfo
  var data: DataInfo
  var classNames: [String]
  var report: Report
}

/// Returns the first line of `text` that starts with `prefix`.
func line(startingWith prefix: String, in text: String) -> String? {
  text.split(separator: "\n").first { $0.hasPrefix(prefix) }.map(String.init)
}

@Suite("Evaluate command", .serialized)
struct EvaluateCommandTests {
  @Test func reportMatchesTrainingRun() throws {
    let trained = try TrainedRun()
    defer { trained.remove() }
    let lastEpoch = try #require(trained.run.epochs.last)
    #expect(FileManager.default.fileExists(atPath: trained.checkpointPath))
    let checkpoint = try Checkpoint.read(from: trained.checkpointPath)
    #expect(checkpoint.epoch == 1)
    #expect(checkpoint.runID == trained.run.directory.id)

    let text = try LeptonProcess.run([
      "evaluate", "--checkpoint", trained.checkpointPath, "--data", trained.data.path,
    ])
    #expect(text.status == 0, "stderr: \(text.standardError)")
    let evaluatedAccuracy = try #require(line(startingWith: "accuracy ", in: text.standardOutput))
    let trainedAccuracy = try #require(
      line(startingWith: "accuracy ", in: trained.trainingOutput))
    #expect(evaluatedAccuracy == trainedAccuracy)
    for expected in [
      "Test results (200 samples)", "macro avg", "weighted avg", "micro avg", "AUC",
      "Confusion matrix", "balanced accuracy", "average precision, macro",
    ] {
      #expect(text.standardOutput.contains(expected), "missing '\(expected)'")
    }
    #expect(text.standardError.contains("reading IDX (MNIST-style) data"))

    let json = try LeptonProcess.run([
      "evaluate", "--checkpoint", trained.checkpointPath, "--data", trained.data.path,
      "--json",
    ])
    #expect(json.status == 0, "stderr: \(json.standardError)")
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "NaN")
    let output = try decoder.decode(EvaluateJSON.self, from: Data(json.standardOutput.utf8))
    #expect(output.report.accuracy == lastEpoch.test.accuracy)
    #expect(output.report.loss == lastEpoch.test.loss)
    #expect(output.report.sampleCount == 200)
    #expect(output.report.confusionMatrix.counts == lastEpoch.test.confusionMatrix.counts)
    #expect(output.checkpoint.model == "fmnist-cnn")
    #expect(output.checkpoint.epoch == 1)
    #expect(output.checkpoint.runID == trained.run.directory.id)
    #expect(output.checkpoint.inputShape == [1, 28, 28])
    #expect(output.data.format == "idx")
    #expect(output.data.testCount == 200)
    #expect(output.classNames == (0..<10).map(String.init))
  }

  @Test func defaultsToTheRunsData() throws {
    let trained = try TrainedRun()
    defer { trained.remove() }
    // Without --data, the run.json beside the checkpoint names the training data.
    let result = try LeptonProcess.run(["evaluate", "--checkpoint", trained.checkpointPath])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    #expect(result.standardError.contains("data from \(trained.data.path)"))
    let evaluated = line(startingWith: "accuracy ", in: result.standardOutput)
    #expect(evaluated != nil)
    #expect(evaluated == line(startingWith: "accuracy ", in: trained.trainingOutput))
  }

  @Test func dataThatDoesNotFitTheModel() throws {
    let trained = try TrainedRun()
    defer { trained.remove() }
    let other = try TemporaryDirectory("lepton-data")
    defer { other.remove() }

    try SyntheticIDX.write(to: other.path, trainCount: 20, testCount: 20, side: 32)
    let shape = try LeptonProcess.run([
      "evaluate", "--checkpoint", trained.checkpointPath, "--data", other.path,
    ])
    #expect(shape.status == 1)
    #expect(shape.standardError.contains(trained.checkpointPath))
    #expect(shape.standardError.contains("the model takes images of 1x28x28"))
    #expect(shape.standardError.contains("\(other.path) has images of 1x32x32"))

    // Eleven class names for labels 0 to 9 make the shape fit but not the class count.
    try SyntheticIDX.write(to: other.path, trainCount: 20, testCount: 20)
    let elevenNames = (0..<11).map { "c\($0)" }.joined(separator: "\n") + "\n"
    try Data(elevenNames.utf8).write(to: URL(fileURLWithPath: other.appending("classes.txt")))
    let classes = try LeptonProcess.run([
      "evaluate", "--checkpoint", trained.checkpointPath, "--data", other.path,
    ])
    #expect(classes.status == 1)
    #expect(classes.standardError.contains("the model has 10 classes, but \(other.path) has 11"))

    // Ten names that differ from the digits give a warning, and the report uses the
    // checkpoint's names.
    let tenNames = (0..<10).map { "c\($0)" }.joined(separator: "\n") + "\n"
    try Data(tenNames.utf8).write(to: URL(fileURLWithPath: other.appending("classes.txt")))
    let renamed = try LeptonProcess.run([
      "evaluate", "--checkpoint", trained.checkpointPath, "--data", other.path,
    ])
    #expect(renamed.status == 0, "stderr: \(renamed.standardError)")
    #expect(
      renamed.standardError.contains(
        "warning: class 0 is '0' in the checkpoint but 'c0' in \(other.path) (and 9 more classes)"
      ))
    #expect(renamed.standardOutput.contains("Confusion matrix"))
  }

  @Test func damagedCheckpoints() throws {
    let trained = try TrainedRun()
    defer { trained.remove() }
    let bytes = try Data(contentsOf: URL(fileURLWithPath: trained.checkpointPath))
    let cases: [(name: String, contents: Data, message: String)] = [
      ("text.ckpt", Data("not a checkpoint\n".utf8), "not a Lepton checkpoint"),
      ("short.ckpt", bytes.prefix(bytes.count - 100), "truncated checkpoint"),
    ]
    for item in cases {
      let path = trained.runs.appending(item.name)
      try item.contents.write(to: URL(fileURLWithPath: path))
      let result = try LeptonProcess.run([
        "evaluate", "--checkpoint", path, "--data", trained.data.path,
      ])
      #expect(result.status == 1, "\(item.name)")
      #expect(result.standardError.contains("\(path): \(item.message)"), "\(result.standardError)")
    }
    let missing = trained.runs.appending("absent.ckpt")
    let result = try LeptonProcess.run(["evaluate", "--checkpoint", missing])
    #expect(result.status == 1)
    #expect(result.standardError.contains("\(missing): checkpoint not found"))
  }

  @Test func usageErrorsAndHelp() throws {
    let noCheckpoint = try LeptonProcess.run(["evaluate", "--json"])
    #expect(noCheckpoint.status == 2)
    #expect(noCheckpoint.standardError.contains("missing option --checkpoint"))

    let badBatch = try LeptonProcess.run(["evaluate", "--checkpoint", "x.ckpt", "--batch", "0"])
    #expect(badBatch.status == 2)
    #expect(badBatch.standardError.contains("invalid value '0' for --batch"))

    let unknown = try LeptonProcess.run(["evaluate", "--chekpoint", "x.ckpt"])
    #expect(unknown.status == 2)
    #expect(unknown.standardError.contains("Did you mean '--checkpoint'?"))

    let positional = try LeptonProcess.run(["evaluate", "model.ckpt"])
    #expect(positional.status == 2)
    #expect(positional.standardError.contains("unexpected argument 'model.ckpt'"))

    for arguments in [["help", "evaluate"], ["evaluate", "--help"]] {
      let help = try LeptonProcess.run(arguments)
      #expect(help.status == 0, "\(arguments)")
      #expect(help.standardOutput.contains("Usage: lepton evaluate --checkpoint PATH"))
    }
    let topLevel = try LeptonProcess.run(["help"])
    #expect(topLevel.standardOutput.contains("evaluate"))
  }
}
