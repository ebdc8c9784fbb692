import Foundation
import LeptonEngine
import LeptonRuns
import LeptonTUI

/// `lepton watch`: follows an event log that another program writes, from a run directory,
/// a log file or standard input, in the dashboard or as text.
enum WatchCommand {
  static let help = """
    Usage: lepton watch PATH|- [options]

    Follows a run that another program is writing: PATH is a run directory or
    its events.jsonl, and - reads events from standard input, so that
    'ssh host tail -f runs/ID/events.jsonl | lepton watch -' works. The
    dashboard shows the events as they arrive; with -, it reads keys from the
    controlling terminal /dev/tty, and prints text when that cannot be opened.
    Malformed lines, and lines of an event log schema newer than this Lepton
    reads, are counted and skipped. Scores (.npy) are read from the run
    directory, so standard input gives no confusion matrix or ROC curves.

    Options:
      --headless          print text progress even on a terminal
      --theme NAME|PATH   colour theme for the dashboard (default: default)
      -h, --help          show this help

    The dashboard stays until q. Text output stops when the input ends, or
    when the log has reported the end of the run (runFinished or runFailed)
    and no more lines are waiting: a file has no more lines, or standard input
    sends nothing for 0.2 seconds. A runResumed line that follows at once
    continues the run. Exit status: 0 when the view ends, also for a failed or
    interrupted run, 1 when PATH cannot be read, 2 for a command-line mistake.
    """

  /// How often a followed file is checked for new lines.
  static let pollInterval: TimeInterval = 0.2

  static func run(arguments: [String]) throws -> Int32 {
    var source: String?
    var headless = false
    var themeName: String?
    var parser = OptionParser(
      command: "watch", arguments: arguments, valueOptions: ["--theme"],
      flagOptions: ["--headless"])
    while let token = try parser.next() {
      switch token {
      case .positional(let argument):
        guard source == nil else {
          throw CommandLineError.unexpectedArgument(argument, command: "watch")
        }
        source = argument
      case .option(let name, let value):
        switch name {
        case "--help", "-h":
          print(help)
          return ExitStatus.success
        case "--headless": headless = true
        case "--theme":
          themeName = try parseString(value, option: name, expected: "a theme name or path")
        default: throw CommandLineError.unknownOption(name, command: "watch", suggestion: nil)
        }
      }
    }
    // A lone "-" reaches here as an option name, so it is accepted in both forms.
    guard let source = source ?? (arguments.contains("-") ? "-" : nil) else {
      throw CommandLineError.invalidValue(
        option: "PATH", value: "", expected: "a run directory, an events.jsonl file or -")
    }
    let theme = try loadTheme(themeName)

    let input: EventInput
    do {
      input = try EventInput(source: source)
    } catch let error as EventInput.OpenError {
      writeError(error.description)
      return ExitStatus.failure
    }
    let control = TrainingControl()
    let decision = TerminalSupport.shouldUseHeadless(forceHeadless: headless)
    if !decision.headless {
      var options = DashboardApp.Options()
      // Nothing needs to stop, so q leaves at once.
      options.stopGracePeriod = .zero
      // Standard input carries the events, so keys come from the terminal itself.
      options.keysFromControllingTerminal = input.path == nil
      do {
        let app = try DashboardApp(theme: theme.theme, options: options)
        let follower = input.follow(into: app.observer, control: control)
        let outcome = app.run(control: control)
        control.requestStop(reason: "the viewer closed")
        follower.cancel()
        reportSkippedLines(follower, input: input)
        if case .signal(_, let number) = outcome.reason { return 128 + number }
        return ExitStatus.success
      } catch {
        writeError("\(error.message). Printing text instead.")
      }
    }
    if let path = input.path, !FileManager.default.fileExists(atPath: path) {
      writeError("waiting for \(path) to appear")
    }
    let printer = HeadlessPrinter(control: control)
    let follower = input.follow(into: printer, control: control) { version in
      writeError(newerSchemaNotice(version: version, input: input))
    }
    follower.wait()
    reportSkippedLines(follower, input: input)
    if follower.processGone {
      writeError(
        "\(input.name): the training process ended before the run finished, so the run was "
          + "interrupted. The epochs above are all it completed.")
    } else if !follower.sawEnd {
      writeError("\(input.name) ended without reporting the end of the run.")
    }
    return ExitStatus.success
  }

  /// Returns the message for lines of schema `version`, newer than this Lepton reads.
  static func newerSchemaNotice(version: Int, input: EventInput) -> String {
    "\(input.name): event log schema version \(version) is newer than this Lepton reads "
      + "(\(EventRecord.schemaVersion)), so its lines are skipped. Update Lepton to read them."
  }

  /// Writes how many lines were skipped as malformed or of a newer schema, if any.
  static func reportSkippedLines(_ follower: Follower, input: EventInput) {
    if follower.skippedLines > 0 {
      writeError("skipped \(follower.skippedLines) malformed line(s) of \(input.name)")
    }
    if let version = follower.newestSchema {
      let count = follower.newerSchemaLines
      writeError(
        "skipped \(count) \(count == 1 ? "line" : "lines") of \(input.name) with event log "
          + "schema version \(version), newer than this Lepton reads "
          + "(\(EventRecord.schemaVersion)). Update Lepton to read them.")
    }
  }
}

/// The source of `lepton watch`: a log file or standard input.
struct EventInput {
  struct OpenError: Error, CustomStringConvertible {
    var description: String
  }

  /// The log file, or nil for standard input.
  let path: String?
  let directory: RunDirectory?
  var name: String { path ?? "standard input" }

  init(source: String) throws {
    guard source != "-" else {
      path = nil
      directory = nil
      return
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
      throw OpenError(
        description:
          "\(source): not found. Pass a run directory, its events.jsonl, or - for standard input.")
    }
    if isDirectory.boolValue {
      let run = RunDirectory(path: source)
      path = run.eventsPath
      directory = run
    } else {
      path = source
      directory = RunDirectory(path: (source as NSString).deletingLastPathComponent)
    }
  }

  /// Starts a thread that feeds every event to `observer` until the input ends, the log
  /// reports the end of the run and no more lines are waiting, or `control` requests a stop.
  /// `onNewerSchema` is called once, with the version, for the first line of a newer schema.
  func follow(
    into observer: any TrainingObserver, control: TrainingControl,
    onNewerSchema: (@Sendable (Int) -> Void)? = nil
  ) -> Follower {
    let follower = Follower()
    let path = path
    let directory = directory
    let thread = Thread {
      var parser = EventStreamParser(directory: directory)
      var reportedNewerSchema = false
      func deliver(_ events: [TrainingEvent]) {
        for event in events {
          observer.trainer(didEmit: event)
          switch event {
          case .runFinished, .runFailed: follower.markEnd()
          // A resumed run appends a new segment after the end of the earlier one.
          case .runResumed: follower.clearEnd()
          default: break
          }
        }
        follower.setSkipped(parser.skippedLines)
        if let version = parser.newestSchema {
          follower.setNewerSchema(lines: parser.newerSchemaLines, version: version)
          if !reportedNewerSchema {
            reportedNewerSchema = true
            onNewerSchema?(version)
          }
        }
      }
      if let path {
        // A file may still be created, and it grows while the other program trains.
        var handle = FileHandle(forReadingAtPath: path)
        while control.stopRequest == nil && !follower.isCancelled {
          if handle == nil { handle = FileHandle(forReadingAtPath: path) }
          let data = handle?.readData(ofLength: 1 << 20) ?? Data()
          if data.isEmpty {
            if follower.sawEnd { break }
            // A run whose process has ended will write nothing more.
            if let directory,
              RunLogReader.readStatus(directory: directory)?.effectiveStatus
                == "interrupted"
            {
              follower.markProcessGone()
              break
            }
            Thread.sleep(forTimeInterval: WatchCommand.pollInterval)
          } else {
            deliver(parser.feed(data))
          }
        }
        deliver(parser.finish())
      } else {
        Self.readStandardInput(control: control, follower: follower) { data in
          deliver(parser.feed(data))
        }
        deliver(parser.finish())
      }
      follower.markDone()
    }
    thread.name = "lepton-watch"
    thread.start()
    return follower
  }

  /// Passes standard input to `deliver` until it ends, `control` requests a stop, or the
  /// log has reported the end of the run and nothing arrives for one poll interval.
  /// A pipe such as `tail -f` never ends, so the end of the run has to stop the loop, but
  /// lines written together with it, such as a following `runResumed`, are still read.
  private static func readStandardInput(
    control: TrainingControl, follower: Follower, deliver: (Data) -> Void
  ) {
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
    let timeout = Int32(WatchCommand.pollInterval * 1000)
    while control.stopRequest == nil && !follower.isCancelled {
      let ready = poll(&descriptor, 1, timeout)
      if ready < 0 {
        if errno == EINTR { continue }
        break
      }
      if ready == 0 {
        if follower.sawEnd { break }
        continue
      }
      let count = read(STDIN_FILENO, &buffer, buffer.count)
      if count < 0 {
        if errno == EINTR || errno == EAGAIN { continue }
        break
      }
      if count == 0 { break }
      deliver(Data(buffer[..<count]))
    }
  }
}

/// The state of a following thread, shared with the command's thread.
final class Follower: @unchecked Sendable {
  private let condition = NSCondition()
  private var done = false
  private var cancelled = false
  private var ended = false
  private var skipped = 0
  private var processEnded = false
  private var newerLines = 0
  private var newerVersion: Int?

  var isCancelled: Bool { locked { cancelled } }
  var sawEnd: Bool { locked { ended } }
  var skippedLines: Int { locked { skipped } }
  /// Whether the followed run's training process no longer exists.
  var processGone: Bool { locked { processEnded } }
  func markProcessGone() { locked { processEnded = true } }

  func cancel() { locked { cancelled = true } }
  func markEnd() { locked { ended = true } }
  func clearEnd() { locked { ended = false } }
  func setSkipped(_ count: Int) { locked { skipped = count } }
  /// Lines of a schema newer than this Lepton reads.
  var newerSchemaLines: Int { locked { newerLines } }
  /// The newest schema version among `newerSchemaLines`, or nil when there were none.
  var newestSchema: Int? { locked { newerVersion } }

  func setNewerSchema(lines: Int, version: Int) {
    locked {
      newerLines = lines
      newerVersion = version
    }
  }

  func markDone() {
    condition.lock()
    done = true
    condition.broadcast()
    condition.unlock()
  }

  /// Blocks until the following thread stops.
  func wait() {
    condition.lock()
    while !done { condition.wait() }
    condition.unlock()
  }

  private func locked<Value>(_ body: () -> Value) -> Value {
    condition.lock()
    defer { condition.unlock() }
    return body()
  }
}
