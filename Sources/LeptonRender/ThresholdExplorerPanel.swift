import LeptonMetrics

/// The threshold explorer panel. For one class against the rest it shows the 2x2 confusion
/// matrix at the threshold, its rates and metrics, the operating point on the ROC and
/// precision-recall curves, and the score histogram. In selective mode it shows the coverage
/// and accuracy when predictions below the threshold are withheld.
public struct ThresholdExplorerPanel: Sendable {
  public var settings: ExplorerSettings
  public var data: ExplorerData?
  public var selective: SelectivePredictor?
  /// Accuracy of kept samples against coverage over thresholds, for selective mode.
  public var selectiveCurve: [ChartPoint]
  public var failure: String?
  public var classNames: [String]
  /// Accuracy on every sample of the displayed epoch, shown beside the selective figures.
  public var overallAccuracy: Double?
  /// The epoch whose scores the panel shows.
  public var epoch: Int?

  public init(state: DashboardState) {
    settings = state.explorerSettings
    data = state.explorerData
    selective = state.selectivePredictor
    selectiveCurve = state.selectiveCurve
    failure = state.explorerFailure
    classNames = state.classNames
    let displayed = state.displayedEpoch
    overallAccuracy = state.epochs.first { $0.epoch == displayed }?.test.accuracy
    epoch = displayed
  }

  /// The panel title, naming the class or the mode and the threshold.
  public var title: String {
    let threshold = Self.format(threshold: settings.threshold)
    if settings.selective {
      return "Selective prediction, threshold \(threshold)"
        + (epoch.map { ", epoch \($0)" } ?? "")
    }
    return "Threshold explorer: \(className(settings.classIndex)) vs rest at \(threshold)"
  }

  /// Formats a threshold with 3 decimals, or up to 6 when 3 would hide its value, such as a
  /// distinct score reached with PageUp.
  static func format(threshold: Double) -> String {
    let short = NumberFormat.fixed(threshold, decimals: 3)
    if let parsed = Double(short), abs(parsed - threshold) < 1e-9 { return short }
    return NumberFormat.trimmed(threshold, maxDecimals: 6)
  }

  func className(_ index: Int) -> String {
    index < classNames.count ? classNames[index] : String(index)
  }

  public func draw(in rect: Rect, on grid: inout Grid, glyphs: GlyphSet) {
    guard !rect.isEmpty else { return }
    if let failure {
      grid.writeCentered(failure, in: rect, style: Style(foreground: .warning), glyphs: glyphs)
      return
    }
    let textWidth = min(rect.width, max(46, rect.width * 45 / 100))
    let (left, right) = rect.splitLeft(textWidth)
    if settings.selective {
      guard let selective else {
        grid.writeCentered("no evaluation yet", in: rect, glyphs: glyphs)
        return
      }
      drawSelective(selective, text: left, chart: right, on: &grid, glyphs: glyphs)
    } else {
      guard let data else {
        grid.writeCentered("no evaluation yet", in: rect, glyphs: glyphs)
        return
      }
      drawOneVsRest(data, text: left, charts: right, on: &grid, glyphs: glyphs)
    }
  }

  // MARK: - One class against the rest

  private func drawOneVsRest(
    _ data: ExplorerData, text: Rect, charts: Rect, on grid: inout Grid, glyphs: GlyphSet
  ) {
    let point = data.explorer.point(atThreshold: settings.threshold)
    let counts = point.counts
    let positives = data.explorer.positiveCount
    let negatives = data.explorer.negativeCount
    func rate(_ count: Int, of total: Int) -> String {
      total == 0
        ? "  n/a"
        : TextFit.pad(NumberFormat.percent(Double(count) / Double(total)), to: 6, alignment: .right)
    }
    func count(_ value: Int) -> String { TextFit.pad(String(value), to: 6, alignment: .right) }
    func metric(_ name: String, _ value: Double) -> String {
      "\(name) " + (value.isNaN ? "undefined" : NumberFormat.fixed(value, decimals: 4))
    }
    let lines: [(String, ColorRole)] = [
      (
        "epoch \(data.epoch): \(positives) positive, \(negatives) negative samples",
        .muted
      ),
      ("              predicted +        predicted -", .muted),
      (
        "actual +  TP \(count(counts.truePositives)) \(rate(counts.truePositives, of: positives))"
          + "   FN \(count(counts.falseNegatives)) \(rate(counts.falseNegatives, of: positives))",
        .text
      ),
      (
        "actual -  FP \(count(counts.falsePositives)) \(rate(counts.falsePositives, of: negatives))"
          + "   TN \(count(counts.trueNegatives)) \(rate(counts.trueNegatives, of: negatives))",
        .text
      ),
      ("", .text),
      (
        [
          metric("precision", point.precision), metric("recall", point.recall),
          metric("F1", point.f1),
        ].joined(separator: "  "), .text
      ),
      (
        [
          metric("FPR", point.falsePositiveRate), metric("specificity", point.specificity),
          metric("accuracy", point.accuracy),
        ].joined(separator: "  "), .text
      ),
    ]
    var y = writeLines(lines, in: text, on: &grid, glyphs: glyphs)
    // The histogram takes 3 rows, after a blank row when there is room for one.
    if y + 4 <= text.maxY { y += 1 }
    if y + 3 <= text.maxY {
      drawHistogram(
        data.histogram, in: Rect(x: text.x, y: y, width: text.width, height: 3), on: &grid,
        glyphs: glyphs)
    }

    let halves = charts.columns(2)
    guard halves.count == 2 else { return }
    let roc = LineChart(
      series: [
        ChartSeries(
          name: "chance", points: [ChartPoint(x: 0, y: 0), ChartPoint(x: 1, y: 1)], role: .muted,
          kind: .dotted, inLegend: false),
        ChartSeries(name: "ROC", points: data.rocPoints, role: .seriesRole(0), inLegend: false),
        ChartSeries(
          name: "threshold",
          points: [
            ChartPoint(x: point.rocPoint.falsePositiveRate, y: point.rocPoint.truePositiveRate)
          ],
          role: .accent, kind: .markers, inLegend: false),
      ], xLabel: "FPR (y: TPR)", xRange: 0...1, yRange: 0...1, showsLegend: false)
    roc.draw(in: halves[0], on: &grid, glyphs: glyphs)
    var prSeries = [
      ChartSeries(
        name: "PR", points: data.precisionRecallPoints, role: .seriesRole(1), inLegend: false)
    ]
    let pr = point.precisionRecallPoint
    if !pr.precision.isNaN && !pr.recall.isNaN {
      prSeries.append(
        ChartSeries(
          name: "threshold", points: [ChartPoint(x: pr.recall, y: pr.precision)], role: .accent,
          kind: .markers, inLegend: false))
    }
    LineChart(
      series: prSeries, xLabel: "recall (y: precision)", xRange: 0...1, yRange: 0...1,
      showsLegend: false
    ).draw(in: halves[1], on: &grid, glyphs: glyphs)
  }

  /// Draws the scores of positives and negatives as two bar rows over [0, 1] and a marker
  /// under the bin that contains the threshold.
  private func drawHistogram(
    _ histogram: ScoreHistogram, in rect: Rect, on grid: inout Grid, glyphs: GlyphSet
  ) {
    let label = 5
    let bins = histogram.positiveCounts.count
    guard bins > 0, rect.width >= label + bins else { return }
    func bars(_ counts: [Int]) -> String {
      let peak = max(counts.max() ?? 0, 1)
      let levels = glyphs.sparkLevels
      return String(
        counts.map { count -> Character in
          guard count > 0 else { return " " }
          let level = Int((Double(count) / Double(peak) * Double(levels.count - 1)).rounded())
          return levels[max(0, min(levels.count - 1, level))]
        })
    }
    grid.write("pos  ", x: rect.x, y: rect.y, style: Style(foreground: .muted), clip: rect)
    grid.write(
      bars(histogram.positiveCounts), x: rect.x + label, y: rect.y,
      style: Style(foreground: .good), clip: rect)
    grid.write("neg  ", x: rect.x, y: rect.y + 1, style: Style(foreground: .muted), clip: rect)
    grid.write(
      bars(histogram.negativeCounts), x: rect.x + label, y: rect.y + 1,
      style: Style(foreground: .bad), clip: rect)
    let bin = min(bins - 1, max(0, Int(settings.threshold * Double(bins))))
    grid.write(
      "0" + String(repeating: " ", count: max(0, bin - 1)) + "^"
        + String(repeating: " ", count: max(0, bins - bin - 2)) + "1",
      x: rect.x + label, y: rect.y + 2, style: Style(foreground: .accent), clip: rect)
  }

  /// Writes `lines`, then the value being typed or the last preset's note, from the top of
  /// `rect`, and returns the row after the last one written.
  @discardableResult
  private func writeLines(
    _ lines: [(String, ColorRole)], in rect: Rect, on grid: inout Grid, glyphs: GlyphSet
  ) -> Int {
    var all = lines
    if let prompt = settings.prompt {
      all.append(("= \(prompt)_  0 to 1, p0.9 or r0.8; Enter, Esc", .accent))
    } else if let note = settings.note {
      all.append((note, .accent))
    }
    var y = rect.y
    for (line, role) in all where y < rect.maxY {
      grid.write(line, in: rect, row: y, style: Style(foreground: role), glyphs: glyphs)
      y += 1
    }
    return y
  }

  // MARK: - Selective prediction

  private func drawSelective(
    _ predictor: SelectivePredictor, text: Rect, chart: Rect, on grid: inout Grid,
    glyphs: GlyphSet
  ) {
    let result = predictor.result(atThreshold: settings.threshold)
    let coverage =
      result.coverage.isNaN ? "undefined" : NumberFormat.fixed(result.coverage, decimals: 4)
    let accuracy =
      result.accuracy.isNaN ? "undefined" : NumberFormat.fixed(result.accuracy, decimals: 4)
    var lines: [(String, ColorRole)] = [
      ("Predict only when the top probability >= threshold", .muted),
      ("", .text),
      ("coverage \(coverage)  (\(result.keptCount) of \(result.sampleCount) kept)", .text),
      ("accuracy of kept samples \(accuracy)", .text),
    ]
    if let overall = overallAccuracy {
      lines.append(("accuracy of all samples \(NumberFormat.fixed(overall, decimals: 4))", .muted))
    }
    if let reason = result.accuracyUndefinedReason { lines.append((reason, .warning)) }
    writeLines(lines, in: text, on: &grid, glyphs: glyphs)
    // Accuracy against coverage, with the current threshold marked, then the kept matrix.
    let (curveArea, matrixArea) = chart.splitLeft(min(chart.width / 3, 36))
    var series = [
      ChartSeries(name: "kept", points: selectiveCurve, role: .seriesRole(0), inLegend: false)
    ]
    if !result.accuracy.isNaN && !result.coverage.isNaN {
      series.append(
        ChartSeries(
          name: "threshold", points: [ChartPoint(x: result.coverage, y: result.accuracy)],
          role: .accent, kind: .markers, inLegend: false))
    }
    let lowest = selectiveCurve.map(\.y).min() ?? 0
    LineChart(
      series: series, xLabel: "coverage (y: accuracy)", xRange: 0...1,
      yRange: min(lowest, 0.99)...1, showsLegend: false
    ).draw(in: curveArea, on: &grid, glyphs: glyphs)
    ConfusionMatrixView(matrix: result.confusionMatrix, classNames: classNames, normalized: false)
      .draw(in: matrixArea.splitLeft(1).rest, on: &grid, glyphs: glyphs)
  }
}
