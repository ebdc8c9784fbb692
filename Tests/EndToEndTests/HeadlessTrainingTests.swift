import Foundation
import LeptonEngine
import LeptonRuns
import Testing

/// Trains the real executable on a small data set the test writes, without a terminal.
@Suite("Headless training", .serialized)
struct HeadlessTrainingTests {
  @Test func trainsAndLogsEveryEvent() throws {
    let data = try TemporaryDirectory("lepton-data")
    let runs = try TemporaryDirectory("lepton-runs")
    defer {
      data.remove()
      runs.remove()
    }
    try SyntheticIDX.write(to: data.path, trainCount: 600, testCount: 200)

    let result = try LeptonProcess.run([
      "train", "--data", data.path, "--epochs", "2", "--limit", "500", "--batch", "32",
      "--runs-dir", runs.path,
    ])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    #expect(result.standardOutput.contains("Epoch"))
    #expect(result.standardOutput.contains("Confusion matrix"))
    #expect(result.standardOutput.contains("Run saved in"))

    let runIDs = try FileManager.default.contentsOfDirectory(atPath: runs.path)
    #expect(runIDs.count == 1)
    let runPath = runs.appending(try #require(runIDs.first))
    let run = try RunLogReader.read(directory: runPath)
    #expect(run.skippedLines.isEmpty)

    let types = run.records.map(\.type)
    #expect(types.first == "runStarted")
    #expect(types.last == "runFinished")
    // 500 images in batches of 32 make 16 steps per epoch.
    #expect(types.filter { $0 == "batchEnded" }.count == 32)
    #expect(types.filter { $0 == "evaluated" }.count == 2)
    #expect(types.filter { $0 == "epochEnded" }.count == 2)

    let config = try #require(run.config)
    #expect(config.trainCount == 500)
    #expect(config.testCount == 200)
    #expect(config.stepsPerEpoch == 16)
    #expect(config.classNames == (0..<10).map(String.init))
    #expect(run.status?.status == "finished")
    #expect(run.status?.completedEpochs == 2)

    let lastEpoch = try #require(run.epochs.last)
    #expect(lastEpoch.test.sampleCount == 200)
    #expect(lastEpoch.test.confusionMatrix.counts.reduce(0, +) == 200)
    // The bands are easy to tell apart; a working network learns them in two epochs.
    #expect(lastEpoch.test.accuracy > 0.8)

    let reference = try #require(run.records.last { $0.type == "evaluated" }?.evaluation)
    let evaluation = try RunLogReader.loadEvaluation(reference, in: run.directory)
    #expect(evaluation.labels.count == 200)
    #expect(evaluation.scores.count == 2000)
    for row in 0..<200 {
      let sum = evaluation.scores[(row * 10)..<(row * 10 + 10)].reduce(0, +)
      #expect(abs(sum - 1) < 1e-4, "row \(row) sums to \(sum)")
    }
  }

  @Test func adamWithCosineIsLogged() throws {
    let data = try TemporaryDirectory("lepton-data")
    let runs = try TemporaryDirectory("lepton-runs")
    defer {
      data.remove()
      runs.remove()
    }
    try SyntheticIDX.write(to: data.path, trainCount: 200, testCount: 50)
    let result = try LeptonProcess.run([
      "train", "--data", data.path, "--epochs", "1", "--runs-dir", runs.path,
      "--optimizer", "adamw", "--lr-schedule", "cosine",
    ])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    #expect(result.standardError.contains("reading IDX (MNIST-style) data"))
    let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first)
    let config = try #require(try RunLogReader.read(directory: runs.appending(id)).config)
    #expect(config.optimizer == "adamw")
    #expect(config.learningRateSchedule == "cosine")
    // AdamW's PyTorch defaults apply when --lr and --weight-decay are not given.
    #expect(config.learningRate == 0.001)
    #expect(config.weightDecay == 0.01)
  }

  @Test func validationAndAugmentationAreReported() throws {
    let data = try TemporaryDirectory("lepton-data")
    let runs = try TemporaryDirectory("lepton-runs")
    defer {
      data.remove()
      runs.remove()
    }
    try SyntheticIDX.write(to: data.path, trainCount: 500, testCount: 100)
    let result = try LeptonProcess.run([
      "train", "--data", data.path, "--epochs", "2", "--batch", "32", "--runs-dir", runs.path,
      "--val-split", "0.2", "--augment", "crop2,flip",
    ])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    let output = result.standardOutput
    #expect(
      output.contains("400 training, 100 validation and 100 test images"), "output: \(output)")
    #expect(output.contains("augmentation crop2,flip"))
    let lines = output.split(separator: "\n").map(String.init)
    let header = try #require(lines.first { $0.hasPrefix("Epoch") })
    #expect(header.hasPrefix("Epoch  Train loss  Val loss  Val acc  Test loss  Accuracy"))
    // Each epoch row has a percentage in the validation accuracy column.
    let rows = lines.filter { $0.hasPrefix("    1  ") || $0.hasPrefix("    2  ") }
    #expect(rows.count == 2)
    for row in rows {
      let columns = row.split(separator: " ")
      try #require(columns.count == 13, "row: \(row)")
      #expect(columns[3].hasSuffix("%"), "row: \(row)")
    }

    let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first)
    let run = try RunLogReader.read(directory: runs.appending(id))
    let config = try #require(run.config)
    #expect(config.trainCount == 400)
    #expect(config.validationCount == 100)
    #expect(config.validationSplit == 0.2)
    #expect(config.augmentation == "crop2,flip")
    #expect(run.status?.config.validationCount == 100)
    #expect(run.epochs.count == 2)
    for epoch in run.epochs {
      let validation = try #require(epoch.validation, "epoch \(epoch.epoch)")
      #expect(validation.sampleCount == 100)
      #expect(validation.confusionMatrix.counts.reduce(0, +) == 100)
      #expect(validation.loss.isFinite)
      #expect(epoch.test.sampleCount == 100)
    }
    let lastValidation = try #require(run.epochs.last?.validation)
    #expect(lastValidation.accuracy > 0.5, "validation accuracy \(lastValidation.accuracy)")

    let evaluations = run.records.compactMap(\.evaluation)
    #expect(evaluations.map(\.split) == ["validation", "test", "validation", "test"])
    let reference = try #require(evaluations.first)
    #expect(reference.scoresFile == "scores-validation-epoch-1.npy")
    let scores = try RunLogReader.loadEvaluation(reference, in: run.directory)
    #expect(scores.labels.count == 100)
    #expect(scores.scores.count == 1000)
  }

  @Test func interruptKeepsCompletedEpochs() throws {
    let run = try LongRun()
    defer { run.remove() }
    // Wait until the first epoch is in the log, then interrupt as Ctrl-C would.
    let deadline = Date().addingTimeInterval(120)
    var epochLogged = false
    while Date() < deadline && !epochLogged {
      epochLogged = run.eventsText().contains("\"type\":\"epochEnded\"")
      Thread.sleep(forTimeInterval: 0.1)
    }
    #expect(epochLogged, "no epoch finished within 120 s")
    kill(run.process.processIdentifier, SIGINT)
    _ = run.output.fileHandleForReading.readDataToEndOfFile()
    run.process.waitUntilExit()
    #expect(run.process.terminationStatus == 128 + SIGINT)

    let stored = try run.read()
    #expect(stored.status?.status == "interrupted")
    #expect((stored.status?.completedEpochs ?? 0) >= 1)
    #expect(stored.epochs.count == stored.status?.completedEpochs)
    #expect(stored.records.last?.type == "runFailed")
    #expect(stored.records.last?.failure?.kind == .interrupted)
  }

  @Test func killedRunReopensWithCompletedEpochs() throws {
    let run = try LongRun()
    defer { run.remove() }
    let deadline = Date().addingTimeInterval(120)
    var epochs = 0
    while Date() < deadline && epochs < 2 {
      epochs = run.eventsText().components(separatedBy: "\"type\":\"epochEnded\"").count - 1
      Thread.sleep(forTimeInterval: 0.1)
    }
    #expect(epochs >= 2, "two epochs did not finish within 120 s")
    // SIGKILL gives the process no chance to flush or mark the run.
    kill(run.process.processIdentifier, SIGKILL)
    run.process.waitUntilExit()
    let stored = try run.read()
    #expect(stored.epochs.count >= 2)
    #expect(stored.status?.status == "running", "nothing could record the kill")
    #expect(stored.status?.effectiveStatus == "interrupted", "the process is gone")

    // The stored run reopens with every completed epoch and reports that it was cut short.
    let id = stored.directory.id
    let show = try LeptonProcess.run(["show", id, "--runs-dir", run.runs.path, "--headless"])
    #expect(show.status == 0, "stderr: \(show.standardError)")
    #expect(
      show.standardOutput.contains(
        "\(stored.epochs.count) of 1000 epochs completed, interrupted"))
    #expect(show.standardOutput.contains("    2 "))
    let list = try LeptonProcess.run(["runs", "--runs-dir", run.runs.path])
    let row = list.standardOutput.split(separator: "\n").first { $0.hasPrefix(id) }
    #expect(row?.contains(" interrupted ") == true, "\(list.standardOutput)")
    let columns = row?.split(separator: " ").map(String.init) ?? []
    #expect(columns.contains(String(stored.epochs.count)), "epochs from the log: \(columns)")
    let watch = try LeptonProcess.run(["watch", stored.directory.path, "--headless"])
    #expect(watch.status == 0)
    #expect(watch.standardError.contains("the training process ended before the run finished"))
  }

  @Test func closedOutputStopsRunCleanly() throws {
    let run = try LongRun()
    defer { run.remove() }
    // Read the first line, then close the pipe, as `lepton train | head -1` does.
    let firstLine = run.output.fileHandleForReading.availableData
    #expect(String(decoding: firstLine, as: UTF8.self).hasPrefix("Training "))
    try run.output.fileHandleForReading.close()
    run.process.waitUntilExit()
    #expect(run.process.terminationStatus == 128 + SIGPIPE)

    let stored = try run.read()
    #expect(stored.status?.status == "interrupted")
    #expect(stored.records.last?.failure?.kind == .interrupted)
  }
}

/// A headless run of 1,000 epochs on a small data set, started for a test to stop.
struct LongRun {
  let data: TemporaryDirectory
  let runs: TemporaryDirectory
  let process: Process
  let output: Pipe

  init() throws {
    data = try TemporaryDirectory("lepton-data")
    runs = try TemporaryDirectory("lepton-runs")
    try SyntheticIDX.write(to: data.path, trainCount: 2000, testCount: 100)
    (process, output, _) = try LeptonProcess.start([
      "train", "--data", data.path, "--epochs", "1000", "--runs-dir", runs.path,
    ])
  }

  /// Returns the event log's text so far, or "" before the run directory exists.
  func eventsText() -> String {
    guard let id = try? FileManager.default.contentsOfDirectory(atPath: runs.path).first else {
      return ""
    }
    return (try? String(contentsOfFile: runs.appending(id) + "/events.jsonl", encoding: .utf8))
      ?? ""
  }

  /// Reads the run back from disk.
  func read() throws -> StoredRun {
    let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first)
    return try RunLogReader.read(directory: runs.appending(id))
  }

  func remove() {
    if process.isRunning { process.terminate() }
    data.remove()
    runs.remove()
  }
}

@Suite("Command-line errors")
struct CommandLineErrorTests {
  @Test func missingDataDirectory() throws {
    let result = try LeptonProcess.run(["train", "--data", "/nonexistent/fmnist", "--headless"])
    #expect(result.status == 1)
    #expect(result.standardError.contains("/nonexistent/fmnist"))
    #expect(result.standardError.contains("Check the path given to --data"))
  }

  @Test func negativeLearningRate() throws {
    let result = try LeptonProcess.run(["train", "--lr", "-1"])
    #expect(result.status == 2)
    #expect(result.standardError.contains("invalid value '-1' for --lr"))
  }

  @Test func zeroBatchAndTextEpochs() throws {
    let batch = try LeptonProcess.run(["train", "--batch", "0"])
    #expect(batch.status == 2)
    #expect(batch.standardError.contains("invalid value '0' for --batch"))
    let epochs = try LeptonProcess.run(["train", "--epochs", "abc"])
    #expect(epochs.status == 2)
    #expect(epochs.standardError.contains("invalid value 'abc' for --epochs"))
  }

  @Test func misspelledOptionGetsSuggestion() throws {
    let result = try LeptonProcess.run(["train", "--epcohs", "3"])
    #expect(result.status == 2)
    #expect(result.standardError.contains("unknown option '--epcohs'"))
    #expect(result.standardError.contains("Did you mean '--epochs'?"))
  }

  @Test func missingValue() throws {
    let result = try LeptonProcess.run(["train", "--seed"])
    #expect(result.status == 2)
    #expect(result.standardError.contains("missing value for --seed"))
  }

  @Test func invalidValidationSplit() throws {
    for value in ["1.5", "abc", "-0.1", "1"] {
      let result = try LeptonProcess.run(["train", "--val-split", value, "--headless"])
      #expect(result.status == 2, "--val-split \(value)")
      #expect(
        result.standardError.contains("invalid value '\(value)' for --val-split"),
        "stderr: \(result.standardError)")
      #expect(result.standardError.contains("from 0 to below 1"), "--val-split \(value)")
    }
  }

  @Test func validationSplitLeavingEmptyPart() throws {
    let data = try TemporaryDirectory("lepton-data")
    let runs = try TemporaryDirectory("lepton-runs")
    defer {
      data.remove()
      runs.remove()
    }
    try SyntheticIDX.write(to: data.path, trainCount: 20, testCount: 10)
    let small = try LeptonProcess.run([
      "train", "--data", data.path, "--runs-dir", runs.path, "--headless", "--val-split", "0.01",
    ])
    #expect(small.status == 2)
    #expect(
      small.standardError.contains(
        "invalid value '0.01' for --val-split: it holds out 0 of the 20 training images"),
      "stderr: \(small.standardError)")
    #expect(small.standardError.contains("from 1 to 19"))

    let single = try LeptonProcess.run([
      "train", "--data", data.path, "--runs-dir", runs.path, "--headless", "--limit", "1",
      "--val-split", "0.5",
    ])
    #expect(single.status == 2)
    #expect(single.standardError.contains("1 training image cannot be split"))
    // The check runs before the run directory is created.
    #expect(try FileManager.default.contentsOfDirectory(atPath: runs.path).isEmpty)
  }

  @Test func unknownAugmentation() throws {
    let result = try LeptonProcess.run(["train", "--augment", "crop4,rotate", "--headless"])
    #expect(result.status == 2)
    #expect(
      result.standardError.contains("invalid value 'crop4,rotate' for --augment"),
      "stderr: \(result.standardError)")
    #expect(result.standardError.contains("cropN and flip"))
    #expect(result.standardError.contains("'rotate' is not an augmentation"))
  }

  @Test func cropPaddingAsLargeAsImage() throws {
    let data = try TemporaryDirectory("lepton-data")
    defer { data.remove() }
    try SyntheticIDX.write(to: data.path, trainCount: 20, testCount: 10)
    let result = try LeptonProcess.run([
      "train", "--data", data.path, "--headless", "--augment", "flip,crop28",
    ])
    #expect(result.status == 2)
    #expect(
      result.standardError.contains("a padding of 28 is not smaller than the 28x28 images"),
      "stderr: \(result.standardError)")
  }

  @Test func unknownModel() throws {
    let result = try LeptonProcess.run(["train", "--model", "resnet9000", "--headless"])
    #expect(result.status == 2)
    #expect(result.standardError.contains("invalid value 'resnet9000' for --model"))
    #expect(result.standardError.contains("fmnist-cnn"))
  }

  @Test func unknownThemeWithoutDashboard() throws {
    let result = try LeptonProcess.run(["train", "--theme", "no-such-theme", "--headless"])
    #expect(result.status == 2)
    #expect(result.standardError.contains("no-such-theme"))
  }

  @Test func unwritableRunsDirectory() throws {
    let data = try TemporaryDirectory("lepton-data")
    defer { data.remove() }
    try SyntheticIDX.write(to: data.path, trainCount: 20, testCount: 10)
    let blocker = data.appending("file")
    try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
    let result = try LeptonProcess.run([
      "train", "--data", data.path, "--runs-dir", blocker + "/runs", "--headless",
    ])
    #expect(result.status == 1)
    #expect(result.standardError.contains("--runs-dir"))
  }
}
