import Foundation
import LeptonRuns
import Testing

/// Runs the real `lepton train` binary in tmux on a small generated data set and
/// drives the dashboard with keys, signals and resizes.
@Suite(
  .serialized,
  .enabled(if: TmuxSession.isAvailable, "tmux is not installed"),
  .enabled(if: (try? LeptonProcess.executable) != nil, "the lepton binary is not built"))
final class DashboardEndToEndTests {
  let workDirectory: URL

  init() throws {
    workDirectory = FileManager.default.temporaryDirectory
      .appendingPathComponent("lepton-tui-e2e-\(UUID().uuidString.prefix(8))")
    let data = workDirectory.appendingPathComponent("data")
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    try SyntheticIDX.write(to: data.path, trainCount: 2_000, testCount: 200)
  }

  deinit {
    try? FileManager.default.removeItem(at: workDirectory)
  }

  /// Returns a shell command that trains, then prints `exit=STATUS`, the terminal modes
  /// and `modes-printed` after them, so a test can wait for the whole output and check both
  /// the exit status and that the terminal was restored. The shell traps SIGINT so that
  /// Ctrl-C ends only `lepton` and the shell goes on to print.
  private func command(_ options: String) throws -> String {
    let binary = try LeptonProcess.executable.path
    let data = workDirectory.appendingPathComponent("data").path
    let runs = workDirectory.appendingPathComponent("runs").path
    return "sh -c 'trap : INT; \(binary) train --data \(data) --runs-dir \(runs) \(options); "
      + "echo exit=$?; stty -a; echo modes-printed; sleep 30'"
  }

  private func startSession(_ options: String, width: Int = 120, height: Int = 35) throws
    -> TmuxSession
  {
    try TmuxSession(
      width: width, height: height, command: command(options),
      environment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"])
  }

  @Test func keysWorkAndQuitStopsTraining() async throws {
    let session = try startSession("--epochs 100")
    defer { session.kill() }
    try await session.waitFor(text: "TRAINING", timeout: .seconds(60))

    try session.sendKeys("?")
    try await session.waitFor(text: "show or hide this help")
    try session.sendKeys("?")
    try await session.waitUntil("help closed") { !$0.contains("show or hide this help") }

    try session.sendKeys("n")
    try await session.waitFor(text: "row %")

    try session.sendKeys("c")
    try await session.waitFor(text: "Per-class test metrics")
    try session.sendKeys("c")
    try await session.waitFor(text: "Confusion matrix")

    try session.sendKeys("p")
    try await session.waitFor(text: "PAUSED")

    try session.sendKeys("q")
    let screen = try await session.waitFor(text: "modes-printed", timeout: .seconds(60))
    #expect(screen.contains("exit=0"))
    #expect(screen.contains("Run saved in"))
    expectTerminalRestored(screen)
  }

  @Test func thresholdExplorerFollowsKeys() async throws {
    let session = try startSession("--epochs 100")
    defer { session.kill() }
    try await session.waitFor(text: "TRAINING", timeout: .seconds(60))
    try session.sendKeys("t")
    try await session.waitFor(text: "vs rest at 0.500", timeout: .seconds(60))
    // The explorer needs a finished epoch's scores; pause so they stay fixed.
    try await session.waitFor(text: "TP ", timeout: .seconds(180))
    try session.sendKeys("p")
    try await session.waitFor(text: "PAUSED")

    try session.sendKeys("Right", "Right", "Right")
    try await session.waitFor(text: "vs rest at 0.530")
    try session.sendKeys("J")
    try await session.waitFor(text: "vs rest at 0.529")
    try session.sendKeys("=")
    try session.type("0.42")
    try session.sendKeys("Enter")
    try await session.waitFor(text: "vs rest at 0.420")
    // At threshold 0 every sample is predicted positive: class 0 has 20 of the 200 test
    // images, so the matrix reads 20 true and 180 false positives.
    try session.sendKeys("=")
    try session.type("0")
    try session.sendKeys("Enter")
    // Each line is waited for, since a frame can arrive in parts.
    try await session.waitFor(text: "vs rest at 0.000")
    try await session.waitFor(text: "TP     20 100.0%")
    try await session.waitFor(text: "FP    180 100.0%")
    try session.sendKeys("]")
    try await session.waitFor(text: "Threshold explorer: 1 vs rest")
    try session.sendKeys("f")
    try await session.waitFor(text: "max F1 ")
    try session.sendKeys("a")
    try await session.waitFor(text: "coverage ")
    try session.sendKeys("t")
    try await session.waitFor(text: "Confusion matrix")

    try session.sendKeys("q")
    let screen = try await session.waitFor(text: "modes-printed", timeout: .seconds(60))
    #expect(screen.contains("exit=0"))
    expectTerminalRestored(screen)
  }

  @Test func quitAfterFirstEpochKeepsLog() async throws {
    let session = try startSession("--epochs 100")
    defer { session.kill() }
    // A row of the epoch table: the epoch number, then the training loss with a decimal point.
    // The table keeps only the latest rows, so any epoch's row counts, not just the first.
    try await session.waitUntil("an epoch row", timeout: .seconds(180)) { screen in
      screen.split(separator: "\n").contains { line in
        guard line.hasPrefix("│") || line.hasPrefix("|") else { return false }
        let fields = line.dropFirst().split(separator: " ")
        return fields.count > 3 && Int(fields[0]) != nil && fields[1].contains(".")
          && fields.contains { $0.hasSuffix("%") }
      }
    }
    try session.sendKeys("q")
    let screen = try await session.waitFor(text: "modes-printed", timeout: .seconds(60))
    #expect(screen.contains("exit=0"))
    expectTerminalRestored(screen)

    let runs = workDirectory.appendingPathComponent("runs").path
    let ids = try FileManager.default.contentsOfDirectory(atPath: runs)
    #expect(ids.count == 1)
    let run = try RunLogReader.read(
      directory: (runs as NSString).appendingPathComponent(try #require(ids.first)))
    #expect(run.skippedLines.isEmpty)
    #expect(run.status?.status == "interrupted")
    #expect((run.status?.completedEpochs ?? 0) >= 1)
    #expect(run.epochs.count == run.status?.completedEpochs)
    #expect(run.records.first?.type == "runStarted")
    #expect(run.records.last?.failure?.kind == .interrupted)
  }

  @Test func interruptExitsWithSignalStatus() async throws {
    let session = try startSession("--epochs 100")
    defer { session.kill() }
    try await session.waitFor(text: "TRAINING", timeout: .seconds(60))

    try session.sendKeys("C-c")

    let screen = try await session.waitFor(text: "modes-printed", timeout: .seconds(60))
    #expect(screen.contains("exit=130"))
    expectTerminalRestored(screen)
  }

  @Test func finishedRunWaitsForQuit() async throws {
    let session = try startSession("--epochs 1 --limit 300")
    defer { session.kill() }

    try await session.waitFor(text: "press q to quit", timeout: .seconds(90))
    try await Task.sleep(for: .milliseconds(500))
    let stillOpen = try session.capture()
    #expect(stillOpen.contains("FINISHED"))
    #expect(!stillOpen.contains("exit="))

    try session.sendKeys("q")
    let screen = try await session.waitFor(text: "modes-printed", timeout: .seconds(30))
    #expect(screen.contains("exit=0"))
    expectTerminalRestored(screen)
  }

  /// Trains a headless run of `epochs` epochs, then starts a session that runs
  /// `lepton COMMAND` on it: with its id for `show` and its directory for `watch`.
  private func storedRunSession(epochs: Int, command: String) throws -> TmuxSession {
    let data = workDirectory.appendingPathComponent("data").path
    let runs = workDirectory.appendingPathComponent("runs").path
    let trained = try LeptonProcess.run([
      "train", "--data", data, "--runs-dir", runs, "--epochs", String(epochs), "--limit", "300",
      "--headless",
    ])
    #expect(trained.status == 0, "stderr: \(trained.standardError)")
    let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs).first)
    let binary = try LeptonProcess.executable.path
    let target = command == "show" ? "\(id) --runs-dir \(runs)" : "\(runs)/\(id)"
    return try TmuxSession(
      width: 120, height: 35,
      command: "sh -c '\(binary) \(command) \(target); echo exit=$?; stty -a; "
        + "echo modes-printed; sleep 30'",
      environment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"])
  }

  @Test func showMovesBetweenEpochsOfStoredRun() async throws {
    let session = try storedRunSession(epochs: 2, command: "show")
    defer { session.kill() }

    try await session.waitFor(text: "(counts, epoch 2)", timeout: .seconds(60))
    try session.sendKeys("<")
    try await session.waitFor(text: "(counts, epoch 1)")
    try session.sendKeys("<")
    try await Task.sleep(for: .milliseconds(300))
    #expect(try session.capture().contains("(counts, epoch 1)"), "epoch 1 is the first")
    try session.sendKeys(">")
    try await session.waitFor(text: "(counts, epoch 2)")
    try session.sendKeys("t")
    try await session.waitFor(text: "vs rest at 0.500")

    try session.sendKeys("q")
    let screen = try await session.waitFor(text: "modes-printed", timeout: .seconds(30))
    #expect(screen.contains("exit=0"))
    expectTerminalRestored(screen)
  }

  @Test func watchShowsFollowedRunAndQuitsAtOnce() async throws {
    let session = try storedRunSession(epochs: 1, command: "watch")
    defer { session.kill() }
    try await session.waitFor(text: "FINISHED", timeout: .seconds(60))
    try await session.waitFor(text: "(counts, epoch 1)")
    try session.sendKeys("q")
    let screen = try await session.waitFor(text: "modes-printed", timeout: .seconds(10))
    #expect(screen.contains("exit=0"))
    expectTerminalRestored(screen)
  }

  /// Trains a headless run of two epochs and returns its event lines.
  private func trainedEventLines() throws -> [String] {
    let data = workDirectory.appendingPathComponent("data").path
    let runs = workDirectory.appendingPathComponent("runs").path
    let trained = try LeptonProcess.run([
      "train", "--data", data, "--runs-dir", runs, "--epochs", "2", "--limit", "300",
      "--headless",
    ])
    #expect(trained.status == 0, "stderr: \(trained.standardError)")
    let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs).first)
    let text = try String(contentsOfFile: "\(runs)/\(id)/events.jsonl", encoding: .utf8)
    return text.split(separator: "\n").map(String.init)
  }

  @Test func watchStandardInputShowsDashboard() async throws {
    let lines = try trainedEventLines()
    let firstEpoch = try #require(lines.firstIndex { $0.contains(#""type":"epochEnded""#) })
    let log = workDirectory.appendingPathComponent("piped.jsonl").path
    try Data((lines[...firstEpoch].joined(separator: "\n") + "\n").utf8)
      .write(to: URL(fileURLWithPath: log))
    let binary = try LeptonProcess.executable.path
    // The group's standard input is the pipe, so stty reads the modes of /dev/tty.
    let session = try TmuxSession(
      width: 120, height: 35,
      command: "sh -c 'tail -n +1 -f \(log) | { \(binary) watch -; echo exit=$?; "
        + "stty -a < /dev/tty; echo modes-printed; }; sleep 30'",
      environment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"])
    defer { session.kill() }

    // A row of the epoch table: the border, the epoch and the train loss.
    func hasEpochRow(_ epoch: Int, _ screen: String) -> Bool {
      screen.contains(try! Regex("[│|] +\(epoch) +[0-9]+\\.[0-9]{4} "))
    }
    try await session.waitFor(text: "Epochs (test metrics", timeout: .seconds(60))
    try await session.waitUntil("epoch 1 row") { hasEpochRow(1, $0) }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    try handle.seekToEnd()
    try handle.write(
      contentsOf: Data((lines[(firstEpoch + 1)...].joined(separator: "\n") + "\n").utf8))
    try handle.close()
    try await session.waitUntil("epoch 2 row") { hasEpochRow(2, $0) }
    try await session.waitFor(text: "FINISHED")
    #expect(!(try session.capture().contains("exit=")), "the dashboard stays until q")

    try session.sendKeys("q")
    let screen = try await session.waitFor(text: "modes-printed", timeout: .seconds(10))
    #expect(screen.contains("exit=0"))
    expectTerminalRestored(screen)
  }

  @Test func watchStandardInputWithoutTerminalDevicePrintsText() async throws {
    let lines = try trainedEventLines()
    let log = workDirectory.appendingPathComponent("piped.jsonl").path
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: log))
    let binary = try LeptonProcess.executable.path
    let errors = workDirectory.appendingPathComponent("watch-errors.txt").path
    // setsid leaves the process without a controlling terminal, so /dev/tty cannot open.
    let session = try TmuxSession(
      width: 120, height: 35,
      command:
        "sh -c 'tail -n +1 -f \(log) | { setsid \(binary) watch - 2> \(errors); echo exit=$?; }; "
        + "sleep 30'",
      environment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"])
    defer { session.kill() }

    let screen = try await session.waitFor(text: "exit=", timeout: .seconds(60))
    let notice = try String(contentsOfFile: errors, encoding: .utf8)
    #expect(notice.contains("cannot open /dev/tty"), "stderr: \(notice)")
    #expect(notice.contains("Printing text instead."), "stderr: \(notice)")
    #expect(screen.contains("Finished 2 epochs"), "screen:\n\(screen)")
    #expect(screen.contains("exit=0"), "screen:\n\(screen)")
  }

  @Test func resizeSwitchesToTooSmallAndBack() async throws {
    let session = try startSession("--epochs 100")
    defer { session.kill() }
    try await session.waitFor(text: "TRAINING", timeout: .seconds(60))

    try session.resize(width: 80, height: 24)
    try await session.waitFor(text: "too small")
    try session.resize(width: 120, height: 35)
    try await session.waitFor(text: "Confusion matrix")

    try session.sendKeys("q")
    let screen = try await session.waitFor(text: "modes-printed", timeout: .seconds(60))
    #expect(screen.contains("exit=0"))
  }

  @Test func noColorDrawsWithoutColours() async throws {
    // The same dashboard without NO_COLOR has colours, so the check below can fail.
    let coloured = try startSession("--epochs 100")
    try await coloured.waitFor(text: "TRAINING", timeout: .seconds(60))
    #expect(containsColourEscape(try coloured.captureWithEscapes()))
    coloured.kill()

    let session = try TmuxSession(
      width: 120, height: 35, command: command("--epochs 100"),
      environment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "NO_COLOR": "1"])
    defer { session.kill() }
    try await session.waitFor(text: "TRAINING", timeout: .seconds(60))

    let screen = try session.captureWithEscapes()

    #expect(!containsColourEscape(screen), "colour escape found with NO_COLOR")
    try session.sendKeys("q")
    try await session.waitFor(text: "exit=", timeout: .seconds(60))
  }
}
