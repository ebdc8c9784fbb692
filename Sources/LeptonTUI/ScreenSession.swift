import Foundation
import LeptonRender

/// The terminal of a full-screen view with its theme: draws grids, reads keys and
/// follows resizes. `DashboardApp` and `ComparisonApp` share it. Use it from one thread.
final class ScreenSession {
  /// Unicode glyphs when the locale is UTF-8, ASCII otherwise.
  let glyphs: GlyphSet
  let colorSupport: ColorSupport
  private let terminal: Terminal
  private var converter: GridConverter

  /// Opens the terminal.
  ///
  /// - Throws: `TerminalError` when the terminal cannot be opened. Callers should then
  ///   fall back to text output.
  init(
    theme: Theme, inputTimeoutMilliseconds: Int32, environment: [String: String],
    keysFromControllingTerminal: Bool = false
  ) throws(TerminalError) {
    terminal = try Terminal(
      inputTimeoutMilliseconds: inputTimeoutMilliseconds, environment: environment,
      keysFromControllingTerminal: keysFromControllingTerminal)
    glyphs = GlyphSet(unicode: terminal.isUTF8)
    colorSupport = terminal.colorSupport
    converter = GridConverter(theme: theme, support: terminal.colorSupport)
  }

  var width: Int { terminal.width }
  var height: Int { terminal.height }

  /// Draws `grid` with the theme's colours, sending only the cells that changed.
  func draw(_ grid: Grid) {
    terminal.draw(converter.snapshot(of: grid))
  }

  /// Draws from now on with `theme`. The next draw repaints every cell whose colours change.
  func setTheme(_ theme: Theme) {
    converter = GridConverter(theme: theme, support: colorSupport)
  }

  /// Waits up to the input timeout for a key. Returns nil when none arrives.
  func readKey() -> InputKey? {
    terminal.readKey()
  }

  /// Re-reads the screen size after a resize and forces a full redraw.
  func updateSize() {
    terminal.updateSize()
  }

  /// Restores the terminal. Safe to call more than once.
  func close() {
    terminal.close()
  }
}

/// The redraw timing of a full-screen loop: at once after a key, at most every
/// `minimumFrameInterval` while events arrive, and every `idleRedrawInterval` otherwise
/// so that clocks on screen keep moving.
struct RedrawSchedule {
  var minimumFrameInterval: Duration
  var idleRedrawInterval: Duration
  /// Whether the next check draws regardless of the intervals.
  var redrawNow = true
  /// Whether events changed the state since the last draw.
  var hasNewEvents = false
  private var lastDraw: ContinuousClock.Instant?

  init(minimumFrameInterval: Duration, idleRedrawInterval: Duration) {
    self.minimumFrameInterval = minimumFrameInterval
    self.idleRedrawInterval = idleRedrawInterval
  }

  /// Returns whether to draw at `now`.
  func isDue(at now: ContinuousClock.Instant) -> Bool {
    let sinceDraw = lastDraw.map { now - $0 } ?? .seconds(1_000)
    return redrawNow || (hasNewEvents && sinceDraw >= minimumFrameInterval)
      || sinceDraw >= idleRedrawInterval
  }

  /// Records a draw at `now`.
  mutating func markDrawn(at now: ContinuousClock.Instant) {
    lastDraw = now
    redrawNow = false
    hasNewEvents = false
  }
}
