import LeptonEngine
import LeptonMetrics

/// One metric of the per-class table, read from a class's test metrics.
struct PerClassMetric: Sendable {
  var header: String
  var value: @Sendable (ClassMetrics) -> Double

  static let all: [PerClassMetric] = [
    PerClassMetric(header: "Prec") { $0.precision },
    PerClassMetric(header: "Recall") { $0.recall },
    PerClassMetric(header: "F1") { $0.f1 },
    PerClassMetric(header: "AUC") { $0.auc },
  ]
}

/// A table with a row per class. Each row has the test precision, recall, F1 and AUC of the
/// latest epoch, the best of each so far and its change since the previous epoch. The
/// support and a sparkline of the class's F1 across epochs follow.
///
/// Narrow rectangles drop the best values first, then the changes, then the sparkline.
public struct PerClassTable: Sendable {
  public var epochs: [EpochSummary]
  public var classNames: [String]

  public init(epochs: [EpochSummary], classNames: [String]) {
    self.epochs = epochs
    self.classNames = classNames
  }

  /// The parts of each metric that fit the width: best values, changes and the sparkline.
  struct Columns: Equatable {
    var showsBest: Bool
    var showsChange: Bool
    var sparklineWidth: Int
    var nameWidth: Int
  }

  static let valueWidth = 6
  static let supportWidth = 7

  /// Chooses the columns that fit `width`.
  func columns(width: Int) -> Columns {
    let longest = classNames.map(\.count).max() ?? 5
    let nameWidth = min(max(longest, 5), 12)
    let metricCount = PerClassMetric.all.count
    for (best, change) in [(true, true), (false, true), (false, false)] {
      // A metric takes a space, its value and a space, plus a space and 6 columns per extra.
      let perMetric = 2 + Self.valueWidth + (best ? 7 : 0) + (change ? 7 : 0)
      let fixed = nameWidth + metricCount * perMetric + Self.supportWidth + 2
      let sparkline = min(width - fixed, max(epochs.count, 8))
      if sparkline >= 4 || (!best && !change) {
        return Columns(
          showsBest: best, showsChange: change, sparklineWidth: max(0, sparkline),
          nameWidth: nameWidth)
      }
    }
    return Columns(showsBest: false, showsChange: false, sparklineWidth: 0, nameWidth: nameWidth)
  }

  public func draw(in rect: Rect, on grid: inout Grid, glyphs: GlyphSet) {
    guard !rect.isEmpty else { return }
    guard let latest = epochs.last else {
      grid.writeCentered("no finished epoch yet", in: rect, glyphs: glyphs)
      return
    }
    let layout = columns(width: rect.width)
    let previous = epochs.count >= 2 ? epochs[epochs.count - 2] : nil
    drawHeader(layout, in: rect, on: &grid, glyphs: glyphs)
    let rows = min(latest.test.perClass.count, rect.height - 1)
    for index in 0..<max(0, rows) {
      var column = rect.x
      let y = rect.y + 1 + index
      let name = index < classNames.count ? classNames[index] : String(index)
      column = grid.write(
        TextFit.pad(TextFit.abbreviate(name, to: layout.nameWidth), to: layout.nameWidth),
        x: column, y: y, style: Style(foreground: .text), clip: rect)
      let current = latest.test.perClass[index]
      for metric in PerClassMetric.all {
        column += 1
        let value = metric.value(current)
        column = writeValue(value, x: column, y: y, clip: rect, on: &grid)
        if layout.showsBest {
          let best = bestValue(metric, classIndex: index)
          let isBest = !value.isNaN && value == best
          column += 1
          column = grid.write(
            TextFit.pad(format(best), to: Self.valueWidth, alignment: .right), x: column, y: y,
            style: Style(foreground: isBest ? .good : .muted), clip: rect)
        }
        if layout.showsChange {
          let before = previous.flatMap { summary in
            index < summary.test.perClass.count ? metric.value(summary.test.perClass[index]) : nil
          }
          column += 1
          column = writeChange(from: before, to: value, x: column, y: y, clip: rect, on: &grid)
        }
        column += 1
      }
      column = grid.write(
        TextFit.pad(String(current.support), to: Self.supportWidth, alignment: .right),
        x: column, y: y, style: Style(foreground: .text), clip: rect)
      if layout.sparklineWidth > 0 {
        let series = epochs.suffix(layout.sparklineWidth).map { summary in
          index < summary.test.perClass.count ? summary.test.perClass[index].f1 : .nan
        }
        grid.write(
          Self.sparkline(series, glyphs: glyphs), x: column + 2, y: y,
          style: Style(foreground: .series(index % ColorRole.seriesCount)), clip: rect)
      }
    }
  }

  private func drawHeader(_ layout: Columns, in rect: Rect, on grid: inout Grid, glyphs: GlyphSet) {
    var text = TextFit.pad("Class", to: layout.nameWidth)
    for metric in PerClassMetric.all {
      var group = TextFit.pad(metric.header, to: Self.valueWidth, alignment: .right)
      if layout.showsBest {
        group += " " + TextFit.pad("best", to: Self.valueWidth, alignment: .right)
      }
      if layout.showsChange {
        group += " " + TextFit.pad("change", to: Self.valueWidth, alignment: .right)
      }
      text += " " + group + " "
    }
    text += TextFit.pad("Support", to: Self.supportWidth, alignment: .right)
    if layout.sparklineWidth > 0 { text += layout.sparklineWidth >= 8 ? "  F1 trend" : "  F1" }
    grid.write(
      text, in: rect, row: rect.y, style: Style(foreground: .title, bold: true), glyphs: glyphs)
  }

  /// Returns the largest defined value of `metric` for a class over every epoch, or NaN.
  func bestValue(_ metric: PerClassMetric, classIndex: Int) -> Double {
    let values = epochs.compactMap { summary -> Double? in
      guard classIndex < summary.test.perClass.count else { return nil }
      let value = metric.value(summary.test.perClass[classIndex])
      return value.isNaN ? nil : value
    }
    return values.max() ?? .nan
  }

  private func format(_ value: Double) -> String {
    value.isNaN ? "undef" : NumberFormat.fixed(value, decimals: 4)
  }

  private func writeValue(_ value: Double, x: Int, y: Int, clip: Rect, on grid: inout Grid) -> Int {
    grid.write(
      TextFit.pad(format(value), to: Self.valueWidth, alignment: .right), x: x, y: y,
      style: Style(foreground: value.isNaN ? .warning : .text), clip: clip)
  }

  /// Writes the signed change since the previous epoch, green for a rise and red for a fall.
  private func writeChange(
    from before: Double?, to value: Double, x: Int, y: Int, clip: Rect, on grid: inout Grid
  ) -> Int {
    guard let before, !before.isNaN, !value.isNaN else {
      return grid.write(
        TextFit.pad("-", to: Self.valueWidth, alignment: .right), x: x, y: y,
        style: Style(foreground: .muted), clip: clip)
    }
    let change = value - before
    let text = (change >= 0 ? "+" : "-") + NumberFormat.fixed(abs(change), decimals: 3)
    let role: ColorRole = change > 0.0005 ? .good : (change < -0.0005 ? .bad : .muted)
    return grid.write(
      TextFit.pad(text, to: Self.valueWidth, alignment: .right), x: x, y: y,
      style: Style(foreground: role), clip: clip)
  }

  /// Returns one character per value, scaled between the series' own minimum and maximum,
  /// with a blank for an undefined value.
  public static func sparkline(_ values: [Double], glyphs: GlyphSet) -> String {
    let levels = glyphs.sparkLevels
    let defined = values.filter { !$0.isNaN }
    guard let low = defined.min(), let high = defined.max() else {
      return String(repeating: " ", count: values.count)
    }
    let span = high - low
    return String(
      values.map { value -> Character in
        guard !value.isNaN else { return " " }
        guard span > 1e-12 else { return levels[levels.count / 2] }
        let position = (value - low) / span * Double(levels.count - 1)
        return levels[min(levels.count - 1, max(0, Int(position.rounded())))]
      })
  }
}
