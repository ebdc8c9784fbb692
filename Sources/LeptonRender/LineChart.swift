/// One point of a chart in data coordinates.
public struct ChartPoint: Hashable, Sendable {
  public var x: Double
  public var y: Double

  public init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }
}

/// A named set of points drawn in one colour role.
public struct ChartSeries: Sendable {
  /// The drawing style of a series' points.
  public enum Kind: Sendable {
    /// Connected by straight lines of braille dots.
    case line
    /// Connected by lines that set every third dot, for reference lines.
    case dotted
    /// One marker character per point, for sparse values such as per-epoch results.
    case markers
  }

  public var name: String
  public var points: [ChartPoint]
  public var role: ColorRole
  public var kind: Kind
  /// Whether the legend lists this series.
  public var inLegend: Bool
  /// The character of `.markers` points, or nil for the glyph set's marker.
  public var marker: Character?

  public init(
    name: String, points: [ChartPoint], role: ColorRole, kind: Kind = .line, inLegend: Bool = true,
    marker: Character? = nil
  ) {
    self.name = name
    self.points = points
    self.role = role
    self.kind = kind
    self.inLegend = inLegend
    self.marker = marker
  }
}

/// The parts of a chart's rectangle, computed before anything is drawn. Parts
/// that do not fit are empty.
public struct LineChartLayout: Equatable, Sendable {
  public var yLabels: Rect
  /// The column of the y axis line, left of the plot.
  public var yAxis: Rect
  public var plot: Rect
  /// The x axis line under the plot.
  public var xAxis: Rect
  /// The row with the lowest and highest x values and the x label.
  public var xLabels: Rect
  public var legend: Rect

  /// Splits `rect` for a chart whose y labels are `labelWidth` wide and whose
  /// legend needs `legendWidth` columns. Rows are given up in this order as the
  /// rectangle shrinks: legend, x labels, x axis. The y labels go when fewer than
  /// four plot columns would remain.
  public static func make(in rect: Rect, labelWidth: Int, legendWidth: Int) -> LineChartLayout {
    var rest = rect
    var legend = Rect.zero
    var xLabels = Rect.zero
    var xAxis = Rect.zero
    if rest.height >= 7, legendWidth > 0, legendWidth <= rest.width {
      (rest, legend) = rest.splitBottom(1)
    }
    if rest.height >= 4 { (rest, xLabels) = rest.splitBottom(1) }
    if rest.height >= 3 { (rest, xAxis) = rest.splitBottom(1) }
    var yLabels = Rect.zero
    var yAxis = Rect.zero
    if labelWidth > 0, rest.width >= labelWidth + 1 + 4 {
      (yLabels, rest) = rest.splitLeft(labelWidth)
      (yAxis, rest) = rest.splitLeft(1)
    }
    let plot = rest
    // The axis rows start under the y axis column so the corner lines up.
    let axisStart = yAxis.isEmpty ? plot.x : yAxis.x
    if !xAxis.isEmpty {
      xAxis = Rect(x: axisStart, y: xAxis.y, width: plot.maxX - axisStart, height: 1)
    }
    if !xLabels.isEmpty {
      xLabels = Rect(x: plot.x, y: xLabels.y, width: plot.width, height: 1)
    }
    return LineChartLayout(
      yLabels: yLabels, yAxis: yAxis, plot: plot, xAxis: xAxis, xLabels: xLabels, legend: legend)
  }
}

/// A line chart on a braille canvas with y labels, an x axis and a legend.
public struct LineChart: Sendable {
  public var series: [ChartSeries]
  public var xLabel: String
  /// Fixed axis ranges; nil ranges follow the data.
  public var xRange: ClosedRange<Double>?
  public var yRange: ClosedRange<Double>?
  /// Whether to show a legend row when there is room for it.
  public var showsLegend: Bool
  /// Text shown when no series has a point.
  public var emptyMessage: String
  /// Formats a y tick value in place of the default axis label, for example to label a
  /// log10 axis with the original values. Nil uses `NumberFormat.axisLabel`.
  public var yLabel: (@Sendable (Double) -> String)?

  public init(
    series: [ChartSeries], xLabel: String = "", xRange: ClosedRange<Double>? = nil,
    yRange: ClosedRange<Double>? = nil, showsLegend: Bool = true,
    emptyMessage: String = "no data yet", yLabel: (@Sendable (Double) -> String)? = nil
  ) {
    self.series = series
    self.xLabel = xLabel
    self.xRange = xRange
    self.yRange = yRange
    self.showsLegend = showsLegend
    self.emptyMessage = emptyMessage
    self.yLabel = yLabel
  }

  /// Returns the x and y ranges that the chart draws: the fixed ranges, or the extent of
  /// the finite points widened to a non-zero span. Nil when there are no points.
  ///
  /// Like TensorBoard's outlier setting, the y range of line series ignores the highest
  /// and lowest `outlierFraction` of their values once there are enough of them. The
  /// loss of the first steps is many times the later loss and would otherwise squash
  /// the rest of the curve. Points outside the range are drawn at its edge, and marker
  /// points (the per-epoch values) always fit.
  public func resolvedRanges() -> (x: ClosedRange<Double>, y: ClosedRange<Double>)? {
    let points = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
    guard !points.isEmpty || (xRange != nil && yRange != nil) else { return nil }
    let x = xRange ?? Self.widened(points.map(\.x))
    let y = yRange ?? Self.widened(yValuesForRange())
    return (x, y)
  }

  /// Share of line values left out at each end of the automatic y range.
  static let outlierFraction = 0.01
  /// Line values needed before any are left out as outliers.
  static let outlierMinimumCount = 200

  /// Returns the y values the automatic range must contain: every marker value, and
  /// the line values without the outliers at each end.
  private func yValuesForRange() -> [Double] {
    var lineValues: [Double] = []
    var markerValues: [Double] = []
    for entry in series {
      let values = entry.points.filter { $0.x.isFinite && $0.y.isFinite }.map(\.y)
      if entry.kind == .markers {
        markerValues += values
      } else {
        lineValues += values
      }
    }
    guard lineValues.count >= Self.outlierMinimumCount else { return markerValues + lineValues }
    lineValues.sort()
    let cut = Int(Double(lineValues.count) * Self.outlierFraction)
    return markerValues + [lineValues[cut], lineValues[lineValues.count - 1 - cut]]
  }

  /// Draws the chart into `rect`. Nothing is drawn into an empty rectangle.
  public func draw(in rect: Rect, on grid: inout Grid, glyphs: GlyphSet) {
    guard !rect.isEmpty else { return }
    guard let ranges = resolvedRanges(), series.contains(where: { !$0.points.isEmpty }) else {
      grid.writeCentered(emptyMessage, in: rect, glyphs: glyphs)
      return
    }
    let yTicks = yTickValues(range: ranges.y, rows: rect.height)
    let labelWidth = yTicks.map { $0.label.count }.max() ?? 0
    let legendText = showsLegend ? legendEntries(glyphs: glyphs) : []
    let legendWidth = legendText.reduce(0) { $0 + $1.text.count + 2 } - 2
    let layout = LineChartLayout.make(
      in: rect, labelWidth: labelWidth, legendWidth: max(0, legendWidth))
    guard !layout.plot.isEmpty else { return }

    drawAxes(layout: layout, ranges: ranges, glyphs: glyphs, grid: &grid)
    var canvas = BrailleCanvas(columns: layout.plot.width, rows: layout.plot.height)
    for entry in series {
      plot(entry, on: &canvas, ranges: ranges, glyphs: glyphs)
    }
    canvas.draw(into: &grid, x: layout.plot.x, y: layout.plot.y, glyphs: glyphs, clip: layout.plot)
    if !layout.legend.isEmpty {
      var column = layout.legend.x
      for entry in legendText {
        grid.write(
          String(entry.swatch), x: column, y: layout.legend.y,
          style: Style(foreground: entry.role, bold: true), clip: layout.legend)
        column =
          grid.write(
            String(entry.text.dropFirst()), x: column + 1, y: layout.legend.y,
            style: Style(foreground: .muted), clip: layout.legend) + 2
      }
    }
  }

  private func drawAxes(
    layout: LineChartLayout, ranges: (x: ClosedRange<Double>, y: ClosedRange<Double>),
    glyphs: GlyphSet, grid: inout Grid
  ) {
    let axisStyle = Style(foreground: .axis)
    let labelStyle = Style(foreground: .muted)
    if !layout.yAxis.isEmpty {
      let ticks = yTickValues(range: ranges.y, rows: layout.plot.height)
      let tickRows = Set(ticks.map(\.row))
      for offset in 0..<layout.plot.height {
        let row = layout.plot.y + offset
        let glyph = tickRows.contains(offset) ? glyphs.axisTick : glyphs.vertical
        grid.set(Cell(glyph, style: axisStyle), x: layout.yAxis.x, y: row)
      }
      for tick in ticks {
        let text = TextFit.pad(tick.label, to: layout.yLabels.width, alignment: .right)
        grid.write(text, x: layout.yLabels.x, y: layout.plot.y + tick.row, style: labelStyle)
      }
    }
    if !layout.xAxis.isEmpty {
      let corner = layout.yAxis.isEmpty ? glyphs.horizontal : glyphs.axisCorner
      grid.set(Cell(corner, style: axisStyle), x: layout.xAxis.x, y: layout.xAxis.y)
      for column in (layout.xAxis.x + 1)..<layout.xAxis.maxX {
        grid.set(Cell(glyphs.horizontal, style: axisStyle), x: column, y: layout.xAxis.y)
      }
    }
    if !layout.xLabels.isEmpty {
      let span = ranges.x.upperBound - ranges.x.lowerBound
      let low = NumberFormat.axisLabel(ranges.x.lowerBound, span: span)
      let high = NumberFormat.axisLabel(ranges.x.upperBound, span: span)
      let area = layout.xLabels
      grid.write(low, in: area, row: area.y, alignment: .left, style: labelStyle, glyphs: glyphs)
      if low.count + high.count + 1 <= area.width {
        grid.write(
          high, in: area, row: area.y, alignment: .right, style: labelStyle, glyphs: glyphs)
      }
      if low.count + high.count + xLabel.count + 4 <= area.width {
        grid.write(
          xLabel, in: area, row: area.y, alignment: .center, style: labelStyle,
          glyphs: glyphs)
      }
    }
  }

  private func plot(
    _ entry: ChartSeries, on canvas: inout BrailleCanvas,
    ranges: (x: ClosedRange<Double>, y: ClosedRange<Double>), glyphs: GlyphSet
  ) {
    let dots = entry.points.compactMap { point -> (x: Int, y: Int)? in
      guard point.x.isFinite, point.y.isFinite else { return nil }
      return Self.dot(point, ranges: ranges, width: canvas.dotWidth, height: canvas.dotHeight)
    }
    switch entry.kind {
    case .markers:
      for dot in dots {
        canvas.mark(
          dotX: dot.x, dotY: dot.y, character: entry.marker ?? glyphs.marker, role: entry.role)
      }
    case .line, .dotted:
      guard var previous = dots.first else { return }
      let step = entry.kind == .dotted ? 3 : 1
      canvas.setDot(x: previous.x, y: previous.y, role: entry.role)
      for dot in dots.dropFirst() {
        canvas.drawLine(from: previous, to: dot, role: entry.role, every: step)
        previous = dot
      }
    }
  }

  /// Maps a point to a dot, clamped to the canvas so that values on the range
  /// edges stay visible.
  static func dot(
    _ point: ChartPoint, ranges: (x: ClosedRange<Double>, y: ClosedRange<Double>), width: Int,
    height: Int
  ) -> (x: Int, y: Int) {
    let xSpan = ranges.x.upperBound - ranges.x.lowerBound
    let ySpan = ranges.y.upperBound - ranges.y.lowerBound
    let xFraction = xSpan > 0 ? (point.x - ranges.x.lowerBound) / xSpan : 0.5
    let yFraction = ySpan > 0 ? (point.y - ranges.y.lowerBound) / ySpan : 0.5
    let column = Int((xFraction * Double(width - 1)).rounded())
    let row = Int(((1 - yFraction) * Double(height - 1)).rounded())
    return (Layout.clamp(column, 0, width - 1), Layout.clamp(row, 0, height - 1))
  }

  /// Returns the labelled rows of the y axis: the top and bottom rows always, and one
  /// more row about every four rows in between. Each label is the value at the
  /// middle of its row, except at the two ends, which show the range bounds.
  func yTickValues(range: ClosedRange<Double>, rows: Int) -> [(row: Int, label: String)] {
    guard rows > 0 else { return [] }
    let span = range.upperBound - range.lowerBound
    let label = { (value: Double) in
      yLabel?(value) ?? NumberFormat.axisLabel(value, span: span)
    }
    let top = (0, label(range.upperBound))
    guard rows > 1 else { return [top] }
    var ticks = [top]
    let interval = 4
    if rows >= 5 {
      let dotHeight = Double(rows * BrailleCanvas.dotsPerRow - 1)
      var row = interval
      while row < rows - 2 {
        let center = Double(row * BrailleCanvas.dotsPerRow) + 1.5
        let value = range.upperBound - center / dotHeight * span
        ticks.append((row, label(value)))
        row += interval
      }
    }
    ticks.append((rows - 1, label(range.lowerBound)))
    return ticks
  }

  private func legendEntries(glyphs: GlyphSet) -> [(
    swatch: Character, text: String, role: ColorRole
  )] {
    series.filter(\.inLegend).map { entry in
      let swatch = entry.kind == .markers ? entry.marker ?? glyphs.marker : glyphs.legendLine
      return (swatch, "\(swatch) \(entry.name)", entry.role)
    }
  }

  private static func widened(_ values: [Double]) -> ClosedRange<Double> {
    guard let low = values.min(), let high = values.max() else { return 0...1 }
    if high > low { return low...high }
    let pad = max(low.magnitude * 0.1, 0.5)
    return (low - pad)...(high + pad)
  }
}
