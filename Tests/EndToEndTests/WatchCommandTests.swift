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

  @Test func missingPathFails() throws {
    let result = try LeptonProcess.run(["watch", "/nonexistent/run"])
    #expect(result.status == 1)
    #expect(result.standardError.contains("/nonexistent/run: not found"))
  }
}
