import Foundation
import Testing

/// Runs the real `lepton compare` in tmux on two runs trained by the test, switches
/// through the comparison screen's views with keys, and checks the text output.
@Suite(
  .serialized,
  .enabled(if: TmuxSession.isAvailable, "tmux is not installed"),
  .enabled(if: (try? LeptonProcess.executable) != nil, "the lepton binary is not built"))
final class CompareEndToEndTests {
  let workDirectory: URL
  var runsPath: String { workDirectory.appendingPathComponent("runs").path }

  init() throws {
    workDirectory = FileManager.default.temporaryDirectory
      .appendingPathComponent("lepton-compare-e2e-\(UUID().uuidString.prefix(8))")
    let data = workDirectory.appendingPathComponent("data")
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    try SyntheticIDX.write(to: data.path, trainCount: 600, testCount: 100)
  }

  deinit {
    try? FileManager.default.removeItem(at: workDirectory)
  }

  /// Trains two small headless runs, a CNN for 2 epochs and LeNet-5 for 1, and returns
  /// their ids in that order.
  private func trainTwoRuns() throws -> [String] {
    let data = workDirectory.appendingPathComponent("data").path
    var ids: [String] = []
    for (model, epochs) in [("fmnist-cnn", "2"), ("lenet5", "1")] {
      let before = Set((try? FileManager.default.contentsOfDirectory(atPath: runsPath)) ?? [])
      let trained = try LeptonProcess.run([
        "train", "--data", data, "--runs-dir", runsPath, "--model", model, "--epochs", epochs,
        "--limit", "300", "--headless",
      ])
      #expect(trained.status == 0, "stderr: \(trained.standardError)")
      let after = Set(try FileManager.default.contentsOfDirectory(atPath: runsPath))
      ids.append(try #require(after.subtracting(before).first))
    }
    return ids
  }

  /// Starts `lepton compare` on `ids` in a 120x35 pane. The shell then prints the exit
  /// status, the terminal modes and `modes-printed`. It traps SIGINT so that Ctrl-C ends
  /// only `lepton`.
  private func compareSession(
    _ ids: [String], locale: String, extraEnvironment: [String: String] = [:]
  ) throws -> TmuxSession {
    let binary = try LeptonProcess.executable.path
    return try TmuxSession(
      width: 120, height: 35,
      command: "sh -c 'trap : INT; \(binary) compare \(ids.joined(separator: " ")) "
        + "--runs-dir \(runsPath); echo exit=$?; stty -a; echo modes-printed; sleep 30'",
      environment: ["LANG": locale, "LC_ALL": locale].merging(extraEnvironment) { $1 })
  }

  @Test func keysSwitchViewsAndQuit() async throws {
    let ids = try trainTwoRuns()
    let session = try compareSession(ids, locale: "C.UTF-8")
    defer { session.kill() }

    // The footer is drawn after the legend, so once it is on screen the frame is complete.
    let curves = try await session.waitFor(text: "B - A: McNemar p ", timeout: .seconds(60))
    #expect(curves.contains("test accuracy (x: epoch)"))
    #expect(curves.contains("1 Curves"))
    #expect(curves.contains("● A  \(ids[0])"), "legend of A:\n\(curves)")
    #expect(curves.contains("■ B  \(ids[1])"), "legend of B:\n\(curves)")
    #expect(curves.contains("B - A: McNemar p "))

    try session.sendKeys("m")
    try await session.waitFor(text: "test macro F1 (x: epoch)")
    try session.sendKeys("x")
    try await session.waitFor(text: "test macro F1 (x: step)")

    try session.sendKeys("2")
    // Each line is waited for, since a frame can arrive in parts.
    try await session.waitFor(text: "Test metrics of the last epoch")
    try await session.waitFor(text: "Against A, on 100 shared test images")
    try await session.waitFor(text: "B: McNemar p ")

    try session.sendKeys("3")
    try await session.waitFor(text: "Per-class test F1, change against A")

    try session.sendKeys("4")
    try await session.waitFor(text: "Confusion matrix B - A (counts)")
    try session.sendKeys("n")
    try await session.waitFor(text: "Confusion matrix B - A (row rates in percentage points)")

    try session.sendKeys("5")
    try await session.waitFor(text: "ROC of class 0 vs rest (1 of 10)")
    try session.sendKeys("]")
    try await session.waitFor(text: "ROC of class 1 vs rest (2 of 10)")
    try await session.waitFor(text: "A AUC ")
    try await session.waitFor(text: "B AUC ")

    try session.sendKeys("Tab")
    try await session.waitFor(text: "test macro F1 (x: step)")
    try session.sendKeys("?")
    try await session.waitFor(text: "views: curves, metrics, F1, matrix, ROC")
    try session.sendKeys("?")
    try await session.waitUntil("help closed") { !$0.contains("press ? to close") }

    try session.resize(width: 30, height: 8)
    try await session.waitFor(text: "needs 40x10")
    try session.resize(width: 120, height: 35)
    try await session.waitFor(text: "test macro F1 (x: step)")

    try session.sendKeys("q")
    let screen = try await session.waitFor(text: "modes-printed", timeout: .seconds(30))
    #expect(screen.contains("exit=0"))
    expectTerminalRestored(screen)
  }

  @Test func monochromeASCIIKeepsRunMarkers() async throws {
    let ids = try trainTwoRuns()
    let session = try compareSession(ids, locale: "C", extraEnvironment: ["NO_COLOR": "1"])
    defer { session.kill() }

    // The legend's last line is drawn after the title, so once it is on screen the frame is
    // complete.
    let screen = try await session.waitFor(text: "x B  \(ids[1])", timeout: .seconds(60))
    #expect(screen.contains("test accuracy (x: epoch)"))
    #expect(screen.contains("o A  \(ids[0])"), "legend of A:\n\(screen)")
    #expect(screen.contains("x B  \(ids[1])"), "legend of B:\n\(screen)")
    #expect(!screen.contains("●"))
    let escapes = try session.captureWithEscapes()
    #expect(!containsColourEscape(escapes), "colour escape found with NO_COLOR")
    try session.sendKeys("q")
    let after = try await session.waitFor(text: "modes-printed", timeout: .seconds(30))
    #expect(after.contains("exit=0"))
  }

  @Test func interruptRestoresTerminal() async throws {
    let ids = try trainTwoRuns()
    let session = try compareSession(ids, locale: "C.UTF-8")
    defer { session.kill() }

    try await session.waitFor(text: "test accuracy (x: epoch)", timeout: .seconds(60))
    try session.sendKeys("C-c")
    let screen = try await session.waitFor(text: "modes-printed", timeout: .seconds(30))
    #expect(screen.contains("exit=130"))
    expectTerminalRestored(screen)
  }

  @Test func headlessPrintsTextTables() throws {
    let ids = try trainTwoRuns()
    let result = try LeptonProcess.run([
      "compare", ids[0], ids[1], "--runs-dir", runsPath, "--headless",
    ])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    let output = result.standardOutput
    #expect(output.contains("A  \(ids[0]): fmnist-cnn, epoch 2"))
    #expect(output.contains("B  \(ids[1]): lenet5, epoch 1"))
    #expect(output.contains("Test metrics of the last epoch (* marks the best)"))
    #expect(output.contains("Per-class F1"))
    #expect(output.contains("Against A, on 100 shared test images"))
    #expect(output.contains("  B: McNemar p "))
    #expect(output.contains("Configuration differences"))
  }
}
