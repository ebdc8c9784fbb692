import Foundation
import Testing

/// `lepton show` on a stored run whose score files are not all readable.
@Suite(
  .serialized,
  .enabled(if: TmuxSession.isAvailable, "tmux is not installed"),
  .enabled(if: (try? LeptonProcess.executable) != nil, "the lepton binary is not built"))
struct StoredRunScreenTests {
  @Test func epochKeysSkipMissingScores() async throws {
    let data = try TemporaryDirectory("lepton-data")
    let runs = try TemporaryDirectory("lepton-runs")
    defer {
      data.remove()
      runs.remove()
    }
    try SyntheticIDX.write(to: data.path, trainCount: 300, testCount: 100)
    let trained = try LeptonProcess.run([
      "train", "--data", data.path, "--runs-dir", runs.path, "--epochs", "3", "--headless",
    ])
    #expect(trained.status == 0, "stderr: \(trained.standardError)")
    let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first)
    let missing = runs.appending(id) + "/scores-test-epoch-2.npy"
    try FileManager.default.removeItem(atPath: missing)

    let binary = try LeptonProcess.executable.path
    let session = try TmuxSession(
      width: 120, height: 35,
      command: "sh -c '\(binary) show \(id) --runs-dir \(runs.path); echo exit=$?; stty -a; "
        + "echo modes-printed; sleep 30'",
      environment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"])
    defer { session.kill() }

    try await session.waitFor(text: "(counts, epoch 3)", timeout: .seconds(60))
    try session.sendKeys("<")
    let back = try await session.waitFor(text: "(counts, epoch 1)")
    #expect(back.contains("skipped epoch 2"), "\(back)")
    try session.sendKeys(">")
    try await session.waitFor(text: "(counts, epoch 3)")

    try session.sendKeys("q")
    let screen = try await session.waitFor(text: "modes-printed", timeout: .seconds(30))
    #expect(screen.contains("exit=0"))
    expectTerminalRestored(screen)
  }
}
