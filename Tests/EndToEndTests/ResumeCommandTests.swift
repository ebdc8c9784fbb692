import Foundation
import LeptonEngine
import LeptonRuns
import Testing

/// A data set and runs directory for `lepton train --resume` tests.
struct ResumeFixture {
  let data: TemporaryDirectory
  let runs: TemporaryDirectory

  init(trainCount: Int = 300, testCount: Int = 50) throws {
    data = try TemporaryDirectory("lepton-data")
    runs = try TemporaryDirectory("lepton-runs")
    try SyntheticIDX.write(to: data.path, trainCount: trainCount, testCount: testCount)
  }

  /// Trains a headless run of `epochs` epochs with a limit, a validation split, augmentation
  /// and a step schedule, which the resume has to take over, and returns its id.
  func train(epochs: Int) throws -> String {
    let result = try LeptonProcess.run([
      "train", "--data", data.path, "--epochs", String(epochs), "--limit", "250",
      "--val-split", "0.2", "--batch", "32", "--augment", "flip", "--lr-schedule", "step",
      "--lr-step-epochs", "2", "--runs-dir", runs.path, "--headless",
    ])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    return try onlyRunID()
  }

  func onlyRunID() throws -> String {
    let ids = try FileManager.default.contentsOfDirectory(atPath: runs.path)
    #expect(ids.count == 1)
    return try #require(ids.first)
  }

  func directory(_ id: String) -> RunDirectory { RunDirectory(path: runs.appending(id)) }

  /// Runs `lepton train --resume id` with `extra` arguments and the fixture's runs directory.
  func resume(_ id: String, _ extra: [String] = []) throws -> LeptonProcess.Output {
    try LeptonProcess.run(["train", "--resume", id, "--runs-dir", runs.path] + extra)
  }

  func remove() {
    data.remove()
    runs.remove()
  }
}

/// Returns the epoch numbers of the `epochEnded` lines of a raw event log, in file order.
func loggedEpochNumbers(_ text: String) throws -> [Int] {
  let decoder = JSONDecoder()
  var numbers: [Int] = []
  for line in text.split(separator: "\n") where line.contains("\"type\":\"epochEnded\"") {
    let record = try decoder.decode(EventRecord.self, from: Data(line.utf8))
    numbers.append(try #require(record.epoch?.epoch))
  }
  return numbers
}

/// Returns the rows of an epoch table printed by `lepton show --headless`.
func epochRows(_ output: String) -> [Substring] {
  output.split(separator: "\n").filter { line in
    guard let first = line.split(separator: " ").first else { return false }
    return line.hasPrefix("    ") && Int(first) != nil
  }
}

@Suite("Resume command", .serialized)
struct ResumeCommandTests {
  @Test func resumeAppendsThirdEpoch() throws {
    let fixture = try ResumeFixture()
    defer { fixture.remove() }
    let id = try fixture.train(epochs: 2)
    let directory = fixture.directory(id)
    let logBefore = try String(contentsOfFile: directory.eventsPath, encoding: .utf8)

    let result = try fixture.resume(id, ["--epochs", "3", "--headless", "--theme", "light"])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    #expect(result.standardOutput.hasPrefix("Resuming after epoch 2: Training fmnist-cnn"))
    #expect(result.standardOutput.contains("Finished 3 epochs"))

    // The earlier lines are kept byte for byte and the new segment follows them.
    let logAfter = try String(contentsOfFile: directory.eventsPath, encoding: .utf8)
    #expect(logAfter.hasPrefix(logBefore))
    #expect(try loggedEpochNumbers(logAfter) == [1, 2, 3])

    let run = try RunLogReader.read(directory: directory.path)
    #expect(run.skippedLines.isEmpty)
    #expect(run.epochs.map(\.epoch) == [1, 2, 3])
    #expect(run.records.filter { $0.type == "runStarted" }.count == 1)
    let resumed = try #require(run.records.first { $0.type == "runResumed" })
    #expect(resumed.resumedFrom == 2)
    #expect(resumed.config?.epochs == 3)
    #expect(run.records.last?.type == "runFinished")
    #expect(run.status?.status == "finished")
    #expect(run.status?.completedEpochs == 3)
    #expect(run.status?.config.epochs == 3)
    #expect(run.config?.trainCount == 200)
    #expect(run.config?.validationCount == 50)
    #expect(run.config?.augmentation == "flip")
    #expect(run.config?.learningRateSchedule == "step (every 2 epochs, gamma 0.1)")

    // 200 training images in batches of 32 make 7 steps per epoch, and global steps
    // continue across the resume.
    let steps = run.records.compactMap(\.batch).map(\.globalStep)
    #expect(steps == Array(1...21))
    // The step schedule divides the rate by 10 from epoch 3 on.
    let rates = run.records.compactMap(\.batch).map(\.learningRate)
    #expect(rates.first == 0.01)
    let thirdEpochRate = try #require(rates.last ?? nil)
    #expect(abs(thirdEpochRate - 0.001) < 1e-12)

    let list = try LeptonProcess.run(["runs", "--runs-dir", fixture.runs.path, "--json"])
    #expect(list.status == 0, "stderr: \(list.standardError)")
    let rows = try #require(
      try JSONSerialization.jsonObject(with: Data(list.standardOutput.utf8)) as? [[String: Any]])
    #expect(rows.count == 1)
    #expect(rows.first?["epochs"] as? Int == 3)
    #expect(rows.first?["status"] as? String == "finished")

    let show = try LeptonProcess.run(["show", id, "--runs-dir", fixture.runs.path, "--headless"])
    #expect(show.status == 0, "stderr: \(show.standardError)")
    #expect(show.standardOutput.contains("3 of 3 epochs completed, finished"))
    let rowNumbers = epochRows(show.standardOutput).compactMap {
      $0.split(separator: " ").first.map(String.init)
    }
    #expect(rowNumbers == ["1", "2", "3"])

    let watch = try LeptonProcess.run(["watch", directory.path, "--headless"])
    #expect(watch.status == 0, "stderr: \(watch.standardError)")
    #expect(watch.standardOutput.contains("Resuming after epoch 2"))
    #expect(watch.standardOutput.contains("Finished 3 epochs"))

    let compare = try LeptonProcess.run([
      "compare", id, id, "--runs-dir", fixture.runs.path,
    ])
    #expect(compare.status == 0, "stderr: \(compare.standardError)")
  }

  @Test func killedRunResumesFromCheckpoint() throws {
    let fixture = try ResumeFixture(trainCount: 2000, testCount: 100)
    defer { fixture.remove() }
    let (process, output, _) = try LeptonProcess.start([
      "train", "--data", fixture.data.path, "--epochs", "3", "--runs-dir", fixture.runs.path,
    ])
    defer { if process.isRunning { process.terminate() } }
    // Kill the run once epoch 1 is logged and checkpointed, which is during epoch 2.
    let deadline = Date().addingTimeInterval(120)
    var checkpointEpoch = 0
    while Date() < deadline && checkpointEpoch < 1 {
      if let id = try? FileManager.default.contentsOfDirectory(atPath: fixture.runs.path).first,
        let checkpoint = try? Checkpoint.read(from: fixture.directory(id).checkpointPath)
      {
        checkpointEpoch = checkpoint.epoch
      }
      Thread.sleep(forTimeInterval: 0.05)
    }
    #expect(checkpointEpoch >= 1, "no checkpoint was saved within 120 s")
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    _ = output.fileHandleForReading.readDataToEndOfFile()

    let id = try fixture.onlyRunID()
    let directory = fixture.directory(id)
    let checkpoint = try Checkpoint.read(from: directory.checkpointPath)
    try #require(checkpoint.epoch == 1, "the run finished epoch 2 before the kill")
    let killed = try RunLogReader.read(directory: directory.path)
    #expect(killed.status?.effectiveStatus == "interrupted")
    #expect(killed.epochs.map(\.epoch) == [1])

    // Without --epochs the run continues to its stored total of 3.
    let result = try fixture.resume(id, ["--headless"])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    #expect(result.standardOutput.hasPrefix("Resuming after epoch 1: "))

    let run = try RunLogReader.read(directory: directory.path)
    #expect(run.epochs.map(\.epoch) == [1, 2, 3])
    #expect(run.status?.status == "finished")
    #expect(run.status?.completedEpochs == 3)
    // 2000 images in batches of 64 make 32 steps per epoch. Steps of epoch 2 that the
    // killed process logged are superseded by the resumed run's.
    let steps = run.records.compactMap(\.batch).map(\.globalStep)
    #expect(steps == Array(1...96))
    #expect(try Checkpoint.read(from: directory.checkpointPath).epoch == 3)
  }

  @Test func logAheadOfCheckpointRetrainsEpoch() throws {
    let fixture = try ResumeFixture()
    defer { fixture.remove() }
    let id = try fixture.train(epochs: 1)
    let directory = fixture.directory(id)
    let firstCheckpoint = try Data(contentsOf: URL(fileURLWithPath: directory.checkpointPath))
    let extended = try fixture.resume(id, ["--epochs", "2", "--headless"])
    #expect(extended.status == 0, "stderr: \(extended.standardError)")

    // As after a kill between the log write and the checkpoint rename: the log has epoch 2
    // but the checkpoint is epoch 1's. The log also ends inside a line.
    try firstCheckpoint.write(to: URL(fileURLWithPath: directory.checkpointPath))
    let handle = try #require(FileHandle(forWritingAtPath: directory.eventsPath))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("{\"schema\":1,\"type\":\"batchEn".utf8))
    try handle.close()

    let result = try fixture.resume(id, ["--headless"])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    #expect(result.standardError.contains("records 2 completed epochs"))
    #expect(result.standardError.contains("saved after epoch 1; resuming from the checkpoint"))
    #expect(result.standardOutput.hasPrefix("Resuming after epoch 1: "))

    let text = try String(contentsOfFile: directory.eventsPath, encoding: .utf8)
    #expect(try loggedEpochNumbers(text) == [1, 2, 2])
    let run = try RunLogReader.read(directory: directory.path)
    #expect(run.skippedLines.count == 1)
    #expect(run.epochs.map(\.epoch) == [1, 2])
    // 200 training images in batches of 32 make 7 steps per epoch, and the first
    // logging of epoch 2 is superseded.
    #expect(run.records.compactMap(\.batch).map(\.globalStep) == Array(1...14))
    #expect(run.records.filter { $0.type == "runFinished" }.count == 1)
    #expect(run.status?.status == "finished")
    let show = try LeptonProcess.run(["show", id, "--runs-dir", fixture.runs.path, "--headless"])
    #expect(epochRows(show.standardOutput).count == 2)
  }

  @Test func logBehindCheckpointIsRejected() throws {
    let fixture = try ResumeFixture()
    defer { fixture.remove() }
    let id = try fixture.train(epochs: 1)
    let directory = fixture.directory(id)
    let oneEpochLog = try Data(contentsOf: URL(fileURLWithPath: directory.eventsPath))
    let extended = try fixture.resume(id, ["--epochs", "2", "--headless"])
    #expect(extended.status == 0, "stderr: \(extended.standardError)")
    // The checkpoint now has 2 epochs, and the log is put back to 1.
    try oneEpochLog.write(to: URL(fileURLWithPath: directory.eventsPath))

    let result = try fixture.resume(id, ["--epochs", "3", "--headless"])
    #expect(result.status == 1)
    #expect(
      result.standardError.contains(
        "events.jsonl records 1 completed epoch, but model.ckpt was saved after epoch 2"),
      "\(result.standardError)")
    #expect(result.standardError.contains("Start a new run."))
    let unchanged = try Data(contentsOf: URL(fileURLWithPath: directory.eventsPath))
    #expect(unchanged == oneEpochLog)
  }

  @Test func runChangingOptionsAreRejected() throws {
    let fixture = try ResumeFixture()
    defer { fixture.remove() }
    let id = try fixture.train(epochs: 1)
    let cases: [[String]] = [
      ["--lr", "0.1"], ["--model", "lenet5"], ["--data", fixture.data.path], ["--batch", "8"],
      ["--optimizer", "adam"], ["--seed", "3"], ["--augment", "none"], ["--nesterov"],
    ]
    for extra in cases {
      let result = try fixture.resume(id, ["--epochs", "2", "--headless"] + extra)
      #expect(result.status == 2, "\(extra)")
      #expect(
        result.standardError.contains("\(extra[0]) cannot be used with --resume"),
        "\(result.standardError)")
      #expect(result.standardError.contains("Start a new run"), "\(result.standardError)")
    }
    let run = try RunLogReader.read(directory: fixture.directory(id).path)
    #expect(run.epochs.map(\.epoch) == [1])
  }

  @Test func epochTotalMustExceedCompleted() throws {
    let fixture = try ResumeFixture()
    defer { fixture.remove() }
    let id = try fixture.train(epochs: 2)

    let notLarger = try fixture.resume(id, ["--epochs", "2", "--headless"])
    #expect(notLarger.status == 2)
    #expect(notLarger.standardError.contains("invalid value '2' for --epochs"))
    #expect(notLarger.standardError.contains("already completed 2 epochs"))
    #expect(notLarger.standardError.contains("Pass --epochs 3 or more."))

    let finished = try fixture.resume(id, ["--headless"])
    #expect(finished.status == 2)
    #expect(finished.standardError.contains("missing option --epochs"))
    #expect(finished.standardError.contains("above the 2 epochs that the run has completed"))
  }

  @Test func runningRunIsRejected() throws {
    let fixture = try ResumeFixture(trainCount: 2000, testCount: 100)
    defer { fixture.remove() }
    let (process, output, _) = try LeptonProcess.start([
      "train", "--data", fixture.data.path, "--epochs", "1000", "--runs-dir", fixture.runs.path,
    ])
    defer { if process.isRunning { process.terminate() } }
    let deadline = Date().addingTimeInterval(120)
    var status: RunStatus?
    while Date() < deadline && status == nil {
      if let id = try? FileManager.default.contentsOfDirectory(atPath: fixture.runs.path).first {
        status = RunLogReader.readStatus(directory: fixture.directory(id))
      }
      Thread.sleep(forTimeInterval: 0.05)
    }
    let running = try #require(status, "run.json was not written within 120 s")
    let result = try fixture.resume(running.config.runID, ["--headless"])
    kill(process.processIdentifier, SIGINT)
    _ = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()

    #expect(result.status == 1)
    #expect(
      result.standardError.contains(
        "the run is still training in process \(process.processIdentifier)"),
      "\(result.standardError)")
  }

  @Test func missingOrCorruptCheckpointIsNamed() throws {
    let fixture = try ResumeFixture()
    defer { fixture.remove() }
    let id = try fixture.train(epochs: 1)
    let path = fixture.directory(id).checkpointPath

    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    bytes[bytes.count - 5] ^= 0xFF
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let corrupt = try fixture.resume(id, ["--epochs", "2", "--headless"])
    #expect(corrupt.status == 1)
    #expect(
      corrupt.standardError.contains("\(path): corrupt checkpoint"), "\(corrupt.standardError)")

    try FileManager.default.removeItem(atPath: path)
    let missing = try fixture.resume(id, ["--epochs", "2", "--headless"])
    #expect(missing.status == 1)
    #expect(missing.standardError.contains("\(path): checkpoint not found"))

    let unknown = try fixture.resume("no-such-run", ["--epochs", "2", "--headless"])
    #expect(unknown.status == 1)
    #expect(unknown.standardError.contains("no-such-run"))
  }

  @Test func foreignCheckpointIsRejected() throws {
    let fixture = try ResumeFixture()
    let other = try ResumeFixture()
    defer {
      fixture.remove()
      other.remove()
    }
    let id = try fixture.train(epochs: 1)
    // Another model, so the check still applies when both runs get the same id by
    // starting in the same second.
    let trained = try LeptonProcess.run([
      "train", "--data", other.data.path, "--runs-dir", other.runs.path, "--model", "lenet5",
      "--epochs", "1", "--headless",
    ])
    #expect(trained.status == 0, "stderr: \(trained.standardError)")
    let otherID = try other.onlyRunID()
    let path = fixture.directory(id).checkpointPath
    try FileManager.default.removeItem(atPath: path)
    try FileManager.default.copyItem(atPath: other.directory(otherID).checkpointPath, toPath: path)

    let result = try fixture.resume(id, ["--epochs", "2", "--headless"])

    #expect(result.status == 1)
    #expect(
      result.standardError.contains("model.ckpt was saved by run \(otherID) of model lenet5"),
      "\(result.standardError)")
    #expect(result.standardError.contains("but the run is run \(id)"))
  }

  @Test func runWithoutEpochIsRejected() throws {
    let fixture = try ResumeFixture()
    defer { fixture.remove() }
    let id = try fixture.train(epochs: 1)
    let directory = fixture.directory(id)
    // Keep only the runStarted line, as a run killed during its first epoch leaves it.
    let log = try String(contentsOfFile: directory.eventsPath, encoding: .utf8)
    let firstLine = try #require(log.split(separator: "\n").first)
    try (firstLine + "\n").write(toFile: directory.eventsPath, atomically: true, encoding: .utf8)
    try FileManager.default.removeItem(atPath: directory.checkpointPath)

    let result = try fixture.resume(id, ["--epochs", "2", "--headless"])

    #expect(result.status == 1)
    #expect(
      result.standardError.contains("the run ended before its first epoch"),
      "\(result.standardError)")
  }

  @Test func resumeGivenTwiceIsRejected() throws {
    let result = try LeptonProcess.run(["train", "--resume", "a", "--resume", "b"])
    #expect(result.status == 2)
    #expect(result.standardError.contains("--resume a was given already"))
  }

  @Test func helpDescribesResume() throws {
    let help = try LeptonProcess.run(["help", "train"])
    #expect(help.status == 0)
    #expect(help.standardOutput.contains("--resume RUN"))
    let flag = try LeptonProcess.run(["train", "--help"])
    #expect(flag.standardOutput.contains("--resume RUN"))
  }
}
