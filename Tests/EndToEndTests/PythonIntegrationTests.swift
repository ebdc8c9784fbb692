import Foundation
import LeptonEngine
import LeptonMetrics
import LeptonRuns
import Testing

/// Runs `python3` with NumPy, found on `PATH` or at `/usr/bin/python3`.
private enum Python {
  /// The repository's `integrations/python` folder, found from this file's path.
  static let integrationDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("integrations/python").path

  struct Output {
    var status: Int32
    var standardOutput: String
    var standardError: String
  }

  enum LocatorError: Error, CustomStringConvertible {
    case notFound(tried: [String])
    var description: String {
      switch self {
      case .notFound(let tried):
        return "no python3 with NumPy found (tried \(tried.joined(separator: ", "))); "
          + "run 'bash .ci/install-deps' to install python3 and python3-numpy"
      }
    }
  }

  /// The first `python3` on `PATH`, then `/usr/bin/python3`, that imports NumPy.
  static let interpreter: Result<String, LocatorError> = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    var candidates = path.split(separator: ":").map { "\($0)/python3" }
    candidates.append("/usr/bin/python3")
    var tried: [String] = []
    for candidate in candidates where !tried.contains(candidate) {
      tried.append(candidate)
      guard FileManager.default.isExecutableFile(atPath: candidate),
        let output = try? run(candidate, ["-c", "import numpy"]), output.status == 0
      else { continue }
      return .success(candidate)
    }
    return .failure(.notFound(tried: tried))
  }()

  /// Runs the interpreter with NumPy, or throws naming the install step.
  static func run(_ arguments: [String]) throws -> Output {
    try run(try interpreter.get(), arguments)
  }

  static func run(_ executable: String, _ arguments: [String]) throws -> Output {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    process.environment = environment
    // Both streams go to files, so no full pipe can block the child.
    let files = try TemporaryDirectory("lepton-python-output")
    defer { files.remove() }
    let outputPath = files.appending("stdout")
    let errorPath = files.appending("stderr")
    for path in [outputPath, errorPath] {
      guard FileManager.default.createFile(atPath: path, contents: nil) else {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
      }
    }
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    let error = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
    defer {
      try? output.close()
      try? error.close()
    }
    process.standardOutput = output
    process.standardError = error
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return Output(
      status: process.terminationStatus,
      standardOutput: try String(contentsOfFile: outputPath, encoding: .utf8),
      standardError: try String(contentsOfFile: errorPath, encoding: .utf8))
  }
}

/// A script that writes a 2-epoch run of 4 made-up test samples with `lepton_run`.
///
/// Labels are cat, dog, dog, bird. Epoch 1 predicts cat, cat, cat, bird (2 of 4 right);
/// epoch 2 predicts cat, dog, cat, bird (3 of 4 right).
private let writerScript = """
  import sys
  sys.path.insert(0, sys.argv[1])
  from lepton_run import LeptonRun
  labels = [0, 1, 1, 2]
  scores = {
      1: [[0.7, 0.2, 0.1], [0.6, 0.3, 0.1], [0.5, 0.3, 0.2], [0.2, 0.2, 0.6]],
      2: [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.5, 0.3, 0.2], [0.2, 0.2, 0.6]],
  }
  with LeptonRun(sys.argv[2], model="py-net", dataset="made-up", classes=["cat", "dog", "bird"],
                 config={"epochs": 2, "batch_size": 2, "lr": 0.05, "steps_per_epoch": 2,
                         "dropout": 0.25}) as run:
      for epoch in (1, 2):
          for step in (1, 2):
              run.log_batch(step, 1.0 / (epoch + step), 0.05)
          run.log_epoch(epoch, train_loss=0.8 / epoch, test_scores=scores[epoch],
                        test_labels=labels)
  print(run.id)
  """

/// The Python module `integrations/python/lepton_run.py`: its own unit tests, and a run it
/// writes read back by `lepton runs`, `show`, `report`, `compare` and `watch`.
@Suite("Python integration", .serialized)
struct PythonIntegrationTests {
  @Test func pythonUnitTestsPass() throws {
    let result = try Python.run([
      "-m", "unittest", "discover", "-s", Python.integrationDirectory, "-p", "test_*.py", "-v",
    ])
    #expect(result.status == 0, "python unittest failed:\n\(result.standardError)")
    #expect(result.standardError.contains("\nOK"), "\(result.standardError)")
    #expect(!result.standardError.contains("Ran 0 tests"))
  }

  /// Writes the made-up run and returns its id.
  private func writeRun(into runs: TemporaryDirectory) throws -> String {
    let result = try Python.run(["-c", writerScript, Python.integrationDirectory, runs.path])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  @Test func leptonReadsARunWrittenFromPython() throws {
    let runs = try TemporaryDirectory("lepton-python-runs")
    defer { runs.remove() }
    let id = try writeRun(into: runs)
    #expect(id.hasSuffix("-py-net"), "run id \(id)")

    // lepton runs --json: the best accuracy is epoch 2's 3 of 4.
    let list = try LeptonProcess.run(["runs", "--runs-dir", runs.path, "--json"])
    #expect(list.status == 0, "stderr: \(list.standardError)")
    let rows = try #require(
      try JSONSerialization.jsonObject(with: Data(list.standardOutput.utf8)) as? [[String: Any]])
    #expect(rows.count == 1)
    let row = try #require(rows.first)
    #expect(row["id"] as? String == id)
    #expect(row["model"] as? String == "py-net")
    #expect(row["data"] as? String == "made-up")
    #expect(row["epochs"] as? Int == 2)
    #expect(row["status"] as? String == "finished")
    #expect(row["accuracy"] as? Double == 0.75)
    #expect(row["problem"] == nil)

    // lepton show --headless: both epochs, 50% then 75%, and the last confusion matrix.
    let show = try LeptonProcess.run(["show", id, "--runs-dir", runs.path, "--headless"])
    #expect(show.status == 0, "stderr: \(show.standardError)")
    let text = show.standardOutput
    #expect(text.contains("Run \(id): py-net on made-up, 2 of 2 epochs completed, finished"))
    let epochRows = text.split(separator: "\n").filter {
      $0.hasPrefix("    1 ") || $0.hasPrefix("    2 ")
    }
    #expect(epochRows.count == 2)
    #expect(epochRows.first?.contains("50.00%") == true, "\(text)")
    #expect(epochRows.last?.contains("75.00%") == true, "\(text)")
    #expect(text.contains("Test results (4 samples)"))
    #expect(text.contains("accuracy  0.7500"))
    #expect(text.contains("Confusion matrix"))

    // lepton report: dog scores of epoch 2 are 0.2, 0.8, 0.3, 0.2 with samples 1 and 2
    // dogs, so at 0.5 only sample 1 is predicted dog.
    let report = try LeptonProcess.run([
      "report", id, "--runs-dir", runs.path, "--class", "dog", "--threshold", "0.5",
    ])
    #expect(report.status == 0, "stderr: \(report.standardError)")
    let reportText = report.standardOutput
    #expect(reportText.contains("epoch 2, 4 test samples"), "\(reportText)")
    #expect(reportText.contains("TP 1 "))
    #expect(reportText.contains("FN 1"))
    #expect(reportText.contains("FP 0 "))
    #expect(reportText.contains("TN 2"))

    // lepton watch on the finished run prints both epochs and ends.
    let watch = try LeptonProcess.run(["watch", runs.appending(id), "--headless"])
    #expect(watch.status == 0, "stderr: \(watch.standardError)")
    #expect(watch.standardOutput.contains("\n    2 "))
    #expect(watch.standardOutput.contains("Finished 2 epochs"))
    #expect(!watch.standardError.contains("malformed"))
  }

  /// The metrics Python logged equal those Lepton computes from the `.npy` files it wrote.
  @Test func loggedReportsMatchLeptonsMetrics() throws {
    let runs = try TemporaryDirectory("lepton-python-runs")
    defer { runs.remove() }
    let id = try writeRun(into: runs)
    let run = try RunLogReader.read(directory: runs.appending(id))
    #expect(run.skippedLines.isEmpty)
    #expect(run.status?.status == "finished")
    #expect(run.status?.completedEpochs == 2)
    #expect(run.status?.processID == nil)
    let references = run.records.compactMap(\.evaluation)
    #expect(references.map(\.epoch) == [1, 2])
    #expect(run.epochs.map(\.test.accuracy) == [0.5, 0.75])
    for (reference, summary) in zip(references, run.epochs) {
      let evaluation = try RunLogReader.loadEvaluation(reference, in: run.directory)
      let expected = try ClassificationReport.compute(
        labels: evaluation.labels, probabilities: evaluation.scores,
        classCount: evaluation.classCount)
      let logged = summary.test
      #expect(logged.confusionMatrix == expected.confusionMatrix)
      #expect(logged.accuracy == expected.accuracy)
      #expect(abs(logged.loss - expected.loss) < 1e-12)
      #expect(abs(logged.meanAbsoluteError - expected.meanAbsoluteError) < 1e-12)
      for (name, value, reference) in [
        ("macro F1", logged.macro.f1, expected.macro.f1),
        ("macro AUC", logged.macro.auc, expected.macro.auc),
        ("micro AUC", logged.micro.auc, expected.micro.auc),
        ("weighted precision", logged.weighted.precision, expected.weighted.precision),
        ("macro AP", logged.macro.averagePrecision, expected.macro.averagePrecision),
        ("balanced accuracy", logged.balancedAccuracy, expected.balancedAccuracy),
      ] {
        #expect(abs(value - reference) < 1e-12, "\(name): \(value) vs \(reference)")
      }
      #expect(logged.macro.includedClasses == expected.macro.includedClasses)
      #expect(logged.perClass.map(\.undefined) == expected.perClass.map(\.undefined))
      #expect(logged.perClass.map(\.support) == expected.perClass.map(\.support))
    }

    // A second run on the same test set compares against the first.
    let other = try writeRun(into: runs)
    #expect(other != id)
    let compare = try LeptonProcess.run(["compare", id, other, "--runs-dir", runs.path])
    #expect(compare.status == 0, "stderr: \(compare.standardError)")
    #expect(compare.standardOutput.contains("Against A, on 4 shared test images"))
  }
}
