import Foundation
import LeptonRuns
import Testing

/// `lepton train` with two `--model` options, without a terminal.
@Suite("Side-by-side training", .serialized)
struct SideBySideTrainingTests {
  @Test func twoModelsTrainIndependently() throws {
    let data = try TemporaryDirectory("lepton-data")
    let runs = try TemporaryDirectory("lepton-runs")
    let single = try TemporaryDirectory("lepton-single-run")
    defer {
      data.remove()
      runs.remove()
      single.remove()
    }
    try SyntheticIDX.write(to: data.path, trainCount: 300, testCount: 100)
    let common = ["--data", data.path, "--epochs", "2", "--batch", "32", "--headless"]

    // The same model twice: both runs start in the same second and must not share a
    // directory, and with the same seed and one thread each they must agree.
    let result = try LeptonProcess.run(
      ["train", "--model", "lenet5", "--model", "lenet5", "--runs-dir", runs.path] + common,
      environment: ["OMP_NUM_THREADS": "2"])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    #expect(result.standardError.contains("training 2 models side by side, 1 OpenMP thread each"))
    let lines = result.standardOutput.split(separator: "\n")
    #expect(lines.contains { $0.hasPrefix("A | Training lenet5") })
    #expect(lines.contains { $0.hasPrefix("B | Training lenet5") })
    #expect(lines.contains { $0.hasPrefix("Run A saved in ") })
    #expect(lines.contains { $0.hasPrefix("Run B saved in ") })

    let ids = try FileManager.default.contentsOfDirectory(atPath: runs.path).sorted()
    #expect(ids.count == 2)
    var accuracies: [[Double]] = []
    for id in ids {
      let run = try RunLogReader.read(directory: runs.appending(id))
      #expect(run.skippedLines.isEmpty)
      #expect(run.status?.status == "finished")
      #expect(run.epochs.map(\.epoch) == [1, 2])
      accuracies.append(run.epochs.map(\.test.accuracy))
    }

    // One run alone on one thread is the reference for both.
    let alone = try LeptonProcess.run(
      ["train", "--model", "lenet5", "--runs-dir", single.path] + common,
      environment: ["OMP_NUM_THREADS": "1"])
    #expect(alone.status == 0, "stderr: \(alone.standardError)")
    let aloneID = try #require(
      try FileManager.default.contentsOfDirectory(atPath: single.path).first)
    let reference = try RunLogReader.read(directory: single.appending(aloneID))
    let expected = reference.epochs.map(\.test.accuracy)
    #expect(expected.count == 2)
    for values in accuracies {
      #expect(values == expected)
    }
  }

  @Test func unfitModelIsRejectedBeforeTraining() throws {
    let data = try TemporaryDirectory("lepton-data")
    let runs = try TemporaryDirectory("lepton-runs")
    defer {
      data.remove()
      runs.remove()
    }
    try SyntheticIDX.write(to: data.path, trainCount: 100, testCount: 50)
    // Five 2x2 poolings shrink 28x28 images to nothing.
    let result = try LeptonProcess.run([
      "train", "--data", data.path, "--runs-dir", runs.path, "--headless", "--model", "lenet5",
      "--model", "pool2-pool2-pool2-pool2-pool2-dense10",
    ])
    #expect(result.status == 2)
    #expect(
      result.standardError.contains("--model pool2-pool2-pool2-pool2-pool2-dense10 does not fit"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: runs.path).isEmpty)
  }
}
