/// One class's one-vs-rest ROC curve, reduced to what the plot draws.
public struct ROCSeries: Hashable, Sendable {
  public var className: String
  /// False positive rates, ascending, paired with `truePositiveRates`.
  public var falsePositiveRates: [Double]
  public var truePositiveRates: [Double]
  /// Area under the curve; NaN when the class or its complement has no samples.
  public var auc: Double

  public init(
    className: String, falsePositiveRates: [Double], truePositiveRates: [Double], auc: Double
  ) {
    self.className = className
    self.falsePositiveRates = falsePositiveRates
    self.truePositiveRates = truePositiveRates
    self.auc = auc
  }
}

/// ROC curves of several classes on one canvas, with the chance diagonal and a
/// legend of class names and AUC values.
public struct ROCPlot: Sendable {
  public var curves: [ROCSeries]

  public init(curves: [ROCSeries]) {
    self.curves = curves
  }

  /// Returns the legend width for names cut to `nameWidth`: swatch, space, name, space, AUC.
  func legendWidth(nameWidth: Int) -> Int {
    let aucWidth = curves.contains { $0.auc.isNaN } ? "undefined".count : 5
    return 2 + nameWidth + 1 + aucWidth
  }

  /// Splits `rect` into the chart and a legend on the right. The legend names
  /// shrink to four characters before the legend is dropped, which happens when
  /// the chart would be narrower than 16 columns.
  public func layout(for rect: Rect) -> (chart: Rect, legend: Rect, nameWidth: Int) {
    let longest = min(curves.map(\.className.count).max() ?? 0, 12)
    var nameWidth = longest
    while nameWidth > 4 && rect.width - legendWidth(nameWidth: nameWidth) - 1 < 24 {
      nameWidth -= 1
    }
    let width = legendWidth(nameWidth: nameWidth) + 1
    guard !curves.isEmpty, rect.width - width >= 16 else { return (rect, .zero, nameWidth) }
    let (chart, legend) = rect.splitRight(width)
    return (
      chart, Rect(x: legend.x + 1, y: legend.y, width: legend.width - 1, height: legend.height),
      nameWidth
    )
  }

  public func draw(in rect: Rect, on grid: inout Grid, glyphs: GlyphSet) {
    guard !rect.isEmpty else { return }
    guard !curves.isEmpty else {
      grid.writeCentered("no evaluation yet", in: rect, glyphs: glyphs)
      return
    }
    let parts = layout(for: rect)
    var series = [
      ChartSeries(
        name: "chance", points: [ChartPoint(x: 0, y: 0), ChartPoint(x: 1, y: 1)], role: .muted,
        kind: .dotted, inLegend: false)
    ]
    for (index, curve) in curves.enumerated() {
      let points = zip(curve.falsePositiveRates, curve.truePositiveRates).map {
        ChartPoint(x: $0, y: $1)
      }
      series.append(
        ChartSeries(name: curve.className, points: points, role: .seriesRole(index)))
    }
    let chart = LineChart(
      series: series, xLabel: "false positive rate", xRange: 0...1, yRange: 0...1,
      showsLegend: false)
    chart.draw(in: parts.chart, on: &grid, glyphs: glyphs)
    drawLegend(in: parts.legend, nameWidth: parts.nameWidth, on: &grid, glyphs: glyphs)
  }

  private func drawLegend(in rect: Rect, nameWidth: Int, on grid: inout Grid, glyphs: GlyphSet) {
    guard !rect.isEmpty else { return }
    let fits = curves.count <= rect.height
    let shown = fits ? curves.count : max(0, rect.height - 1)
    for index in 0..<shown {
      let curve = curves[index]
      let y = rect.y + index
      grid.write(
        String(glyphs.legendLine), x: rect.x, y: y,
        style: Style(foreground: .seriesRole(index), bold: true), clip: rect)
      let name = TextFit.pad(TextFit.abbreviate(curve.className, to: nameWidth), to: nameWidth)
      let auc = curve.auc.isNaN ? "undefined" : NumberFormat.fixed(curve.auc, decimals: 3)
      let aucStyle = Style(foreground: curve.auc.isNaN ? .warning : .text)
      let end = grid.write(name, x: rect.x + 2, y: y, style: Style(foreground: .muted), clip: rect)
      grid.write(" " + auc, x: end, y: y, style: aucStyle, clip: rect)
    }
    if !fits {
      grid.write(
        "+\(curves.count - shown) more", in: rect, row: rect.maxY - 1,
        style: Style(foreground: .muted), glyphs: glyphs)
    }
  }
}
