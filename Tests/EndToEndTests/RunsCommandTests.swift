import Foundation
import Testing

/// `lepton runs` over a runs directory the test fills with real runs.
@Suite("Runs command", .serialized)
struct RunsCommandTests {
  @Test func listsSortsAndPrintsJSON() throws {
    let data = try TemporaryDirectory("lepton-data")
    let runs = try TemporaryDirectory("lepton-runs")
    defer {
      data.remove()
      runs.remove()
    }
    try SyntheticIDX.write(to: data.path, trainCount: 200, testCount: 50)
    for (model, epochs) in [("fmnist-cnn", "2"), ("lenet5", "1")] {
      let result = try LeptonProcess.run([
        "train", "--data", data.path, "--runs-dir", runs.path, "--model", model, "--epochs",
        epochs, "--headless",
      ])
      #expect(result.status == 0, "stderr: \(result.standardError)")
    }
    // A folder without a log is listed with its reason.
    try FileManager.default.createDirectory(
      atPath: runs.appending("empty-run"), withIntermediateDirectories: true)

    let text = try LeptonProcess.run(["runs", "--runs-dir", runs.path])
    #expect(text.status == 0, "stderr: \(text.standardError)")
    let lines = text.standardOutput.split(separator: "\n").map(String.init)
    #expect(lines.first?.hasPrefix("id") == true)
    let cnn = try #require(lines.first { $0.contains("-fmnist-cnn ") })
    #expect(cnn.contains(" finished "))
    #expect(cnn.split(separator: " ").contains("2"))
    let lenet = try #require(lines.first { $0.contains("-lenet5 ") })
    #expect(lenet.contains(" finished "))
    #expect(lines.contains { $0.hasPrefix("empty-run: ") })

    let json = try LeptonProcess.run([
      "runs", "--runs-dir", runs.path, "--json", "--sort", "epochs",
    ])
    #expect(json.status == 0)
    let rows = try #require(
      try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]])
    #expect(rows.count == 3)
    #expect(rows.first?["model"] as? String == "fmnist-cnn", "most epochs first")
    #expect(rows.first?["epochs"] as? Int == 2)
    let accuracy = try #require(rows.first?["accuracy"] as? Double)
    #expect(accuracy >= 0)
    #expect(accuracy <= 1)
    #expect(rows.last?["status"] as? String == "unreadable")

    let reversed = try LeptonProcess.run([
      "runs", "--runs-dir", runs.path, "--json", "--sort", "epochs", "--reverse",
    ])
    let reversedRows = try #require(
      try JSONSerialization.jsonObject(with: Data(reversed.standardOutput.utf8))
        as? [[String: Any]])
    #expect(reversedRows.first?["status"] as? String == "unreadable")
  }

  @Test func malformedLogsAreListedWithReason() throws {
    let data = try TemporaryDirectory("lepton-data")
    let runs = try TemporaryDirectory("lepton-runs")
    defer {
      data.remove()
      runs.remove()
    }
    try SyntheticIDX.write(to: data.path, trainCount: 200, testCount: 50)
    let result = try LeptonProcess.run([
      "train", "--data", data.path, "--runs-dir", runs.path, "--epochs", "1", "--headless",
    ])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first)
    let log = runs.appending(id) + "/events.jsonl"
    let handle = try #require(FileHandle(forWritingAtPath: log))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("{not json\n".utf8))
    try handle.close()
    // A folder whose log is one malformed line describes no run.
    let broken = runs.appending("broken-run")
    try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
    try Data("{not json\n".utf8).write(to: URL(fileURLWithPath: broken + "/events.jsonl"))

    let listing = try LeptonProcess.run(["runs", "--runs-dir", runs.path])
    #expect(listing.status == 0, "stderr: \(listing.standardError)")
    let lines = listing.standardOutput.split(separator: "\n").map(String.init)
    let brokenRow = try #require(lines.first { $0.hasPrefix("broken-run ") })
    #expect(brokenRow.contains(" unreadable "))
    #expect(!brokenRow.contains(" running "))
    #expect(
      lines.contains {
        $0.hasPrefix("broken-run: ") && $0.contains("no runStarted record")
          && $0.contains("1 malformed line skipped")
      }, "output:\n\(listing.standardOutput)")
    #expect(lines.contains("\(id): 1 malformed line"), "output:\n\(listing.standardOutput)")
  }

  @Test func missingDirectoryAndBadColumn() throws {
    let missing = try LeptonProcess.run(["runs", "--runs-dir", "/nonexistent/runs"])
    #expect(missing.status == 1)
    #expect(missing.standardError.contains("/nonexistent/runs: runs directory not found"))
    let column = try LeptonProcess.run(["runs", "--sort", "speed"])
    #expect(column.status == 2)
    #expect(column.standardError.contains("one of id, model, data, started"))
  }

  @Test func emptyDirectorySaysSo() throws {
    let runs = try TemporaryDirectory("lepton-runs")
    defer { runs.remove() }
    let result = try LeptonProcess.run(["runs", "--runs-dir", runs.path])
    #expect(result.status == 0)
    #expect(result.standardOutput.contains("No runs in \(runs.path)."))
  }
}
