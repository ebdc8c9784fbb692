/// The key bindings listed in the help overlay.
public struct HelpOverlay: Sendable {
  /// Keys and what they do, in display order.
  public static let bindings: [(key: String, action: String)] = [
    ("q", "quit: stop the run and exit"),
    ("p", "pause or resume training"),
    ("?", "show or hide this help"),
    ("Tab", "focus the next panel"),
    ("n", "confusion matrix: counts or row %"),
    ("s", "smoothing of step curves on or off"),
    ("c", "per-class table or matrix and ROC"),
    ("t", "threshold explorer on or off"),
    ("Left Right", "explorer: threshold -/+ 0.01"),
    ("J K", "explorer: threshold -/+ 0.001"),
    ("PgDn PgUp", "explorer: previous/next score"),
    ("[ ]", "explorer: previous/next class"),
    ("f y", "explorer: max F1 / Youden's J"),
    ("a", "explorer: selective prediction"),
    ("=", "explorer: type 0.7, p0.9 or r0.8"),
    ("< >", "stored run: previous/next epoch"),
    ("v", "next colour theme"),
  ]

  /// The keys listed, in display order.
  public var shownBindings: [(key: String, action: String)]

  /// Creates the overlay of `bindings`, by default the dashboard's keys.
  public init(bindings: [(key: String, action: String)] = HelpOverlay.bindings) {
    shownBindings = bindings
  }

  /// Draws a bordered box in the middle of `rect`, clearing what lies under it.
  /// Nothing is drawn when not even one binding fits.
  public func draw(in rect: Rect, on grid: inout Grid, glyphs: GlyphSet) {
    let keyWidth = shownBindings.map(\.key.count).max() ?? 0
    let lines = shownBindings.map { TextFit.pad($0.key, to: keyWidth) + "  " + $0.action }
    let footer = "press ? to close"
    let innerWidth = max(lines.map(\.count).max() ?? 0, footer.count) + 2
    let box = rect.centered(width: innerWidth + 2, height: lines.count + 4)
    guard box.width >= 8, box.height >= 3 else { return }
    grid.fill(box, with: Cell(" ", style: Style(background: .terminalDefault)))
    let inner = grid.drawBox(box, title: "Keys", focused: true, glyphs: glyphs)
    for (index, line) in lines.enumerated() {
      let key = TextFit.pad(shownBindings[index].key, to: keyWidth)
      let y = inner.y + index
      // The last row keeps the footer, so a short screen lists fewer bindings.
      guard y < inner.maxY - 1 else { break }
      grid.write(
        " " + key, x: inner.x, y: y, style: Style(foreground: .accent, bold: true),
        clip: inner)
      grid.write(String(line.dropFirst(keyWidth)), x: inner.x + 1 + keyWidth, y: y, clip: inner)
    }
    grid.write(
      footer, in: inner, row: inner.maxY - 1, alignment: .center,
      style: Style(foreground: .muted), glyphs: glyphs)
  }
}

/// The one-line screen shown when the terminal is below the dashboard's minimum size.
public enum TooSmallScreen {
  /// The dashboard's minimum size, the default of the functions below.
  private static var dashboardMinimum: String {
    "\(DashboardView.minimumWidth)x\(DashboardView.minimumHeight)"
  }

  /// Returns the message for a terminal of `width` x `height` cells.
  public static func message(width: Int, height: Int) -> String {
    "terminal too small: needs \(dashboardMinimum), have \(width)x\(height)"
  }

  /// Returns the longest of the message's shorter forms that fits in `width` columns,
  /// or the shortest form cut to `width` when none fits. `minimumSize` is the size
  /// that the screen needs, such as "100x30".
  public static func fittedMessage(width: Int, height: Int, minimumSize: String? = nil)
    -> String
  {
    let minimumSize = minimumSize ?? dashboardMinimum
    let forms = [
      "terminal too small: needs \(minimumSize), have \(width)x\(height)",
      "too small: needs \(minimumSize), have \(width)x\(height)",
      "needs \(minimumSize)",
      minimumSize,
    ]
    return forms.first { $0.count <= width } ?? String(minimumSize.prefix(max(0, width)))
  }

  /// Draws the message on the middle row, centred.
  public static func render(
    width: Int, height: Int, minimumSize: String? = nil, glyphs: GlyphSet
  ) -> Grid {
    var grid = Grid(width: width, height: height)
    grid.write(
      fittedMessage(width: width, height: height, minimumSize: minimumSize), in: grid.bounds,
      row: (height - 1) / 2, alignment: .center, style: Style(foreground: .warning, bold: true),
      glyphs: glyphs)
    return grid
  }
}
