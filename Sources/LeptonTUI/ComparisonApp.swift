import Foundation
import LeptonEngine
import LeptonRender

/// The interactive comparison screen of `lepton compare`: owns the terminal, applies
/// queued training events of each run to a `ComparisonState` and redraws it until the
/// user quits or a signal arrives.
///
/// ```swift
/// let app = try ComparisonApp(state: state, theme: theme)
/// let reason = app.run()
/// ```
///
/// Stored runs arrive fully built in `state`. Runs that train while the screen is open
/// send their events through `observers`, one per run in the order of `state.runs`.
/// Only the observers may be used from other threads. The terminal is restored when
/// `run` returns, when the app is deinitialised, and by an exit hook if the process
/// exits first.
public final class ComparisonApp {
  /// Timing of the loop, as in `DashboardApp.Options`.
  public struct Options: Sendable {
    public var inputTimeoutMilliseconds: Int32 = 100
    public var minimumFrameInterval: Duration = .milliseconds(250)
    public var idleRedrawInterval: Duration = .seconds(1)
    /// How long `q` or a signal waits for training runs to report their end.
    public var stopGracePeriod: Duration = .seconds(5)

    public init() {}
  }

  /// One event queue per run, for trainers running while the screen is open.
  public let observers: [DashboardObserver]
  /// Unicode glyphs when the locale is UTF-8, ASCII otherwise.
  public let glyphs: GlyphSet
  public private(set) var state: ComparisonState

  private let screen: ScreenSession
  private let themeName: String
  private let themePath: String?
  private var themeCycle: ThemeCycle?
  private let options: Options
  private let clock = ContinuousClock()

  /// Opens the terminal for a comparison that starts as `state`.
  ///
  /// - Throws: `TerminalError` when the terminal cannot be opened. Callers should then
  ///   fall back to text output.
  public init(
    state: ComparisonState, theme: Theme = .builtIn, options: Options = Options(),
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(TerminalError) {
    self.state = state
    self.options = options
    themeName = theme.name
    themePath = theme.filePath
    observers = state.runs.map { _ in DashboardObserver() }
    screen = try ScreenSession(
      theme: theme, inputTimeoutMilliseconds: options.inputTimeoutMilliseconds,
      environment: environment)
    glyphs = screen.glyphs
  }

  /// Restores the terminal. `run` calls this before it returns.
  public func close() {
    screen.close()
  }

  /// Runs the screen until the user presses `q` or SIGINT, SIGTERM or SIGHUP arrives,
  /// then restores the terminal and returns the reason.
  ///
  /// With `control`, the runs train while the screen is open: `p` pauses them, and `q` or a
  /// signal requests a stop and waits up to `Options.stopGracePeriod` for every run to
  /// report its end. A second `q` or signal leaves at once. After the runs end the screen
  /// stays until `q`.
  public func run(control: TrainingControl? = nil) -> DashboardOutcome.Reason {
    defer { screen.close() }
    state.live = control != nil
    var leaving: DashboardOutcome.Reason?
    var leaveDeadline: ContinuousClock.Instant?
    var schedule = RedrawSchedule(
      minimumFrameInterval: options.minimumFrameInterval,
      idleRedrawInterval: options.idleRedrawInterval)
    /// Starts leaving for `reason`, or returns true when the screen should close now.
    func leave(_ reason: DashboardOutcome.Reason) -> Bool {
      guard let control, leaving == nil, !state.allEnded else { return true }
      leaving = reason
      state.stopRequested = true
      state.paused = false
      control.setPaused(false)
      control.requestStop(reason: reason.stopReason)
      leaveDeadline = clock.now + options.stopGracePeriod
      return false
    }

    while true {
      if let signalNumber = SignalMonitor.takePending() {
        let reason = DashboardOutcome.Reason.signal(
          name: SignalMonitor.name(of: signalNumber), number: signalNumber)
        if leave(reason) { return reason }
        schedule.redrawNow = true
      }
      if applyQueuedEvents() {
        schedule.hasNewEvents = true
      }
      if let leaving, state.allEnded || leaveDeadline.map({ clock.now >= $0 }) ?? true {
        return leaving
      }
      if schedule.isDue(at: clock.now) {
        screen.draw(
          ComparisonScreen.render(
            state: state, width: screen.width, height: screen.height, glyphs: glyphs))
        schedule.markDrawn(at: clock.now)
      }

      // The loop sleeps here, for up to the input timeout.
      guard let key = screen.readKey(), let command = ComparisonKeyBindings.command(for: key)
      else { continue }
      schedule.redrawNow = true
      switch command {
      case .quit:
        if leave(.userQuit) { return .userQuit }
      case .resize: screen.updateSize()
      case .cycleTheme:
        var cycle = themeCycle ?? ThemeCycle(current: themeName, currentPath: themePath)
        state.message = screen.switchTheme(cycle: &cycle)
        themeCycle = cycle
      default:
        state.perform(command)
        if command == .togglePause, let control { control.setPaused(state.paused) }
      }
    }
  }

  /// Applies every queued event to its run. Returns true when there were any.
  private func applyQueuedEvents() -> Bool {
    var applied = false
    for (index, observer) in observers.enumerated() {
      for event in observer.drain() {
        state.apply(event, toRun: index)
        applied = true
      }
    }
    return applied
  }
}
