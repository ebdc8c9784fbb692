import Foundation
import Testing

/// `lepton watch` following a log that grows while it reads, and standard input.
@Suite("Watch command", .serialized)
struct WatchCommandTests {
  /// Trains a short run and returns its directory and event lines.
  func trainedRun(data: TemporaryDirectory, runs: TemporaryDirectory) throws
    -> (path: String, lines: [String])
  {
    try SyntheticIDX.write(to: data.path, trainCount: 200, testCount: 50)
    let result = try LeptonProcess.run([
      "train", "--data", data.path, "--runs-dir", runs.path, "--epochs", "2", "--headless",
    ])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first)
    let path = runs.appending(id)
    let text = try String(contentsOfFile: path + "/events.jsonl", encoding: .utf8)
    return (path, text.split(separator: "\n").map(String.init))
  }

  @Test func followsGrowingLogHeadless() throws {
    let data = try TemporaryDirectory("lepton-data")
    let runs = try TemporaryDirectory("lepton-runs")
    let followed = try TemporaryDirectory("lepton-followed")
    defer {
      data.remove()
      runs.remove()
      followed.remove()
    }
    let run = try trainedRun(data: data, runs: runs)
    // The score files are in place first, as a trainer writes them before their events.
    for name in try FileManager.default.contentsOfDirectory(atPath: run.path)
    where name.hasSuffix(".npy") {
      try FileManager.default.copyItem(
        atPath: run.path + "/" + name, toPath: followed.appending(name))
    }
    let log = followed.appending("events.jsonl")
    #expect(FileManager.default.createFile(atPath: log, contents: nil))

    let (process, output, error) = try LeptonProcess.start(["watch", followed.path, "--headless"])
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    let half = run.lines.count / 2
    handle.write(Data((run.lines[..<half].joined(separator: "\n") + "\n").utf8))
    Thread.sleep(forTimeInterval: 0.6)
    #expect(process.isRunning, "the viewer waits for more lines")
    handle.write(Data("{not json\n".utf8))
    handle.write(Data((run.lines[half...].joined(separator: "\n") + "\n").utf8))
    try handle.close()

    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let errors = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "stderr: \(errors)")
    #expect(text.contains("\n    1 "))
    #expect(text.contains("\n    2 "))
    #expect(text.contains("Confusion matrix"))
    #expect(errors.contains("skipped 1 malformed line(s)"))
  }

  @Test func readsStandardInput() throws {
    let data = try TemporaryDirectory("lepton-data")
    let runs = try TemporaryDirectory("lepton-runs")
    defer {
      data.remove()
      runs.remove()
    }
    let run = try trainedRun(data: data, runs: runs)
    let (process, output, error) = try LeptonProcess.start(
      ["watch", "-"], standardInput: run.lines.prefix(run.lines.count - 1).joined(separator: "\n"))
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let errors = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(text.contains("\n    2 "))
    // The last line, the end of the run, was left out.
    #expect(errors.contains("standard input ended without reporting the end of the run"))
  }

  /// Starts `lepton watch -` and writes `lines` to its standard input, which stays open as
  /// under `tail -f`. Returns its exit status, or nil when it still ran after 30 seconds,
  /// with its standard output and error.
  func watchOpenInput(_ lines: [String]) throws -> (status: Int32?, output: String, error: String) {
    let input = Pipe()
    let (process, output, error) = try LeptonProcess.start(["watch", "-"], input: input)
    defer { try? input.fileHandleForWriting.close() }
    input.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    let exited = LeptonProcess.waitForExit(process)
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let errors = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (exited ? process.terminationStatus : nil, text, errors)
  }

  @Test func openInputEndsWithFinishedRun() throws {
    let data = try TemporaryDirectory("lepton-data")
    let runs = try TemporaryDirectory("lepton-runs")
    defer {
      data.remove()
      runs.remove()
    }
    let run = try trainedRun(data: data, runs: runs)
    let result = try watchOpenInput(run.lines)
    #expect(result.status == 0, "stderr: \(result.error)")
    #expect(result.output.contains("\n    2 "))
    #expect(result.output.contains("Finished 2 epochs"), "output:\n\(result.output)")
    #expect(!result.error.contains("ended without"))
  }

  @Test func openInputEndsWithFailedRun() throws {
    let data = try TemporaryDirectory("lepton-data")
    let runs = try TemporaryDirectory("lepton-runs")
    defer {
      data.remove()
      runs.remove()
    }
    let run = try trainedRun(data: data, runs: runs)
    let failure =
      #"{"failure":{"completedEpochs":2,"kind":"diverged","message":"loss is NaN"},"#
      + #""schema":1,"time":0,"type":"runFailed"}"#
    let result = try watchOpenInput(run.lines.dropLast() + [failure])
    // A failed run ends `watch PATH` with status 0 too, because the viewer itself worked.
    #expect(result.status == 0, "stderr: \(result.error)")
    #expect(result.output.contains("loss is NaN"), "output:\n\(result.output)")
  }

  @Test func newerSchemaLinesAreNamed() throws {
    let data = try TemporaryDirectory("lepton-data")
    let runs = try TemporaryDirectory("lepton-runs")
    defer {
      data.remove()
      runs.remove()
    }
    let run = try trainedRun(data: data, runs: runs)
    var lines = run.lines
    let batch = try #require(lines.firstIndex { $0.contains(#""type":"batchEnded""#) })
    lines[batch] = lines[batch].replacingOccurrences(of: #""schema":1"#, with: #""schema":2"#)
    #expect(lines[batch].contains(#""schema":2"#))
    lines.insert(#"{"schema":3,"type":"someNewEvent","time":0,"other":[1]}"#, at: batch)
    let (process, output, error) = try LeptonProcess.start(
      ["watch", "-"], standardInput: lines.joined(separator: "\n"))
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let errors = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "stderr: \(errors)")
    #expect(text.contains("\n    2 "))
    #expect(!errors.contains("malformed"), "stderr: \(errors)")
    #expect(errors.contains("skipped 2 lines"), "stderr: \(errors)")
    #expect(errors.contains("schema version 3"), "stderr: \(errors)")
    #expect(errors.contains("Update Lepton"), "stderr: \(errors)")
  }

  @Test func missingLogIsAwaited() throws {
    let data = try TemporaryDirectory("lepton-data")
    let runs = try TemporaryDirectory("lepton-runs")
    let followed = try TemporaryDirectory("lepton-followed")
    defer {
      data.remove()
      runs.remove()
      followed.remove()
    }
    let run = try trainedRun(data: data, runs: runs)
    let (process, output, error) = try LeptonProcess.start(["watch", followed.path, "--headless"])
    let log = followed.appending("events.jsonl")
    // The log is created only after the notice, so the viewer cannot find it at start.
    let errors = PipeText(error)
    let notice = errors.waitFor("waiting for \(log) to appear")
    #expect(notice, "stderr: \(errors.text)")
    let text = run.lines.joined(separator: "\n") + "\n"
    #expect(FileManager.default.createFile(atPath: log, contents: Data(text.utf8)))
    let exited = LeptonProcess.waitForExit(process)
    let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(exited)
    #expect(printed.contains("\n    2 "))
  }

  @Test func missingPathFails() throws {
    let result = try LeptonProcess.run(["watch", "/nonexistent/run"])
    #expect(result.status == 1)
    #expect(result.standardError.contains("/nonexistent/run: not found"))
  }
}

/// The text of a pipe, collected by a background thread as it arrives.
final class PipeText: @unchecked Sendable {
  private let condition = NSCondition()
  private var collected = Data()

  init(_ pipe: Pipe) {
    let handle = pipe.fileHandleForReading
    Thread.detachNewThread { [self] in
      while true {
        let data = handle.availableData
        condition.lock()
        collected.append(data)
        condition.broadcast()
        condition.unlock()
        if data.isEmpty { return }
      }
    }
  }

  var text: String {
    condition.lock()
    defer { condition.unlock() }
    return String(decoding: collected, as: UTF8.self)
  }

  /// Waits until the text contains `expected`, for at most 30 seconds.
  func waitFor(_ expected: String) -> Bool {
    let deadline = Date(timeIntervalSinceNow: 30)
    condition.lock()
    defer { condition.unlock() }
    while !String(decoding: collected, as: UTF8.self).contains(expected) {
      if !condition.wait(until: deadline) { return false }
    }
    return true
  }
}
