/// The values shown in the status line at the bottom of the dashboard.
public struct StatusLine: Sendable {
  public var status: RunStatus
  public var epoch: Int?
  public var epochs: Int?
  public var step: Int?
  public var stepsPerEpoch: Int?
  /// Fraction of the whole run done, in `0...1`.
  public var fraction: Double
  public var imagesPerSecond: Double?
  public var secondsRemaining: Double?
  /// A notice shown first, such as the theme just chosen.
  public var notice: String?

  public init(
    status: RunStatus, epoch: Int? = nil, epochs: Int? = nil, step: Int? = nil,
    stepsPerEpoch: Int? = nil, fraction: Double = 0, imagesPerSecond: Double? = nil,
    secondsRemaining: Double? = nil
  ) {
    self.status = status
    self.epoch = epoch
    self.epochs = epochs
    self.step = step
    self.stepsPerEpoch = stepsPerEpoch
    self.fraction = fraction
    self.imagesPerSecond = imagesPerSecond
    self.secondsRemaining = secondsRemaining
  }

  /// Reads the status line's values from a dashboard state.
  public init(state: DashboardState) {
    self.init(
      status: state.status, epoch: state.progress?.epoch, epochs: state.config?.epochs,
      step: state.progress?.step,
      stepsPerEpoch: state.progress?.stepsPerEpoch ?? state.config?.stepsPerEpoch,
      fraction: state.runFraction, imagesPerSecond: state.progress?.imagesPerSecond,
      secondsRemaining: state.estimatedSecondsRemaining)
    notice = state.notice
  }

  private var statusRole: ColorRole {
    switch status {
    case .running: return .good
    case .paused, .stopping, .waiting, .interrupted: return .warning
    case .finished: return .accent
    case .failed: return .bad
    }
  }

  /// Returns the text items before and after the progress bar, most important first.
  func items() -> (before: [String], after: [String]) {
    var before: [String] = []
    if let epoch, let epochs { before.append("epoch \(epoch)/\(epochs)") }
    if let step, let stepsPerEpoch { before.append("step \(step)/\(stepsPerEpoch)") }
    var after = [NumberFormat.percent(fraction, decimals: 0)]
    if let imagesPerSecond { after.append("\(NumberFormat.rate(imagesPerSecond)) img/s") }
    if let secondsRemaining { after.append("ETA \(NumberFormat.duration(secondsRemaining))") }
    if case .failed(let message) = status { after.append(message) }
    if case .interrupted(let message) = status { after.append(message) }
    // The dashboard stays open after training ends, until the user leaves.
    switch status {
    case .finished, .failed, .interrupted: after.append("press q to quit")
    case .running, .paused, .stopping, .waiting: break
    }
    return (before, after)
  }

  /// Chooses the items and bar width that fit in `available` columns. Items
  /// before the bar are kept while they fit. The bar then shrinks to make room for
  /// the items after it, down to 8 columns, and below that those items are
  /// dropped from the right. A bar width under 8 means no bar and no later items.
  func fit(available: Int) -> (before: [String], barWidth: Int, after: [String]) {
    let (before, after) = items()
    var remaining = available
    var shownBefore: [String] = []
    // The notice comes first and is cut to fit, since it reports on the key just pressed.
    if let notice, remaining > 2 {
      let room = remaining - 2
      let shown = notice.count <= room ? notice : String(notice.prefix(max(0, room - 3))) + "..."
      shownBefore.append(shown)
      remaining -= shown.count + 2
    }
    for item in before where item.count + 2 <= remaining {
      shownBefore.append(item)
      remaining -= item.count + 2
    }

    var shownAfter = after
    var barWidth = 0
    while true {
      let afterWidth = shownAfter.reduce(0) { $0 + $1.count + 2 }
      barWidth = min(40, remaining - 3 - afterWidth)
      if barWidth >= 8 || shownAfter.isEmpty { break }
      shownAfter.removeLast()
    }
    return (shownBefore, barWidth, shownAfter)
  }

  /// Draws the line in the first row of `rect`: a state badge, the items that
  /// fit with the progress bar among them, and a help hint on the right.
  public func draw(in rect: Rect, on grid: inout Grid, glyphs: GlyphSet) {
    guard !rect.isEmpty else { return }
    let row = Rect(x: rect.x, y: rect.y, width: rect.width, height: 1)
    let base = Style(foreground: .text, background: .statusBar)
    grid.fill(row, with: Cell(" ", style: base))

    let badge = " \(status.label.uppercased()) "
    let badgeStyle = Style(
      foreground: statusRole, background: .statusBar, bold: true, reverse: true)
    var column = grid.write(badge, x: row.x, y: row.y, style: badgeStyle, clip: row)

    let help = "? help "
    let parts = fit(available: row.maxX - column - help.count - 1)
    for item in parts.before {
      column = grid.write("  " + item, x: column, y: row.y, style: base, clip: row)
    }
    if parts.barWidth >= 8 {
      column = drawBar(
        width: parts.barWidth, x: column + 2, y: row.y, clip: row, glyphs: glyphs, grid: &grid)
      for item in parts.after {
        column = grid.write("  " + item, x: column, y: row.y, style: base, clip: row)
      }
    }

    if row.maxX - column >= help.count + 1 {
      let helpStyle = base.with(foreground: .muted)
      grid.write(help, x: row.maxX - help.count, y: row.y, style: helpStyle, clip: row)
    }
  }

  private func drawBar(
    width: Int, x: Int, y: Int, clip: Rect, glyphs: GlyphSet, grid: inout Grid
  ) -> Int {
    let clamped = fraction.isFinite ? min(max(fraction, 0), 1) : 0
    let filled = Int((clamped * Double(width)).rounded(.down))
    let filledStyle = Style(foreground: .progressFilled, background: .statusBar)
    let emptyStyle = Style(foreground: .progressEmpty, background: .statusBar)
    grid.write(
      String(repeating: glyphs.progressFilled, count: filled), x: x, y: y,
      style: filledStyle, clip: clip)
    return grid.write(
      String(repeating: glyphs.progressEmpty, count: width - filled),
      x: x + filled, y: y, style: emptyStyle, clip: clip)
  }
}
