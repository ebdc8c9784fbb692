/// Renders the comparison screen of `lepton compare`: a title bar with the runs, a tab
/// bar, the selected view, a statistics footer and a status line.
public enum ComparisonScreen {
  public static let minimumWidth = 40
  public static let minimumHeight = 10
  /// Height from which the statistics footer is shown.
  static let footerMinimumHeight = 16

  /// Keys and what they do, for the help overlay.
  public static let bindings: [(key: String, action: String)] = [
    ("1-5", "views: curves, metrics, F1, matrix, ROC"),
    ("Tab S-Tab", "next or previous view"),
    ("m", "curves: next metric"),
    ("x", "curves: x axis by epoch or by step"),
    ("s", "curves: smoothing of step curves"),
    ("l", "curves: log y scale on or off"),
    ("n", "matrix: counts or row rates"),
    ("b", "matrix: next run compared with A"),
    ("[ ]", "ROC: previous or next class"),
    ("p", "pause or resume runs training side by side"),
    ("v", "next colour theme"),
    ("?", "show or hide this help"),
    ("q", "quit (stops runs that are training)"),
  ]

  /// Returns the screen as a grid of exactly `width` x `height` cells, or the one-line
  /// "terminal too small" screen below the minimum size.
  public static func render(state: ComparisonState, width: Int, height: Int, glyphs: GlyphSet)
    -> Grid
  {
    guard width >= minimumWidth, height >= minimumHeight else {
      return TooSmallScreen.render(
        width: width, height: height, minimumSize: "\(minimumWidth)x\(minimumHeight)",
        glyphs: glyphs)
    }
    var grid = Grid(width: width, height: height)
    let (titleBar, belowTitle) = grid.bounds.splitTop(1)
    let (tabBar, belowTabs) = belowTitle.splitTop(1)
    var (body, statusLine) = belowTabs.splitBottom(1)
    drawTitleBar(state: state, in: titleBar, on: &grid, glyphs: glyphs)
    drawTabBar(selected: state.tab, in: tabBar, on: &grid)
    if height >= footerMinimumHeight && state.runs.count > 1 {
      let footer: Rect
      (body, footer) = body.splitBottom(1)
      drawFooter(state: state, in: footer, on: &grid, glyphs: glyphs)
    }
    let panel = ComparisonPanels(state: state, glyphs: glyphs)
    let inner = grid.drawBox(body, title: panel.title, focused: true, glyphs: glyphs)
    panel.draw(in: inner, on: &grid)
    drawStatusLine(state: state, in: statusLine, on: &grid, glyphs: glyphs)
    if state.helpVisible {
      HelpOverlay(bindings: bindings).draw(in: grid.bounds, on: &grid, glyphs: glyphs)
    }
    return grid
  }

  private static func drawTitleBar(
    state: ComparisonState, in rect: Rect, on grid: inout Grid, glyphs: GlyphSet
  ) {
    let base = Style(foreground: .text, background: .titleBar)
    grid.fill(rect, with: Cell(" ", style: base))
    var column = grid.write(
      " lepton compare ", x: rect.x, y: rect.y,
      style: Style(foreground: .accent, background: .titleBar, bold: true), clip: rect)
    let separator = " \(glyphs.separator) "
    let full = state.runs.map { run -> String in
      let epoch = run.epochs.last.map { ", epoch \($0.epoch)" } ?? ""
      let model = run.config.map { " (\($0.model)\(epoch))" } ?? ""
      return "\(run.letter) \(run.id)\(model)"
    }
    let fullWidth = full.reduce(column) { $0 + separator.count + $1.count }
    let segments = fullWidth <= rect.maxX ? full : state.runs.map { "\($0.letter) \($0.id)" }
    for (index, segment) in segments.enumerated() where column + separator.count + 2 <= rect.maxX {
      column = grid.write(
        separator, x: column, y: rect.y, style: base.with(foreground: .muted), clip: rect)
      column = grid.write(
        String(segment.prefix(1)), x: column, y: rect.y,
        style: base.with(foreground: .seriesRole(index)).bolded(), clip: rect)
      let rest = TextFit.truncate(
        String(segment.dropFirst()), to: rect.maxX - column, glyphs: glyphs)
      column = grid.write(rest, x: column, y: rect.y, style: base, clip: rect)
    }
  }

  /// Draws the numbered view names, the selected one in reverse video. Names shorten,
  /// then disappear behind their numbers, as the width shrinks.
  static func drawTabBar(selected: ComparisonTab, in rect: Rect, on grid: inout Grid) {
    let tabs = ComparisonTab.allCases
    let full = tabs.map { " \($0.rawValue) \($0.title) " }
    let short = tabs.map { " \($0.rawValue) \($0.shortTitle) " }
    let numbers = tabs.map { " \($0.rawValue) " }
    var labels = tabs.map { String($0.rawValue) }
    for form in [full, short, numbers] where width(of: form) <= rect.width {
      labels = form
      break
    }
    var column = rect.x
    for (tab, label) in zip(ComparisonTab.allCases, labels) {
      let style =
        tab == selected
        ? Style(foreground: .accent, bold: true, reverse: true) : Style(foreground: .muted)
      column = grid.write(label, x: column, y: rect.y, style: style, clip: rect) + 1
    }
  }

  private static func width(of labels: [String]) -> Int {
    labels.reduce(0) { $0 + $1.count + 1 }
  }

  /// Draws the statistics of each run against A on one line.
  private static func drawFooter(
    state: ComparisonState, in rect: Rect, on grid: inout Grid, glyphs: GlyphSet
  ) {
    var column = rect.x
    for index in state.runs.indices.dropFirst() {
      let letter = state.runs[index].letter
      let text: String
      if let statistics = state.statistics[index] {
        text =
          "\(letter) - A: McNemar p \(ComparisonText.pValue(statistics.mcNemar)), accuracy "
          + ComparisonText.shortInterval(statistics.bootstrap.accuracyDifference)
      } else if let failure = state.statisticsFailures[index] {
        text = failure
      } else {
        text = "\(letter): no test scores for statistics"
      }
      if column > rect.x {
        column = grid.write(
          " \(glyphs.separator) ", x: column, y: rect.y, style: Style(foreground: .muted),
          clip: rect)
      }
      let fitted = TextFit.truncate(text, to: rect.maxX - column, glyphs: glyphs)
      column = grid.write(fitted, x: column, y: rect.y, style: Style(foreground: .text), clip: rect)
    }
  }

  /// Returns the status line's hints for the selected view, most important first.
  static func hints(for state: ComparisonState) -> [String] {
    switch state.tab {
    case .curves:
      let smoothing =
        state.smoothingEnabled
        ? "EMA \(NumberFormat.trimmed(ComparisonState.smoothingWeight))" : "off"
      return [
        "m \(state.metric.title)", "x by \(state.axis == .epoch ? "epoch" : "step")",
        "s smoothing \(smoothing)", "l \(state.logScale ? "log" : "linear") y",
      ]
    case .metrics, .perClass:
      return ["Tab next view", "change against A: green better, red worse"]
    case .confusion:
      var items = ["n \(state.matrixNormalized ? "row rates" : "counts")"]
      if state.runs.count > 2 {
        items.append("b \(state.runs[state.comparedRun].letter) - A")
      }
      return items
    case .roc:
      let count = state.classCount
      guard count > 0 else { return ["[ ] class"] }
      return [
        "[ ] class \(state.className(state.selectedClass)) (\(state.selectedClass + 1)/\(count))"
      ]
    }
  }

  /// Returns the status line's label: COMPARE for stored runs, and the state of the runs
  /// while they train.
  static func statusLabel(for state: ComparisonState) -> (String, ColorRole) {
    guard state.live else { return ("COMPARE", .accent) }
    if state.allEnded {
      let failed = state.runs.contains { $0.outcome == "failed" }
      return failed ? ("FAILED", .bad) : ("FINISHED", .good)
    }
    if state.stopRequested { return ("STOPPING", .warning) }
    if state.paused { return ("PAUSED", .warning) }
    return ("TRAINING", .accent)
  }

  /// Returns a live run's progress, such as "epoch 2/5 40%", or how it ended.
  static func progressText(of run: ComparedRun) -> String {
    if let outcome = run.outcome { return outcome }
    guard let progress = run.progress else { return "starting" }
    let total = run.config?.epochs ?? progress.epoch
    let fraction = Double(progress.step) / Double(max(1, progress.stepsPerEpoch))
    return "epoch \(progress.epoch)/\(total) \(Int((fraction * 100).rounded(.down)))%"
  }

  private static func drawStatusLine(
    state: ComparisonState, in rect: Rect, on grid: inout Grid, glyphs: GlyphSet
  ) {
    let base = Style(foreground: .text, background: .statusBar)
    grid.fill(rect, with: Cell(" ", style: base))
    let help = "? help "
    let end = rect.maxX - help.count - 1
    let (label, labelRole) = statusLabel(for: state)
    var column = grid.write(
      " \(label) ", x: rect.x, y: rect.y,
      style: Style(foreground: labelRole, background: .statusBar, bold: true, reverse: true),
      clip: rect)
    if state.live {
      for (index, run) in state.runs.enumerated() where column + 2 < end {
        let letterStyle = base.with(foreground: .seriesRole(index)).bolded()
        column = grid.write("  " + run.letter, x: column, y: rect.y, style: letterStyle, clip: rect)
        let text = TextFit.truncate(
          " " + progressText(of: run), to: max(0, end - column), glyphs: glyphs)
        column = grid.write(text, x: column, y: rect.y, style: base, clip: rect)
      }
    }
    if let message = state.message {
      let fitted = TextFit.truncate("  " + message, to: max(0, end - column), glyphs: glyphs)
      column = grid.write(
        fitted, x: column, y: rect.y, style: base.with(foreground: .warning).bolded(), clip: rect)
    }
    for item in hints(for: state) where column + item.count + 2 <= end {
      column = grid.write("  " + item, x: column, y: rect.y, style: base, clip: rect)
    }
    if rect.maxX - column >= help.count + 1 {
      grid.write(
        help, x: rect.maxX - help.count, y: rect.y, style: base.with(foreground: .muted),
        clip: rect)
    }
  }
}
