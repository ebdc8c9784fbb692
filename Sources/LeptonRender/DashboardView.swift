import LeptonEngine

/// Renders the whole training dashboard from a state and a terminal size.
public enum DashboardView {
  public static let minimumWidth = 100
  public static let minimumHeight = 30

  /// Returns the dashboard as a grid of exactly `width` x `height` cells, or the
  /// one-line "terminal too small" screen below the minimum size.
  public static func render(state: DashboardState, width: Int, height: Int, glyphs: GlyphSet)
    -> Grid
  {
    guard width >= minimumWidth, height >= minimumHeight else {
      return TooSmallScreen.render(width: width, height: height, glyphs: glyphs)
    }
    let layout = DashboardLayout.make(width: width, height: height)
    var grid = Grid(width: width, height: height)
    drawTitleBar(state: state, in: layout.titleBar, on: &grid, glyphs: glyphs)
    drawCurves(state: state, layout: layout, on: &grid, glyphs: glyphs)

    let epochInner = grid.drawBox(
      layout.epochTable, title: "Epochs (test metrics are macro averages)",
      focused: state.focusedPanel == .epochs, glyphs: glyphs)
    EpochTable(epochs: state.epochs, expectsValidation: (state.config?.validationCount ?? 0) > 0)
      .draw(in: epochInner, on: &grid, glyphs: glyphs)

    if state.explorerSettings.visible {
      drawExplorer(state: state, layout: layout, on: &grid, glyphs: glyphs)
    } else if state.perClassVisible {
      drawPerClass(state: state, layout: layout, on: &grid, glyphs: glyphs)
    } else {
      drawMatrixAndROC(state: state, layout: layout, on: &grid, glyphs: glyphs)
    }

    StatusLine(state: state).draw(in: layout.statusLine, on: &grid, glyphs: glyphs)
    if state.helpVisible {
      HelpOverlay().draw(in: grid.bounds, on: &grid, glyphs: glyphs)
    }
    return grid
  }

  private static func drawMatrixAndROC(
    state: DashboardState, layout: DashboardLayout, on grid: inout Grid, glyphs: GlyphSet
  ) {
    let mode = state.matrixNormalized ? "row %" : "counts"
    let epochSuffix = state.displayedEpoch.map { ", epoch \($0)" } ?? ""
    let matrixInner = grid.drawBox(
      layout.confusionMatrix, title: "Confusion matrix (\(mode)\(epochSuffix))",
      focused: state.focusedPanel == .confusion, glyphs: glyphs)
    if let matrix = state.confusionMatrix {
      ConfusionMatrixView(
        matrix: matrix, classNames: state.classNames, normalized: state.matrixNormalized
      ).draw(in: matrixInner, on: &grid, glyphs: glyphs)
    } else {
      grid.writeCentered("no evaluation yet", in: matrixInner, glyphs: glyphs)
    }

    let rocInner = grid.drawBox(
      layout.roc, title: "ROC one-vs-rest", focused: state.focusedPanel == .roc, glyphs: glyphs)
    if let failure = state.rocFailure {
      grid.writeCentered(failure, in: rocInner, style: Style(foreground: .warning), glyphs: glyphs)
    } else {
      ROCPlot(curves: state.rocCurves).draw(in: rocInner, on: &grid, glyphs: glyphs)
    }
  }

  /// Draws the threshold explorer across the space of the confusion matrix and ROC panels.
  private static func drawExplorer(
    state: DashboardState, layout: DashboardLayout, on grid: inout Grid, glyphs: GlyphSet
  ) {
    let panel = ThresholdExplorerPanel(state: state)
    let inner = grid.drawBox(
      bottomArea(layout), title: panel.title,
      focused: state.focusedPanel == .confusion || state.focusedPanel == .roc, glyphs: glyphs)
    panel.draw(in: inner, on: &grid, glyphs: glyphs)
  }

  /// Returns the rectangle of the confusion matrix and ROC panels together.
  private static func bottomArea(_ layout: DashboardLayout) -> Rect {
    let matrix = layout.confusionMatrix
    return Rect(
      x: matrix.x, y: matrix.y, width: layout.roc.maxX - matrix.x, height: matrix.height)
  }

  /// Draws the per-class table across the space of the confusion matrix and ROC panels.
  private static func drawPerClass(
    state: DashboardState, layout: DashboardLayout, on grid: inout Grid, glyphs: GlyphSet
  ) {
    let area = bottomArea(layout)
    let epochSuffix = state.displayedEpoch.map { ", epoch \($0)" } ?? ""
    let inner = grid.drawBox(
      area, title: "Per-class test metrics\(epochSuffix)",
      focused: state.focusedPanel == .confusion || state.focusedPanel == .roc, glyphs: glyphs)
    PerClassTable(epochs: state.epochsUpToDisplayed, classNames: state.classNames)
      .draw(in: inner, on: &grid, glyphs: glyphs)
  }

  private static func drawTitleBar(
    state: DashboardState, in rect: Rect, on grid: inout Grid, glyphs: GlyphSet
  ) {
    let base = Style(foreground: .text, background: .titleBar)
    grid.fill(rect, with: Cell(" ", style: base))
    var column = grid.write(
      " lepton ", x: rect.x, y: rect.y,
      style: Style(foreground: .accent, background: .titleBar, bold: true), clip: rect)
    var segments: [String] = []
    if let config = state.config {
      segments.append("run \(config.runID)")
      segments.append("model \(config.model) (\(parameterText(config.parameterCount)) params)")
      segments.append("dataset \(config.dataset)")
      let validation = config.validationCount > 0 ? " / \(config.validationCount) val" : ""
      segments.append("\(config.trainCount) train\(validation) / \(config.testCount) test")
      segments.append(
        "batch \(config.batchSize)  lr \(NumberFormat.trimmed(config.learningRate))")
      if config.augmentation != "none" {
        segments.append("augment \(config.augmentation)")
      }
    } else {
      segments.append("waiting for the run to start")
    }
    let separator = " \(glyphs.separator) "
    for segment in segments where column + separator.count + segment.count <= rect.maxX {
      column = grid.write(
        separator, x: column, y: rect.y, style: base.with(foreground: .muted),
        clip: rect)
      column = grid.write(segment, x: column, y: rect.y, style: base, clip: rect)
    }
  }

  private static func drawCurves(
    state: DashboardState, layout: DashboardLayout, on grid: inout Grid, glyphs: GlyphSet
  ) {
    let focused = state.focusedPanel == .curves
    let lastStep = Double(state.progress?.globalStep ?? 0)
    let steps = 0...max(1, lastStep)
    let lossInner = grid.drawBox(
      layout.lossChart, title: "Loss", focused: focused, glyphs: glyphs)
    let lossChart = LineChart(
      series: curveSeries(
        raw: state.trainLoss, smoothed: state.smoothedLoss, test: state.testLoss,
        smoothing: state.smoothingEnabled),
      xLabel: "step", xRange: steps)
    lossChart.draw(in: lossInner, on: &grid, glyphs: glyphs)

    let accuracyInner = grid.drawBox(
      layout.accuracyChart, title: "Accuracy", focused: focused, glyphs: glyphs)
    let accuracyChart = LineChart(
      series: curveSeries(
        raw: state.trainAccuracy, smoothed: state.smoothedAccuracy, test: state.testAccuracy,
        smoothing: state.smoothingEnabled),
      xLabel: "step", xRange: steps)
    accuracyChart.draw(in: accuracyInner, on: &grid, glyphs: glyphs)
  }

  /// Returns the series of one curves chart. With smoothing on, the raw steps are drawn
  /// muted under the smoothed line.
  static func curveSeries(
    raw: SeriesBuffer, smoothed: SeriesBuffer, test: [ChartPoint], smoothing: Bool
  ) -> [ChartSeries] {
    var series: [ChartSeries] = []
    if smoothing {
      series.append(ChartSeries(name: "train", points: raw.allPoints, role: .muted))
      series.append(
        ChartSeries(name: "smoothed", points: smoothed.allPoints, role: .seriesRole(0)))
    } else {
      series.append(ChartSeries(name: "train", points: raw.allPoints, role: .seriesRole(0)))
    }
    series.append(ChartSeries(name: "test", points: test, role: .seriesRole(1), kind: .markers))
    return series
  }

  private static func parameterText(_ count: Int) -> String {
    if count >= 1_000_000 { return NumberFormat.fixed(Double(count) / 1e6, decimals: 1) + "M" }
    if count >= 1_000 { return NumberFormat.fixed(Double(count) / 1e3, decimals: 1) + "k" }
    return String(count)
  }
}
