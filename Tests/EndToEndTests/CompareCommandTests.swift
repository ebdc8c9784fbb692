import Foundation
import Testing

/// `lepton compare` on runs the test trains, sharing a test set or not.
@Suite("Compare command", .serialized)
struct CompareCommandTests {
  @Test func comparesRunsOnSharedTestSet() throws {
    let data = try TemporaryDirectory("lepton-data")
    let other = try TemporaryDirectory("lepton-other-data")
    let runs = try TemporaryDirectory("lepton-runs")
    defer {
      data.remove()
      other.remove()
      runs.remove()
    }
    try SyntheticIDX.write(to: data.path, trainCount: 200, testCount: 50)
    try SyntheticIDX.write(to: other.path, trainCount: 200, testCount: 40)
    var ids: [String] = []
    for (model, directory) in [
      ("fmnist-cnn", data.path), ("lenet5", data.path), ("lenet5", other.path),
    ] {
      let before = Set(try FileManager.default.contentsOfDirectory(atPath: runs.path))
      let result = try LeptonProcess.run([
        "train", "--data", directory, "--runs-dir", runs.path, "--model", model, "--epochs", "1",
        "--headless",
      ])
      #expect(result.status == 0, "stderr: \(result.standardError)")
      let after = Set(try FileManager.default.contentsOfDirectory(atPath: runs.path))
      ids.append(try #require(after.subtracting(before).first))
    }

    let result = try LeptonProcess.run(["compare", ids[0], ids[1], "--runs-dir", runs.path])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    let output = result.standardOutput
    #expect(output.contains("A  \(ids[0]): fmnist-cnn, epoch 1"))
    #expect(output.contains("B  \(ids[1]): lenet5, epoch 1"))
    #expect(output.contains("Against A, on 50 shared test images"))
    #expect(output.contains("  B: McNemar p = "))
    #expect(output.contains("accuracy B - A "))
    #expect(output.contains("model       fmnist-cnn  lenet5"))
    #expect(
      output.split(separator: "\n").contains { $0.hasPrefix("accuracy ") && $0.contains("*") })

    let refused = try LeptonProcess.run(["compare", ids[0], ids[2], "--runs-dir", runs.path])
    #expect(refused.status == 1)
    #expect(refused.standardError.contains("same test set"), "\(refused.standardError)")
  }

  @Test func needsTwoRuns() throws {
    let result = try LeptonProcess.run(["compare", "one-run"])
    #expect(result.status == 2)
    #expect(result.standardError.contains("at least two runs"))
  }
}
