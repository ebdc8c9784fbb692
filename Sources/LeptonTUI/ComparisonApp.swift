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

    public init() {}
  }

  /// One event queue per run, for trainers running while the screen is open.
  public let observers: [DashboardObserver]
  /// Unicode glyphs when the locale is UTF-8, ASCII otherwise.
  public let glyphs: GlyphSet
  public private(set) var state: ComparisonState

  private let screen: ScreenSession
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
  public func run() -> DashboardOutcome.Reason {
    defer { screen.close() }
    var schedule = RedrawSchedule(
      minimumFrameInterval: options.minimumFrameInterval,
      idleRedrawInterval: options.idleRedrawInterval)
    while true {
      if let signalNumber = SignalMonitor.takePending() {
        return .signal(name: SignalMonitor.name(of: signalNumber), number: signalNumber)
      }
      if applyQueuedEvents() {
        schedule.hasNewEvents = true
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
      switch command {
      case .quit: return .userQuit
      case .resize: screen.updateSize()
      default: state.perform(command)
      }
      schedule.redrawNow = true
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
