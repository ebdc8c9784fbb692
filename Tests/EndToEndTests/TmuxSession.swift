import Foundation
import Glibc
import Testing

/// A detached tmux session running one command in a pane of fixed size, for end-to-end
/// tests of full-screen programs.
///
/// Each session runs on its own tmux server (a private socket name), so tests never
/// touch the user's tmux sessions and can run in parallel. The pane stays open after
/// the command exits (`remain-on-exit`), so the final screen can still be read. Tests
/// learn a command's exit status by having the shell print it, such as `echo exit=$?`,
/// because tmux's own `pane_dead` flag was seen to stay unset after the command ended
/// when many servers ran at once.
/// Guard tests with `.enabled(if: TmuxSession.isAvailable)`.
final class TmuxSession: @unchecked Sendable {
  /// Failure of a tmux command or a wait.
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// The tmux executable, or nil when tmux is not installed.
  static let executable: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = "\(directory)/tmux"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }()

  static var isAvailable: Bool { executable != nil }
  /// Seconds after which a session's command is stopped, longer than any test waits.
  static let commandTimeLimitSeconds = 900

  /// Reason to show when tests are skipped.
  static let unavailableMessage = "tmux is not installed; skipping terminal end-to-end tests"

  let socketName: String
  let sessionName = "test"
  private let tmux: String
  /// The tmux command that starts the server and the pane, run by the first wait.
  private let startArguments: [String]
  // Guarded by being used from one test at a time; `kill` is idempotent.
  private var isStarted = false
  private var isAlive = true

  /// Prepares `command` (a shell command line) for a detached `width` x `height` pane.
  /// `environment` entries are added to the command's environment. The pane starts at
  /// the first `waitFor` or `waitUntil`, once no other session of the test process runs:
  /// with several tmux servers and trainers at once, panes on a 2-core machine were seen
  /// to stay blank for minutes.
  init(
    width: Int, height: Int, command: String, environment: [String: String] = [:]
  ) throws {
    guard let tmux = Self.executable else { throw Failure(description: Self.unavailableMessage) }
    self.tmux = tmux
    socketName = "lepton-test-\(UUID().uuidString.prefix(8))"

    var arguments = [
      "start-server", ";",
      "set-option", "-g", "remain-on-exit", "on", ";",
      "set-option", "-g", "history-limit", "0", ";",
      "new-session", "-d", "-s", sessionName, "-x", "\(width)", "-y", "\(height)",
    ]
    for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
      arguments += ["-e", "\(name)=\(value)"]
    }
    // A test process that crashes leaves its server running, so the command ends itself.
    arguments.append("timeout \(Self.commandTimeLimitSeconds) \(command)")
    startArguments = arguments
  }

  /// Starts the pane once this session has the test process's turn.
  private func startIfNeeded() async throws {
    guard !isStarted else { return }
    guard isAlive else { throw Failure(description: "the session was killed before it started") }
    await TmuxTurn.shared.acquire()
    isStarted = true
    try run(startArguments)
  }

  /// Throws unless the pane runs, so keys are not sent before the first wait.
  private func requireStarted() throws {
    guard isStarted else {
      throw Failure(description: "wait for the pane with waitFor before sending to it")
    }
  }

  deinit {
    kill()
  }

  // MARK: - Interaction

  /// Sends tmux key names, such as `"q"`, `"Tab"`, `"BTab"` or `"C-c"`.
  func sendKeys(_ keys: String...) throws {
    try requireStarted()
    try run(["send-keys", "-t", sessionName] + keys)
  }

  /// Types `text` literally, without interpreting key names.
  func type(_ text: String) throws {
    try requireStarted()
    try run(["send-keys", "-t", sessionName, "-l", text])
  }

  /// Returns the visible pane text, one line per row, without colours.
  func capture() throws -> String {
    try requireStarted()
    return try run(["capture-pane", "-p", "-t", sessionName])
  }

  /// Returns the visible pane text with SGR escape sequences for colours and attributes.
  func captureWithEscapes() throws -> String {
    try requireStarted()
    return try run(["capture-pane", "-p", "-e", "-t", sessionName])
  }

  /// Changes the pane size, as a user resizing the terminal window would.
  func resize(width: Int, height: Int) throws {
    try requireStarted()
    try run(["resize-window", "-t", sessionName, "-x", "\(width)", "-y", "\(height)"])
  }

  // MARK: - Waiting

  /// Polls the pane until it contains `text` and returns the pane text then.
  /// - Throws: `Failure` with the last screen when `timeout` passes first.
  @discardableResult
  func waitFor(text: String, timeout: Duration = .seconds(90)) async throws -> String {
    try await waitUntil("text \"\(text)\"", timeout: timeout) { screen in
      screen.contains(text)
    }
  }

  /// Polls the pane until `condition` holds for its text and returns the pane text then.
  @discardableResult
  func waitUntil(
    _ description: String, timeout: Duration = .seconds(90),
    condition: (String) -> Bool
  ) async throws -> String {
    try await startIfNeeded()
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    var screen = ""
    while clock.now < deadline {
      screen = try capture()
      if condition(screen) { return screen }
      try await Task.sleep(for: .milliseconds(50))
    }
    // Tests share the cooperative thread pool with tests that block it while a trainer
    // runs, so this task may resume only after the deadline. One last look keeps such a
    // delay from failing a screen that is right.
    screen = try capture()
    if condition(screen) { return screen }
    throw Failure(
      description: "timed out after \(timeout) waiting for \(description); screen was:\n\(screen)")
  }

  /// Stops the command and the session's tmux server. Safe to call more than once.
  func kill() {
    guard isAlive else { return }
    isAlive = false
    guard isStarted else { return }
    _ = try? run(["kill-server"])
    Task { await TmuxTurn.shared.release() }
  }

  // MARK: - Running tmux

  /// Runs one tmux client command and returns its standard output.
  ///
  /// This spawns tmux with `posix_spawn` and waits with `waitpid` instead of using
  /// Foundation's `Process`, because the first command forks the tmux server, and
  /// `Process.waitUntilExit` was seen to hang for that client (swift-corelibs-foundation
  /// with Swift 6.3 on Linux). Output goes to a file, so the server cannot hold a pipe open.
  @discardableResult
  private func run(_ arguments: [String]) throws -> String {
    let outputPath = FileManager.default.temporaryDirectory
      .appendingPathComponent("\(socketName)-\(UUID().uuidString.prefix(8)).out").path
    defer { try? FileManager.default.removeItem(atPath: outputPath) }
    let fullArguments = [tmux, "-L", socketName, "-f", "/dev/null"] + arguments
    let status = try Self.spawnAndWait(fullArguments, outputPath: outputPath)
    let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    guard status == 0 else {
      throw Failure(
        description: "tmux \(arguments.joined(separator: " ")) failed with status \(status): "
          + output)
    }
    return output
  }

  /// Runs `arguments[0]` with standard output and error in `outputPath`, with the
  /// default signal mask and dispositions, and returns its exit status (128 plus the
  /// signal number when a signal ended it).
  private static func spawnAndWait(_ arguments: [String], outputPath: String) throws -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)

    // The test runner may block or ignore signals. Reset them, because tmux and the
    // programs it starts need SIGTERM and SIGCHLD delivered as usual.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var emptyMask = sigset_t()
    sigemptyset(&emptyMask)
    posix_spawnattr_setsigmask(&attributes, &emptyMask)
    var defaultSignals = sigset_t()
    sigemptyset(&defaultSignals)
    for signalNumber in [SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE] {
      sigaddset(&defaultSignals, signalNumber)
    }
    posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    let argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    // A test run started inside tmux must not reach the user's server through $TMUX.
    // NO_COLOR is left out too, because `swift test` was seen to set it when its output is
    // not a terminal. Tests that want it pass it in `environment`.
    let environment =
      ProcessInfo.processInfo.environment
      .filter { !["TMUX", "TMUX_PANE", "NO_COLOR"].contains($0.key) }
      .map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { environment.forEach { free($0) } }
    let spawnError = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environment)
    guard spawnError == 0 else {
      throw Failure(
        description: "cannot start \(arguments[0]): \(String(cString: strerror(spawnError)))")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 {
      guard errno == EINTR else {
        throw Failure(description: "waitpid for \(arguments[0]) failed: errno \(errno)")
      }
    }
    let signalNumber = status & 0x7f
    return signalNumber == 0 ? (status >> 8) & 0xff : 128 + signalNumber
  }
}

/// Checks the `stty -a` output after the program exited: echo and canonical input
/// are on again, so the shell works normally.
func expectTerminalRestored(
  _ screen: String, sourceLocation: SourceLocation = #_sourceLocation
) {
  let words = screen.split(whereSeparator: \.isWhitespace)
  #expect(words.contains("echo"), "echo is still off:\n\(screen)", sourceLocation: sourceLocation)
  #expect(
    words.contains("icanon"), "canonical input is still off:\n\(screen)",
    sourceLocation: sourceLocation)
}

/// Returns whether a `capture-pane -e` screen sets a foreground or background colour.
func containsColourEscape(_ screen: String) -> Bool {
  // SGR colour parameters are 30-38, 40-48, 90-97 and 100-107. tmux still writes 39 and
  // 49 (default colours) and attributes such as 1 (bold) and 7 (reverse).
  let colour = /\u{1B}\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m/
  return screen.firstMatch(of: colour) != nil
}

/// Lets one `TmuxSession` of the test process run at a time, in the order they ask.
actor TmuxTurn {
  static let shared = TmuxTurn()
  private var isTaken = false
  private var waiting: [CheckedContinuation<Void, Never>] = []

  func acquire() async {
    guard isTaken else {
      isTaken = true
      return
    }
    await withCheckedContinuation { waiting.append($0) }
  }

  func release() {
    if waiting.isEmpty {
      isTaken = false
    } else {
      waiting.removeFirst().resume()
    }
  }
}
