import Foundation
import LeptonRuns
import Testing

/// Runs `lepton train` with two models in tmux: the comparison screen follows both runs
/// live, `p` pauses them and `q` stops both and leaves.
@Suite(
  .serialized,
  .enabled(if: TmuxSession.isAvailable, "tmux is not installed"),
  .enabled(if: (try? LeptonProcess.executable) != nil, "the lepton binary is not built"))
final class SideBySideScreenTests {
  let workDirectory: URL

  init() throws {
    workDirectory = FileManager.default.temporaryDirectory
      .appendingPathComponent("lepton-side-by-side-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
  }

  deinit {
    try? FileManager.default.removeItem(at: workDirectory)
  }

  /// Returns the live progress part of the status line, such as "A epoch 2/4 40%  B ...".
  private func progress(in screen: String) -> String {
    let statusLine = screen.split(separator: "\n").last { $0.contains(" ? help") } ?? ""
    guard let start = statusLine.range(of: "  A ") else { return "" }
    guard let end = statusLine.range(of: "  m ", range: start.upperBound..<statusLine.endIndex)
    else { return String(statusLine[start.lowerBound...]) }
    return String(statusLine[start.lowerBound..<end.lowerBound])
  }

  @Test func pauseFollowAndStop() async throws {
    let data = workDirectory.appendingPathComponent("data").path
    let runs = workDirectory.appendingPathComponent("runs").path
    try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
    try SyntheticIDX.write(to: data, trainCount: 3000, testCount: 200)
    let binary = try LeptonProcess.executable.path
    let session = try TmuxSession(
      width: 120, height: 35,
      command: "sh -c '\(binary) train --data \(data) --runs-dir \(runs) --model lenet5 "
        + "--model fmnist-cnn --epochs 100 --batch 32; echo exit=$?; stty -a; "
        + "echo modes-printed; sleep 30'",
      environment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"])
    defer { session.kill() }

    try await session.waitFor(text: " TRAINING ", timeout: .seconds(120))
    try session.sendKeys("p")
    let paused = try await session.waitFor(text: " PAUSED ")
    // Steps and evaluations in progress still finish, which takes long on a loaded machine,
    // so wait until the progress stays the same for 2 seconds. It must within 60.
    var before = progress(in: try session.capture())
    var settled = false
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: .seconds(60))
    while !settled && clock.now < deadline {
      try await Task.sleep(for: .seconds(2))
      let after = progress(in: try session.capture())
      settled = !after.isEmpty && after == before
      before = after
    }
    #expect(!before.isEmpty, "no progress in:\n\(paused)")
    #expect(settled, "training went on while paused: \(before)")
    // Once settled, nothing moves for another 3 seconds.
    try await Task.sleep(for: .seconds(3))
    #expect(progress(in: try session.capture()) == before, "training resumed while paused")

    try session.sendKeys("p")
    try await session.waitFor(text: " TRAINING ")
    // The footer's statistics need a finished epoch of both runs.
    let compared = try await session.waitFor(text: "B - A: McNemar p ", timeout: .seconds(300))
    #expect(compared.contains("A epoch "))
    #expect(compared.contains("B epoch "))
    try session.sendKeys("2")
    try await session.waitFor(text: "Test metrics of the last epoch")
    // The checkout's themes/ are found next to the binary: default, then by name.
    try session.sendKeys("v")
    try await session.waitFor(text: "theme high-contrast")
    try session.sendKeys("v")
    try await session.waitFor(text: "theme light")

    try session.sendKeys("q")
    let screen = try await session.waitFor(text: "modes-printed", timeout: .seconds(60))
    #expect(screen.contains("exit=0"))
    expectTerminalRestored(screen)
    #expect(screen.contains("Run A saved in "))
    #expect(screen.contains("Run B saved in "))

    let ids = try FileManager.default.contentsOfDirectory(atPath: runs)
    #expect(ids.count == 2)
    for id in ids {
      let run = try RunLogReader.read(directory: "\(runs)/\(id)")
      let completed = try #require(run.status?.completedEpochs)
      #expect(completed >= 1)
      #expect(run.epochs.map(\.epoch) == Array(1...completed))
      // LeNet-5 trains fast enough to finish all 100 epochs on an idle machine.
      #expect(["interrupted", "finished"].contains(run.status?.status))
    }
  }
}
