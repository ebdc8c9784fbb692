import Foundation
import Glibc
import LeptonRuns
import Testing

/// Suspends, signals, resizes and pounds the real dashboard in tmux, and checks that the
/// terminal comes back usable and that every completed epoch stays on disk.
@Suite(
  .serialized,
  .enabled(if: TmuxSession.isAvailable, "tmux is not installed"),
  .enabled(if: (try? LeptonProcess.executable) != nil, "the lepton binary is not built"))
final class SignalEndToEndTests {
  let workDirectory: URL
  var dataPath: String { workDirectory.appendingPathComponent("data").path }
  var runsPath: String { workDirectory.appendingPathComponent("runs").path }

  init() throws {
    workDirectory = FileManager.default.temporaryDirectory
      .appendingPathComponent("lepton-signals-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(atPath: dataPath, withIntermediateDirectories: true)
    try SyntheticIDX.write(to: dataPath, trainCount: 2_000, testCount: 200)
  }

  deinit {
    try? FileManager.default.removeItem(at: workDirectory)
  }

  private func trainCommand(_ options: String) throws -> String {
    let binary = try LeptonProcess.executable.path
    return "\(binary) train --data \(dataPath) --runs-dir \(runsPath) \(options)"
  }

  /// Starts training in a 120x35 pane. The shell then prints the exit status, the terminal
  /// modes and `modes-printed`. It ignores SIGINT, SIGTERM and SIGHUP sent to it directly.
  private func startSession(_ options: String) throws -> TmuxSession {
    try TmuxSession(
      width: 120, height: 35,
      command: "sh -c 'trap : INT TERM HUP; \(try trainCommand(options)); echo exit=$?; "
        + "stty -a; echo modes-printed; sleep 30'",
      environment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"])
  }

  /// Returns the process ID of the `lepton train` writing into this test's runs directory.
  private func trainerProcessID() throws -> pid_t {
    let entries = try FileManager.default.contentsOfDirectory(atPath: "/proc")
    for entry in entries {
      guard let pid = pid_t(entry) else { continue }
      guard let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else {
        continue
      }
      let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
      if arguments.first?.hasSuffix("lepton") == true, arguments.contains(runsPath) {
        return pid
      }
    }
    throw TmuxSession.Failure(description: "no lepton process writes into \(runsPath)")
  }

  /// Returns the only run of this test, read from disk.
  private func onlyRun() throws -> StoredRun {
    let ids = try FileManager.default.contentsOfDirectory(atPath: runsPath)
    #expect(ids.count == 1)
    return try RunLogReader.read(directory: "\(runsPath)/\(try #require(ids.first))")
  }

  /// Waits until the dashboard shows a row of the epoch table, so one epoch is complete.
  private func waitForEpochRow(_ session: TmuxSession) async throws {
    try await session.waitUntil("an epoch row", timeout: .seconds(180)) { screen in
      screen.split(separator: "\n").contains { line in
        guard line.hasPrefix("│") else { return false }
        let fields = line.dropFirst().split(separator: " ")
        return fields.count > 3 && Int(fields[0]) != nil && fields[1].contains(".")
          && fields.contains { $0.hasSuffix("%") }
      }
    }
  }

  @Test(arguments: [SIGTERM, SIGHUP])
  func terminationSignalKeepsEpochs(signalNumber: Int32) async throws {
    let session = try startSession("--epochs 100")
    defer { session.kill() }
    try await waitForEpochRow(session)

    #expect(kill(try trainerProcessID(), signalNumber) == 0)

    let screen = try await session.waitFor(text: "modes-printed", timeout: .seconds(60))
    #expect(screen.contains("exit=\(128 + signalNumber)"), "\(screen)")
    expectTerminalRestored(screen)
    let run = try onlyRun()
    #expect(run.skippedLines.isEmpty)
    #expect(run.status?.status == "interrupted")
    #expect((run.status?.completedEpochs ?? 0) >= 1)
    #expect(run.epochs.count == run.status?.completedEpochs)
    #expect(run.records.last?.failure?.kind == .interrupted)
  }

  /// Ctrl-Z under an interactive shell with job control, as a user runs it.
  @Test func suspendRestoresTerminalAndContinueRedraws() async throws {
    let session = try TmuxSession(
      width: 120, height: 35, command: "bash --norc --noprofile -i",
      environment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"])
    defer { session.kill() }
    try await session.waitUntil("the shell's first prompt") {
      !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }
    // bash sets its own prompt for an interactive shell, so the test sets one it can find.
    try session.type("PS1='shell-ready$ '")
    try session.sendKeys("Enter")
    try await session.waitFor(text: "shell-ready$ ")
    try session.type(try trainCommand("--epochs 100"))
    try session.sendKeys("Enter")
    try await session.waitFor(text: "TRAINING", timeout: .seconds(60))

    try session.sendKeys("C-z")
    try await session.waitFor(text: "Stopped")
    try session.type("stty -a; echo suspended-modes-printed")
    try session.sendKeys("Enter")
    let stopped = try await session.waitFor(text: "\nsuspended-modes-printed")
    expectTerminalRestored(stopped)

    try session.type("fg")
    try session.sendKeys("Enter")
    try await session.waitUntil("the dashboard redrawn") { screen in
      screen.contains("TRAINING") && !screen.contains("suspended-modes-printed")
    }
    try session.sendKeys("?")
    try await session.waitFor(text: "show or hide this help")
    try session.sendKeys("q")
    try await session.waitFor(text: "Run saved in", timeout: .seconds(60))
    try session.type("stty -a; echo final-modes-printed")
    try session.sendKeys("Enter")
    let after = try await session.waitFor(text: "\nfinal-modes-printed")
    expectTerminalRestored(after)
  }

  @Test func resizeAndWinchBurstsNeverCrash() async throws {
    let session = try startSession("--epochs 100")
    defer { session.kill() }
    try await session.waitFor(text: "TRAINING", timeout: .seconds(60))
    let pid = try trainerProcessID()

    let sizes = [(1, 1), (2, 1), (1, 3), (10, 4), (40, 10), (99, 29), (100, 30), (300, 100)]
    for round in 0..<3 {
      for (width, height) in sizes {
        try session.resize(width: width, height: height)
        for _ in 0..<20 { #expect(kill(pid, SIGWINCH) == 0) }
      }
      // The dashboard must still respond to keys between rounds.
      try session.resize(width: 120, height: 35)
      try session.sendKeys("?")
      try await session.waitFor(text: "show or hide this help")
      try session.sendKeys("?")
      try await session.waitUntil("help closed in round \(round)") {
        !$0.contains("show or hide this help")
      }
    }

    try session.sendKeys("q")
    let screen = try await session.waitFor(text: "modes-printed", timeout: .seconds(60))
    #expect(screen.contains("exit=0"))
    expectTerminalRestored(screen)
  }

  @Test func unknownTerminalFallsBackToText() async throws {
    // Standard output stays the pane's terminal; the notices go to a file, since the
    // report that follows them is longer than the pane.
    let errors = workDirectory.appendingPathComponent("stderr.txt").path
    let session = try TmuxSession(
      width: 120, height: 35,
      command: "sh -c 'TERM=no-such-terminal \(try trainCommand("--epochs 1 --limit 300")) "
        + "2>\(errors); echo exit=$?; sleep 30'")
    defer { session.kill() }

    let screen = try await session.waitFor(text: "exit=", timeout: .seconds(120))
    #expect(screen.contains("exit=0"), "\(screen)")
    #expect(screen.contains("Run saved in"))
    let notices = try String(contentsOfFile: errors, encoding: .utf8)
    #expect(notices.contains("cannot initialise the terminal (TERM=no-such-terminal)"))
    #expect(notices.contains("Falling back to text output."))
  }

  /// TERM=xterm has 8 colours and LANG=C is not UTF-8: the dashboard must keep to the 8
  /// basic colours and draw with ASCII only.
  @Test func eightColourASCIITerminal() async throws {
    let session = try TmuxSession(
      width: 120, height: 35,
      command:
        "sh -c 'TERM=xterm \(try trainCommand("--epochs 100")); echo exit=$?; "
        + "stty -a; echo modes-printed; sleep 30'",
      environment: ["LANG": "C", "LC_ALL": "C"])
    defer { session.kill() }

    let screen = try await session.waitFor(text: "TRAINING", timeout: .seconds(60))
    let nonASCII = screen.unicodeScalars.filter { !$0.isASCII }
    #expect(nonASCII.isEmpty, "non-ASCII output:\n\(screen)")
    let escapes = try session.captureWithEscapes()
    #expect(!escapes.contains("38;5;"), "256-colour foreground on an 8-colour terminal")
    #expect(!escapes.contains("48;5;"), "256-colour background on an 8-colour terminal")
    let brightColour = escapes.firstMatch(of: /\u{1B}\[([0-9;]*;)?(9[0-7]|10[0-7])(;[0-9;]*)?m/)
    #expect(brightColour == nil, "bright colour escape on an 8-colour terminal")
    #expect(containsColourEscape(escapes), "no colour at all on an 8-colour terminal")

    try session.sendKeys("q")
    let after = try await session.waitFor(text: "modes-printed", timeout: .seconds(60))
    #expect(after.contains("exit=0"))
    expectTerminalRestored(after)
  }

  /// Trains 4 short epochs while random keys and resizes arrive, then checks that the run
  /// finished with every epoch logged and that the terminal works.
  @Test func soakWithRandomKeysAndResizes() async throws {
    let session = try startSession("--epochs 4 --limit 1500")
    defer { session.kill() }
    // A busy test runner may look only after the short run has finished.
    try await session.waitUntil("the dashboard", timeout: .seconds(60)) {
      $0.contains("TRAINING") || $0.contains("FINISHED")
    }

    // Every dashboard key except q (quit), p (pause) and = (a prompt that takes keys).
    let keys = [
      "?", "Tab", "BTab", "n", "s", "c", "t", "Left", "Right", "Up", "Down", "S-Left",
      "S-Right", "J", "K", "PageUp", "PageDown", "[", "]", "f", "y", "a", "<", ">", "v", "x",
      "z", "1", "Escape", "Enter", "Space",
    ]
    let sizes = [(120, 35), (80, 24), (100, 30), (200, 60), (30, 8), (150, 45)]
    var generator = SystemRandomNumberGenerator()
    var sent = 0
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: .seconds(300))
    while clock.now < deadline {
      if try session.capture().contains("FINISHED") { break }
      for _ in 0..<10 {
        try session.sendKeys(keys.randomElement(using: &generator) ?? "?")
        sent += 1
      }
      let (width, height) = sizes.randomElement(using: &generator) ?? (120, 35)
      try session.resize(width: width, height: height)
      try await Task.sleep(for: .milliseconds(100))
    }
    #expect(sent > 0)
    try session.resize(width: 120, height: 35)
    try await session.waitFor(text: "FINISHED", timeout: .seconds(120))

    try session.sendKeys("q")
    let screen = try await session.waitFor(text: "modes-printed", timeout: .seconds(60))
    #expect(screen.contains("exit=0"))
    expectTerminalRestored(screen)
    let run = try onlyRun()
    #expect(run.skippedLines.isEmpty)
    #expect(run.status?.status == "finished")
    #expect(run.epochs.map(\.epoch) == [1, 2, 3, 4])
    #expect(run.records.last?.type == "runFinished")
  }
}
