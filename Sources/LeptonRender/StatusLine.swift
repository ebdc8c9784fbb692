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
  }

  private var statusRole: ColorRole {
    switch status {
    case .running: return .good
    case .paused, .stopping, .waiting: return .warning
    case .finished: return .accent
    case .failed: return .bad
    }
  }

  /// The text items after the state badge, most important first. The progress
  /// bar goes between the step and the throughput.
  func items() -> (before: [String], after: [String]) {
    var before: [String] = []
    if let epoch, let epochs { before.append("epoch \(epoch)/\(epochs)") }
    if let step, let stepsPerEpoch { before.append("step \(step)/\(stepsPerEpoch)") }
    var after = [NumberFormat.percent(fraction, decimals: 0)]
    if let imagesPerSecond { after.append("\(NumberFormat.rate(imagesPerSecond)) img/s") }
    if let secondsRemaining { after.append("ETA \(NumberFormat.duration(secondsRemaining))") }
    if case .failed(let message) = status { after.append(message) }
    return (before, after)
  }

  /// Draws the line in the first row of `rect`. Items are dropped from the right
  /// when the row is too narrow, and the bar takes the space that is left, from
  /// 8 to 40 columns.
  public func draw(in rect: Rect, on grid: inout Grid, glyphs: GlyphSet) {
    guard !rect.isEmpty else { return }
    let row = Rect(x: rect.x, y: rect.y, width: rect.width, height: 1)
    let base = Style(foreground: .text, background: .statusBar)
    grid.fill(row, with: Cell(" ", style: base))
    let badge = " \(status.label.uppercased()) "
    var column = grid.write(
      badge, x: row.x, y: row.y,
      style: Style(foreground: statusRole, background: .statusBar, bold: true, reverse: true),
      clip: row)
    let help = "? help "
    let (before, after) = items()
    var available = row.maxX - column - help.count
    var shownBefore: [String] = []
    for item in before where item.count + 2 <= available {
      shownBefore.append(item)
      available -= item.count + 2
    }
    let barWidth = min(40, available - 2 - (after.first.map { $0.count + 2 } ?? 0))
    var shownAfter: [String] = []
    if barWidth >= 8 {
      available -= barWidth + 2
      for item in after where item.count + 2 <= available {
        shownAfter.append(item)
        available -= item.count + 2
      }
    }
    for item in shownBefore {
      column = grid.write("  " + item, x: column, y: row.y, style: base, clip: row)
    }
    if barWidth >= 8 {
      column = drawBar(
        width: barWidth, x: column + 2, y: row.y, clip: row, glyphs: glyphs,
        grid: &grid)
      for item in shownAfter {
        column = grid.write("  " + item, x: column, y: row.y, style: base, clip: row)
      }
    }
    if row.maxX - column >= help.count + 1 {
      grid.write(
        help, x: row.maxX - help.count, y: row.y, style: base.with(foreground: .muted),
        clip: row)
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
