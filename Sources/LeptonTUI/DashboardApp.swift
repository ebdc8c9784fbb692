import Foundation
import LeptonEngine
import LeptonRender

/// The interactive dashboard: owns the terminal, applies training events to a
/// `DashboardState` and redraws it until the user quits or a signal arrives.
///
/// ```swift
/// let app = try DashboardApp(theme: theme)
/// trainer.addObserver(app.observer)
/// let outcome = app.run(control: control)
/// ```
///
/// Create and run it on one thread, usually the main thread. Only `observer` may be
/// used from other threads. The terminal is restored when `run` returns, when the
/// app is deinitialised, and by an exit hook if the process exits first.
public final class DashboardApp {
  /// Timing of the dashboard loop.
  public struct Options: Sendable {
    /// How long one wait for a key lasts. The loop sleeps in this wait, so it sets how
    /// quickly queued events and signals are noticed.
    public var inputTimeoutMilliseconds: Int32 = 100
    /// Minimum time between redraws caused by training events.
    public var minimumFrameInterval: Duration = .milliseconds(250)
    /// Maximum time between redraws, so clocks on screen keep moving when no events arrive.
    public var idleRedrawInterval: Duration = .seconds(1)
    /// How long `q` or a signal waits for the trainer to report the end of the run.
    public var stopGracePeriod: Duration = .seconds(5)
    /// Reads keys from the controlling terminal `/dev/tty` instead of standard input, for
    /// a viewer whose standard input carries data.
    public var keysFromControllingTerminal = false

    public init() {}
  }

  /// The observer to register with the trainer. It only queues events.
  public let observer: DashboardObserver
  /// Loads the test evaluation of an epoch of a stored run, for `<` and `>`. Nil during
  /// training, whose earlier scores are not kept in memory.
  /// It returns nil for an epoch without stored scores and throws for scores it cannot read.
  public var evaluationLoader: ((Int) throws -> Evaluation?)?
  /// The theme the dashboard opened with; `v` switches to others.
  public let theme: Theme
  private var themeCycle: ThemeCycle?
  /// Unicode glyphs when the locale is UTF-8, ASCII otherwise.
  public let glyphs: GlyphSet
  public let colorSupport: ColorSupport

  private let options: Options
  private let screen: ScreenSession
  private var state = DashboardState()
  private var training: DashboardOutcome.Training = .notStarted
  private let clock = ContinuousClock()

  /// Opens the terminal and prepares an empty dashboard.
  ///
  /// - Throws: `TerminalError` when the terminal cannot be opened. Callers should then
  ///   fall back to headless output.
  public init(
    theme: Theme = .builtIn, options: Options = Options(),
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(TerminalError) {
    self.theme = theme
    self.options = options
    observer = DashboardObserver()
    screen = try ScreenSession(
      theme: theme, inputTimeoutMilliseconds: options.inputTimeoutMilliseconds,
      environment: environment, keysFromControllingTerminal: options.keysFromControllingTerminal)
    glyphs = screen.glyphs
    colorSupport = screen.colorSupport
  }

  /// Restores the terminal. `run` calls this before it returns.
  public func close() {
    screen.close()
  }

  /// Runs the dashboard until the user presses `q` or SIGINT, SIGTERM or SIGHUP
  /// arrives, then restores the terminal.
  ///
  /// Both ways of leaving request a stop through `control` while training runs, and
  /// wait up to `Options.stopGracePeriod` for the trainer to report the end of the run.
  /// A second `q` or signal leaves at once. After training ends the dashboard stays
  /// until `q`.
  public func run(control: TrainingControl) -> DashboardOutcome {
    defer { screen.close() }
    var leaving: DashboardOutcome.Reason?
    var leaveDeadline: ContinuousClock.Instant?
    var schedule = RedrawSchedule(
      minimumFrameInterval: options.minimumFrameInterval,
      idleRedrawInterval: options.idleRedrawInterval)

    while true {
      if let signalNumber = SignalMonitor.takePending() {
        let reason = DashboardOutcome.Reason.signal(
          name: SignalMonitor.name(of: signalNumber), number: signalNumber)
        if leaving != nil { return DashboardOutcome(reason: reason, training: training) }
        leaving = reason
        leaveDeadline = beginStop(control: control, reason: reason.stopReason)
        schedule.redrawNow = true
      }

      if applyQueuedEvents() {
        schedule.hasNewEvents = true
      }

      if let leaving, trainingHasEnded || leaveDeadline.map({ clock.now >= $0 }) ?? true {
        return DashboardOutcome(reason: leaving, training: training)
      }

      if schedule.isDue(at: clock.now) {
        draw()
        schedule.markDrawn(at: clock.now)
      }

      // The loop sleeps here, for up to the input timeout.
      guard let key = screen.readKey() else { continue }
      if state.explorerSettings.prompt != nil {
        schedule.redrawNow = editPrompt(with: key) || schedule.redrawNow
        continue
      }
      guard let command = KeyBindings.command(for: key) else { continue }
      schedule.redrawNow = true
      if command == .quit {
        if leaving != nil || trainingHasEnded {
          return DashboardOutcome(reason: .userQuit, training: training)
        }
        leaving = .userQuit
        leaveDeadline = beginStop(
          control: control, reason: DashboardOutcome.Reason.userQuit.stopReason)
      } else {
        perform(command, control: control)
      }
    }
  }

  // MARK: - Loop steps

  private var trainingHasEnded: Bool {
    switch training {
    case .finished, .failed: return true
    case .notStarted, .stillRunning: return false
    }
  }

  /// Switches to the next theme, listing the themes at the first switch.
  private func switchTheme() -> String {
    var cycle = themeCycle ?? ThemeCycle(current: theme.name, currentPath: theme.filePath)
    defer { themeCycle = cycle }
    return screen.switchTheme(cycle: &cycle)
  }

  /// Applies every queued event to the state. Returns true when there were any.
  private func applyQueuedEvents() -> Bool {
    let events = observer.drain()
    for event in events {
      state.apply(event)
      switch event {
      case .runStarted, .runResumed: training = .stillRunning
      case .runFinished(let summary): training = .finished(summary)
      case .runFailed(let failure): training = .failed(failure)
      case .batchEnded, .evaluated, .epochEnded: break
      }
    }
    return !events.isEmpty
  }

  /// Requests a stop and returns when to give up waiting for the trainer.
  private func beginStop(control: TrainingControl, reason: String) -> ContinuousClock.Instant {
    if !trainingHasEnded {
      control.requestStop(reason: reason)
      state.markStopping()
    }
    return clock.now.advanced(by: options.stopGracePeriod)
  }

  /// Shows the evaluation of the next epoch in the direction of `delta` whose scores load,
  /// when the dashboard shows a stored run. Epochs whose scores are missing or unreadable
  /// are skipped, and the status line names the reason.
  private func changeEpoch(by delta: Int) {
    guard let evaluationLoader, let current = state.displayedEpoch else { return }
    let numbers = state.epochs.map(\.epoch)
    guard var index = numbers.firstIndex(of: current) else { return }
    var skipped: [String] = []
    while true {
      index += delta
      guard numbers.indices.contains(index) else { break }
      do {
        if let evaluation = try evaluationLoader(numbers[index]) {
          state.selectEpoch(numbers[index], evaluation: evaluation)
          break
        }
        skipped.append("epoch \(numbers[index]) has no stored scores")
      } catch {
        skipped.append("epoch \(numbers[index]): \(error)")
      }
    }
    if !skipped.isEmpty {
      state.notice = "skipped " + skipped.joined(separator: "; ")
    }
  }

  /// Sends a key to the value being typed in the explorer: Enter applies it, Escape
  /// cancels it, Backspace deletes a character. Returns whether the screen changed.
  private func editPrompt(with key: InputKey) -> Bool {
    switch key {
    case .character("\n"), .character("\r"):
      state.submitPrompt()
    case .character("\u{1B}"):
      state.cancelPrompt()
    case .character("\u{7F}"), .character("\u{08}"), .backspace:
      state.deleteInPrompt()
    case .character(let character):
      state.typeInPrompt(character)
    case .resize:
      screen.updateSize()
    default:
      return false
    }
    return true
  }

  private func perform(_ command: DashboardCommand, control: TrainingControl) {
    state.notice = nil
    switch command {
    case .cycleTheme:
      state.notice = switchTheme()
    case .quit:
      break
    case .togglePause:
      guard !trainingHasEnded else { return }
      control.togglePause()
      state.setPaused(control.isPaused)
    case .toggleHelp:
      state.toggleHelp()
    case .focusNext:
      state.focusNext()
    case .focusPrevious:
      state.focusPrevious()
    case .toggleNormalization:
      state.toggleNormalization()
    case .toggleSmoothing:
      state.toggleSmoothing()
    case .togglePerClass:
      state.togglePerClass()
    case .toggleExplorer:
      state.toggleExplorer()
    case .moveThreshold(let step):
      state.moveThreshold(by: step)
    case .jumpToScore(let direction):
      state.jumpToScore(direction)
    case .changeExplorerClass(let delta):
      state.changeExplorerClass(by: delta)
    case .thresholdAtMaximumF1:
      state.applyMaximumF1()
    case .thresholdAtMaximumYoudenJ:
      state.applyMaximumYoudenJ()
    case .toggleSelective:
      state.toggleSelective()
    case .startPrompt:
      state.startPrompt()
    case .changeEpoch(let delta):
      changeEpoch(by: delta)
    case .resize:
      screen.updateSize()
    }
  }

  private func draw() {
    let grid = DashboardView.render(
      state: state, width: screen.width, height: screen.height, glyphs: glyphs)
    screen.draw(grid)
  }
}

extension ScreenSession {
  /// Moves `cycle` to the next theme, draws with it from now on and returns the notice for
  /// the status line: the theme's name and what went wrong loading it, if anything.
  func switchTheme(cycle: inout ThemeCycle) -> String {
    let (parsed, name, skipped) = cycle.advance()
    setTheme(parsed.theme)
    var notice = "theme \(name)"
    if !parsed.warnings.isEmpty {
      notice += ", \(parsed.warnings.count) invalid lines use the defaults: \(parsed.warnings[0])"
    }
    if let first = skipped.first { notice += "; skipped: \(first)" }
    return notice
  }
}
