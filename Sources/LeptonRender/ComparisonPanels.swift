import Foundation
import LeptonMetrics

/// One cell of a comparison table: its text and style.
struct TableCell {
  var text: String
  var style: Style

  init(_ text: String, style: Style = .plain) {
    self.text = text
    self.style = style
  }
}

/// A table whose first column is left-aligned and the rest right-aligned. Columns that
/// do not fit are dropped from the right, and rows that do not fit are counted in a
/// last "+N more rows" line.
struct ComparisonTable {
  var header: [String]
  var rows: [[TableCell]]

  /// Draws the table from the top of `rect` and returns the number of rows used.
  @discardableResult
  func draw(in rect: Rect, on grid: inout Grid, glyphs: GlyphSet) -> Int {
    guard !rect.isEmpty else { return 0 }
    let widths = header.indices.map { column in
      ([header[column].count] + rows.map { column < $0.count ? $0[column].text.count : 0 }).max()
        ?? 0
    }
    var shown = 0
    var total = 0
    for width in widths {
      let needed = width + (shown == 0 ? 0 : 2)
      guard total + needed <= rect.width || shown == 0 else { break }
      total += needed
      shown += 1
    }
    let headerCells = header.map { TableCell($0, style: Style(foreground: .muted, bold: true)) }
    let fits = rows.count + 1 <= rect.height
    let visibleRows = fits ? rows.count : max(0, rect.height - 2)
    var lines = [headerCells] + rows.prefix(visibleRows)
    if !fits && rect.height >= 2 {
      lines.append([
        TableCell("+\(rows.count - visibleRows) more rows", style: .init(foreground: .muted))
      ])
    }
    for (offset, line) in lines.prefix(rect.height).enumerated() {
      var x = rect.x
      for column in 0..<min(shown, line.count) {
        let cell = line[column]
        let text =
          line.count == 1
          ? cell.text
          : TextFit.pad(cell.text, to: widths[column], alignment: column == 0 ? .left : .right)
        let fitted = TextFit.truncate(text, to: rect.maxX - x, glyphs: glyphs)
        grid.write(fitted, x: x, y: rect.y + offset, style: cell.style, clip: rect)
        x += widths[column] + 2
      }
    }
    return min(rect.height, lines.count)
  }
}

/// The five views of the comparison screen, drawn inside the main panel's border.
struct ComparisonPanels {
  var state: ComparisonState
  var glyphs: GlyphSet

  /// The main panel's title for the selected view.
  var title: String {
    switch state.tab {
    case .curves:
      var title = "\(state.metric.title) (x: \(state.axis == .epoch ? "epoch" : "step")"
      if state.metric.isStepLevel && state.smoothingEnabled {
        title += ", smoothed: EMA weight \(NumberFormat.trimmed(ComparisonState.smoothingWeight))"
      }
      if state.logScale { title += ", log y" }
      return title + ")"
    case .metrics: return "Test metrics of the last epoch, change against A"
    case .perClass: return "Per-class test F1, change against A"
    case .confusion:
      guard state.runs.count > 1 else { return "Confusion matrix difference" }
      let letter = state.runs[state.comparedRun].letter
      let mode = state.matrixNormalized ? "row rates in percentage points" : "counts"
      return "Confusion matrix \(letter) - A (\(mode))"
    case .roc:
      guard state.classCount > 0 else { return "ROC one-vs-rest" }
      return "ROC of class \(state.className(state.selectedClass)) vs rest "
        + "(\(state.selectedClass + 1) of \(state.classCount))"
    }
  }

  func draw(in rect: Rect, on grid: inout Grid) {
    guard !rect.isEmpty else { return }
    switch state.tab {
    case .curves: drawCurves(in: rect, on: &grid)
    case .metrics: drawMetrics(in: rect, on: &grid)
    case .perClass: drawPerClass(in: rect, on: &grid)
    case .confusion: drawMatrixDifference(in: rect, on: &grid)
    case .roc: drawROC(in: rect, on: &grid)
    }
  }

  // MARK: Curves

  /// Returns up to `count` points spread along `points`, shifted by a different fraction
  /// for each of `runCount` runs so that the markers of runs do not cover each other.
  static func markerPoints(_ points: [ChartPoint], count: Int, run: Int, runCount: Int)
    -> [ChartPoint]
  {
    guard points.count > count, count > 0 else { return points }
    let shift = Double(run + 1) / Double(runCount + 1)
    var indices: [Int] = []
    for slot in 0..<count {
      let position = (Double(slot) + shift) / Double(count) * Double(points.count - 1)
      let index = Int(position.rounded())
      if indices.last != index { indices.append(index) }
    }
    return indices.map { points[$0] }
  }

  private func drawCurves(in rect: Rect, on grid: inout Grid) {
    let curves = state.curves()
    var chartArea = rect
    let runCount = state.runs.count
    if rect.height >= runCount + 8 {
      let legend: Rect
      (chartArea, legend) = rect.splitBottom(runCount)
      for (offset, curve) in curves.enumerated() {
        let last = curve.points.last { $0.y.isFinite }
        var text = "\(state.runs[curve.runIndex].letter)  \(state.runs[curve.runIndex].id)"
        if let last {
          let value = state.logScale ? pow(10, last.y) : last.y
          text += "  last \(NumberFormat.metric(value))"
        } else {
          text += "  no values"
        }
        drawLegendEntry(
          run: curve.runIndex, text: text, x: legend.x, y: legend.y + offset, clip: legend,
          on: &grid)
      }
    } else if rect.height >= 7 {
      let legend: Rect
      (chartArea, legend) = rect.splitBottom(1)
      var x = legend.x
      for index in state.runs.indices {
        x =
          drawLegendEntry(
            run: index, text: "\(state.runs[index].letter) \(state.runs[index].id)", x: x,
            y: legend.y, clip: legend, on: &grid) + 2
      }
    }
    var series: [ChartSeries] = []
    for curve in curves {
      let role = ColorRole.seriesRole(curve.runIndex)
      let letter = state.runs[curve.runIndex].letter
      series.append(
        ChartSeries(name: letter, points: curve.points, role: role, inLegend: false))
      let marks =
        curve.perEpoch
        ? curve.points
        : Self.markerPoints(
          curve.points, count: ComparisonState.markersPerStepCurve, run: curve.runIndex,
          runCount: runCount)
      series.append(
        ChartSeries(
          name: letter, points: marks, role: role, kind: .markers, inLegend: false,
          marker: glyphs.runMarker(curve.runIndex)))
    }
    var chart = LineChart(
      series: series, xLabel: state.axis == .epoch ? "epoch" : "step", showsLegend: false,
      emptyMessage: "no values of \(state.metric.title) yet")
    if state.logScale {
      chart.yLabel = Self.logAxisLabel
    }
    chart.draw(in: chartArea, on: &grid, glyphs: glyphs)
  }

  /// Labels a log10 y axis with the original value, in three significant digits.
  @Sendable static func logAxisLabel(_ exponent: Double) -> String {
    String(format: "%.3g", pow(10, exponent))
  }

  /// Draws a run's marker in its colour, then `text`, and returns the column after it.
  @discardableResult
  private func drawLegendEntry(
    run: Int, text: String, x: Int, y: Int, clip: Rect, on grid: inout Grid
  ) -> Int {
    let marker = String(glyphs.runMarker(run))
    let end = grid.write(
      marker, x: x, y: y, style: Style(foreground: .seriesRole(run), bold: true), clip: clip)
    let fitted = TextFit.truncate(" " + text, to: clip.maxX - end, glyphs: glyphs)
    return grid.write(fitted, x: end, y: y, style: Style(foreground: .text), clip: clip)
  }

  // MARK: Tables

  private func changeStyle(_ change: Double, higherIsBetter: Bool) -> Style {
    guard change.isFinite, change != 0 else { return Style(foreground: .muted) }
    return Style(foreground: (change > 0) == higherIsBetter ? .good : .bad)
  }

  private var changeHeaders: [String] {
    state.runs.dropFirst().map { "\($0.letter) - A" }
  }

  private func drawMetrics(in rect: Rect, on grid: inout Grid) {
    let runs = state.runs
    var rows: [[TableCell]] = [
      [TableCell("epoch")]
        + runs.map { TableCell(($0.epochs.last.map { String($0.epoch) } ?? "-") + "  ") }
    ]
    for metric in ComparisonText.metrics {
      let values = runs.map { $0.latestReport.map(metric.value) ?? .nan }
      let best = runs.count > 1 ? state.bestRun(for: metric).map { values[$0] } : nil
      var row = [TableCell(metric.name)]
      row += values.map { value in
        value == best
          ? TableCell(
            ComparisonText.value(value) + " *", style: Style(foreground: .highlight, bold: true))
          : TableCell(ComparisonText.value(value) + "  ")
      }
      row += values.dropFirst().map { value in
        TableCell(
          ComparisonText.change(value, from: values[0]),
          style: changeStyle(value - values[0], higherIsBetter: metric.higherIsBetter))
      }
      rows.append(row)
    }
    let table = ComparisonTable(
      header: ["metric"] + runs.map { $0.letter + "  " } + changeHeaders, rows: rows)
    let used = table.draw(in: rect, on: &grid, glyphs: glyphs)
    var y = rect.y + used + 1
    for line in statisticsLines() {
      let indent = String(repeating: " ", count: line.text.prefix { $0 == " " }.count + 4)
      for part in Self.wrap(line.text, width: rect.width, continuationIndent: indent)
      where y < rect.maxY {
        grid.write(part, in: rect, row: y, style: line.style, glyphs: glyphs)
        y += 1
      }
    }
  }

  /// Splits `text` at spaces into lines of at most `width` characters, starting each
  /// continuation line with `continuationIndent`. A word longer than a line is cut when
  /// it is drawn.
  static func wrap(_ text: String, width: Int, continuationIndent: String) -> [String] {
    guard text.count > width, width > continuationIndent.count + 8 else { return [text] }
    let leading = String(text.prefix { $0 == " " })
    var lines: [String] = []
    var current = leading
    var lineHasWord = false
    for word in text.dropFirst(leading.count).split(separator: " ") {
      let candidate = lineHasWord ? current + " " + word : current + word
      if candidate.count > width && lineHasWord {
        lines.append(current)
        current = continuationIndent + word
      } else {
        current = candidate
      }
      lineHasWord = true
    }
    lines.append(current)
    return lines
  }

  /// Returns McNemar's test and the bootstrap intervals of each run against A, as the
  /// text output of `lepton compare` prints them.
  private func statisticsLines() -> [TableCell] {
    guard state.runs.count > 1 else { return [] }
    let count = state.runs.first?.evaluation?.sampleCount
    var lines = [
      TableCell(
        "Against A" + (count.map { ", on \($0) shared test images" } ?? ""),
        style: Style(foreground: .title, bold: true))
    ]
    for index in state.runs.indices.dropFirst() {
      let letter = state.runs[index].letter
      if let statistics = state.statistics[index] {
        lines.append(TableCell(ComparisonText.mcNemarLine(statistics.mcNemar, letter: letter)))
        lines += ComparisonText.bootstrapLines(statistics, letter: letter).map {
          TableCell("  " + $0, style: Style(foreground: .muted))
        }
      } else {
        let reason = state.statisticsFailures[index] ?? "\(letter): no test scores"
        lines.append(TableCell(reason, style: Style(foreground: .warning)))
      }
    }
    return lines
  }

  private func drawPerClass(in rect: Rect, on grid: inout Grid) {
    let runs = state.runs
    let classCount = runs.first?.latestReport?.perClass.count ?? 0
    guard classCount > 0 else {
      grid.writeCentered("no test report of A yet", in: rect, glyphs: glyphs)
      return
    }
    var rows: [[TableCell]] = []
    for index in 0..<classCount {
      let values = runs.map { run -> Double in
        guard let perClass = run.latestReport?.perClass, index < perClass.count else { return .nan }
        return perClass[index].f1
      }
      let best =
        runs.count > 1
        ? ComparisonText.bestIndex(of: values, higherIsBetter: true).map { values[$0] } : nil
      var row = [TableCell(state.className(index))]
      row += values.map { value in
        TableCell(
          ComparisonText.value(value),
          style: value == best ? Style(foreground: .highlight, bold: true) : .plain)
      }
      row += values.dropFirst().map { value in
        TableCell(
          ComparisonText.change(value, from: values[0]),
          style: changeStyle(value - values[0], higherIsBetter: true))
      }
      rows.append(row)
    }
    let table = ComparisonTable(
      header: ["class"] + runs.map(\.letter) + changeHeaders, rows: rows)
    table.draw(in: rect, on: &grid, glyphs: glyphs)
  }

  // MARK: Confusion matrix difference

  /// Formats one difference: a signed count, or signed percentage points of the row.
  static func differenceText(_ value: Double, normalized: Bool, glyphs: GlyphSet) -> String {
    if value == 0 { return glyphs.unicode ? "·" : "." }
    return normalized ? String(format: "%+.1f", value * 100) : String(format: "%+.0f", value)
  }

  /// Returns a shade for a change's share of the largest change: never blank for a
  /// non-zero change, the darkest for the largest.
  static func magnitudeShade(_ fraction: Double, glyphs: GlyphSet) -> Character {
    let shades = glyphs.shades
    guard fraction > 0, shades.count > 1 else { return shades.first ?? " " }
    let level = 1 + Int((min(fraction, 1) * Double(shades.count - 2)).rounded())
    return shades[min(level, shades.count - 1)]
  }

  private func drawMatrixDifference(in rect: Rect, on grid: inout Grid) {
    guard state.runs.count > 1 else {
      grid.writeCentered("a matrix difference needs two runs", in: rect, glyphs: glyphs)
      return
    }
    guard let difference = state.matrixDifference() else {
      let letter = state.runs[state.comparedRun].letter
      grid.writeCentered("no confusion matrices of A and \(letter) yet", in: rect, glyphs: glyphs)
      return
    }
    let count = difference.classCount
    var matrixArea = rect
    let legendRows = rect.height >= count + 4 ? 2 : 0
    if legendRows > 0 {
      let legend: Rect
      (matrixArea, legend) = rect.splitBottom(legendRows)
      drawMatrixLegend(difference, in: legend, on: &grid)
    }
    let texts = difference.values.map {
      Self.differenceText($0, normalized: difference.normalized, glyphs: glyphs)
    }
    let longest = (0..<count).map { state.className($0).count }.max() ?? 0
    let layout = ConfusionMatrixLayout.make(
      width: matrixArea.width, height: matrixArea.height, classCount: count, longestName: longest,
      numberWidth: (texts.map(\.count).max() ?? 1) + 1)
    guard layout.visibleRows > 0, layout.cellWidth > 0 else {
      grid.writeCentered("no room for the matrix", in: matrixArea, glyphs: glyphs)
      return
    }
    drawMatrixHeader(classCount: count, layout: layout, in: matrixArea, on: &grid)

    let largest = difference.values.map(\.magnitude).max() ?? 0
    let labelStyle = Style(foreground: .muted, bold: true)
    for row in 0..<layout.visibleRows {
      let y = matrixArea.y + 1 + row
      grid.write(
        TextFit.abbreviate(state.className(row), to: layout.labelWidth - 1), x: matrixArea.x,
        y: y, style: labelStyle, clip: matrixArea)
      for column in 0..<count {
        let value = difference[row, column]
        let improvement = difference.isImprovement(actual: row, predicted: column)
        let role: ColorRole = improvement.map { $0 ? .good : .bad } ?? .muted
        let style = Style(foreground: role, bold: row == column)
        let shade = Self.magnitudeShade(largest > 0 ? value.magnitude / largest : 0, glyphs: glyphs)
        let x = matrixArea.x + layout.labelWidth + column * layout.cellWidth
        if layout.showsNumbers {
          let text = texts[row * count + column]
          let number = TextFit.pad(text, to: max(0, layout.cellWidth - 2), alignment: .right)
          let cell = value == 0 ? " " + number : String(shade) + number
          grid.write(" " + cell, x: x, y: y, style: style, clip: matrixArea)
        } else {
          let cell = String(repeating: value == 0 ? " " : shade, count: layout.cellWidth)
          grid.write(cell, x: x, y: y, style: style, clip: matrixArea)
        }
      }
    }
  }

  /// Draws the corner label and the predicted-class names above the matrix columns.
  private func drawMatrixHeader(
    classCount count: Int, layout: ConfusionMatrixLayout, in matrixArea: Rect,
    on grid: inout Grid
  ) {
    let headerStyle = Style(foreground: .muted, bold: true)
    grid.write(
      TextFit.truncate("true\\pred", to: layout.labelWidth - 1, glyphs: glyphs), x: matrixArea.x,
      y: matrixArea.y, style: Style(foreground: .muted), clip: matrixArea)
    for column in 0..<count {
      let x = matrixArea.x + layout.labelWidth + column * layout.cellWidth
      let space = layout.showsNumbers ? layout.cellWidth - 1 : layout.cellWidth
      let name =
        layout.headersAreNames
        ? TextFit.abbreviate(state.className(column), to: space) : String(column)
      guard name.count <= space else { continue }
      let padded = TextFit.pad(name, to: space, alignment: .right)
      grid.write(
        layout.showsNumbers ? " " + padded : padded, x: x, y: matrixArea.y, style: headerStyle,
        clip: matrixArea)
    }
  }

  private func drawMatrixLegend(_ difference: MatrixDifference, in rect: Rect, on grid: inout Grid)
  {
    let letter = state.runs[state.comparedRun].letter
    let swatch = String(glyphs.shades.last ?? "#")
    let largest = difference.values.map(\.magnitude).max() ?? 0
    let unit = difference.normalized ? " points" : ""
    let largestText = Self.differenceText(
      largest, normalized: difference.normalized, glyphs: glyphs
    )
    .drop { $0 == "+" }
    let lines: [(ColorRole, String)] = [
      (.good, " \(letter) better: more right on the diagonal, fewer errors off it"),
      (
        .bad,
        " \(letter) worse; shade \(String(glyphs.shades.dropFirst())) = size, "
          + "largest \(largestText)\(unit)"
      ),
    ]
    for (offset, line) in lines.enumerated() where offset < rect.height {
      let y = rect.y + offset
      let end = grid.write(
        swatch, x: rect.x, y: y, style: Style(foreground: line.0, bold: true), clip: rect)
      let fitted = TextFit.truncate(line.1, to: rect.maxX - end, glyphs: glyphs)
      grid.write(fitted, x: end, y: y, style: Style(foreground: .muted), clip: rect)
    }
  }

  // MARK: ROC

  private func drawROC(in rect: Rect, on grid: inout Grid) {
    let classIndex = state.selectedClass
    var chartArea = rect
    let legendTexts = state.runs.map { run -> String in
      if let failure = run.rocFailure { return "\(run.letter) \(failure)" }
      guard classIndex < run.rocCurves.count else { return "\(run.letter) no test scores" }
      let auc = run.rocCurves[classIndex].auc
      let aucText = auc.isNaN ? "undefined" : NumberFormat.fixed(auc, decimals: 3)
      return "\(run.letter) AUC \(aucText)  \(run.id)"
    }
    let legendWidth = min(44, (legendTexts.map(\.count).max() ?? 0) + 2)
    if rect.width - legendWidth - 1 >= 50 {
      let legend: Rect
      (chartArea, legend) = rect.splitRight(legendWidth + 1)
      for (index, text) in legendTexts.enumerated() where index < legend.height {
        drawLegendEntry(
          run: index, text: text, x: legend.x + 1, y: legend.y + index, clip: legend, on: &grid)
      }
    } else if rect.height >= state.runs.count + 6 {
      let legend: Rect
      (chartArea, legend) = rect.splitBottom(state.runs.count)
      for (index, text) in legendTexts.enumerated() {
        drawLegendEntry(
          run: index, text: text, x: legend.x, y: legend.y + index, clip: legend, on: &grid)
      }
    }
    var series = [
      ChartSeries(
        name: "chance", points: [ChartPoint(x: 0, y: 0), ChartPoint(x: 1, y: 1)], role: .muted,
        kind: .dotted, inLegend: false)
    ]
    for (index, run) in state.runs.enumerated() where classIndex < run.rocCurves.count {
      let curve = run.rocCurves[classIndex]
      let points = zip(curve.falsePositiveRates, curve.truePositiveRates).map {
        ChartPoint(x: $0, y: $1)
      }
      let role = ColorRole.seriesRole(index)
      series.append(ChartSeries(name: run.letter, points: points, role: role, inLegend: false))
      series.append(
        ChartSeries(
          name: run.letter,
          points: Self.markerPoints(points, count: 6, run: index, runCount: state.runs.count),
          role: role, kind: .markers, inLegend: false, marker: glyphs.runMarker(index)))
    }
    guard series.count > 1 else {
      grid.writeCentered("no test scores yet", in: chartArea, glyphs: glyphs)
      return
    }
    let chart = LineChart(
      series: series, xLabel: "false positive rate", xRange: 0...1, yRange: 0...1,
      showsLegend: false)
    chart.draw(in: chartArea, on: &grid, glyphs: glyphs)
  }
}
