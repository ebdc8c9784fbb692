import LeptonMetrics

/// Column and row sizes of a confusion matrix, computed before drawing.
public struct ConfusionMatrixLayout: Equatable, Sendable {
  /// Width of the row label column, including its trailing space.
  public var labelWidth: Int
  /// Width of each matrix column, including a leading space when numbers are shown.
  public var cellWidth: Int
  /// Whether cells show numbers; otherwise each is one shade character.
  public var showsNumbers: Bool
  /// Whether column headers are class names; otherwise class indices.
  public var headersAreNames: Bool
  /// Matrix rows that fit under the header row.
  public var visibleRows: Int

  /// Sizes a matrix of `classCount` classes into `width` by `height` cells, where
  /// numbers take up to `numberWidth` characters.
  public static func make(
    width: Int, height: Int, classCount: Int, longestName: Int, numberWidth: Int
  ) -> ConfusionMatrixLayout {
    guard classCount > 0, width > 0, height > 1 else {
      return ConfusionMatrixLayout(
        labelWidth: 0, cellWidth: 0, showsNumbers: false, headersAreNames: false, visibleRows: 0)
    }
    let preferredLabel = min(longestName, 12) + 1
    var labelWidth = min(preferredLabel, max(0, width / 4))
    var cellWidth = (width - labelWidth) / classCount
    if cellWidth < numberWidth + 1 {
      // Give up label space before giving up the numbers.
      labelWidth = min(labelWidth, 6)
      cellWidth = (width - labelWidth) / classCount
    }
    let showsNumbers = cellWidth >= 3 && cellWidth >= min(numberWidth, 3) + 1
    if !showsNumbers {
      cellWidth = max(0, min(cellWidth, 2))
    } else {
      cellWidth = min(cellWidth, 8)
    }
    let headersAreNames = cellWidth >= 4
    return ConfusionMatrixLayout(
      labelWidth: labelWidth, cellWidth: cellWidth, showsNumbers: showsNumbers,
      headersAreNames: headersAreNames, visibleRows: min(classCount, height - 1))
  }
}

/// A confusion matrix with class names, counts or row percentages, and cells
/// shaded through the heat roles by their share of the row.
public struct ConfusionMatrixView: Sendable {
  public var matrix: ConfusionMatrix
  public var classNames: [String]
  /// Whether cells show row percentages instead of counts.
  public var normalized: Bool

  public init(matrix: ConfusionMatrix, classNames: [String], normalized: Bool) {
    self.matrix = matrix
    self.classNames = classNames
    self.normalized = normalized
  }

  /// Returns the name of class `index`, or its number when no name was given.
  func name(_ index: Int) -> String {
    index < classNames.count ? classNames[index] : String(index)
  }

  public func layout(for rect: Rect) -> ConfusionMatrixLayout {
    let largest = matrix.counts.max() ?? 0
    let numberWidth = normalized ? 3 : String(largest).count
    let longest = (0..<matrix.classCount).map { name($0).count }.max() ?? 0
    return ConfusionMatrixLayout.make(
      width: rect.width, height: rect.height, classCount: matrix.classCount,
      longestName: longest, numberWidth: numberWidth)
  }

  /// Draws the matrix: a header row of predicted classes, then one row per true class.
  public func draw(in rect: Rect, on grid: inout Grid, glyphs: GlyphSet) {
    guard !rect.isEmpty else { return }
    let layout = layout(for: rect)
    guard layout.visibleRows > 0, layout.cellWidth > 0 else {
      grid.writeCentered("no matrix", in: rect, glyphs: glyphs)
      return
    }
    let headerStyle = Style(foreground: .muted, bold: true)
    let corner = TextFit.truncate("true\\pred", to: layout.labelWidth - 1, glyphs: glyphs)
    grid.write(corner, x: rect.x, y: rect.y, style: Style(foreground: .muted), clip: rect)
    for column in 0..<matrix.classCount {
      let x = rect.x + layout.labelWidth + column * layout.cellWidth
      let header = columnHeader(column, layout: layout)
      grid.write(header, x: x, y: rect.y, style: headerStyle, clip: rect)
    }
    for row in 0..<layout.visibleRows {
      let y = rect.y + 1 + row
      let label = TextFit.abbreviate(name(row), to: layout.labelWidth - 1)
      grid.write(label, x: rect.x, y: y, style: headerStyle, clip: rect)
      drawRow(
        row, y: y, x: rect.x + layout.labelWidth, layout: layout, clip: rect, glyphs: glyphs,
        grid: &grid)
    }
  }

  private func columnHeader(_ column: Int, layout: ConfusionMatrixLayout) -> String {
    let space = layout.showsNumbers ? layout.cellWidth - 1 : layout.cellWidth
    let text =
      layout.headersAreNames ? TextFit.abbreviate(name(column), to: space) : String(column)
    guard text.count <= space else { return "" }
    let padded = TextFit.pad(text, to: space, alignment: .right)
    return layout.showsNumbers ? " " + padded : padded
  }

  private func drawRow(
    _ row: Int, y: Int, x: Int, layout: ConfusionMatrixLayout, clip: Rect, glyphs: GlyphSet,
    grid: inout Grid
  ) {
    let total = (0..<matrix.classCount).reduce(0) { $0 + matrix[row, $1] }
    for column in 0..<matrix.classCount {
      let count = matrix[row, column]
      let fraction = total > 0 ? Double(count) / Double(total) : 0
      let heat = ColorRole.heatRole(fraction: fraction)
      let cellX = x + column * layout.cellWidth
      guard layout.showsNumbers else {
        let shade = String(repeating: glyphs.shade(fraction: fraction), count: layout.cellWidth)
        grid.write(shade, x: cellX, y: y, style: Style(foreground: heat), clip: clip)
        continue
      }
      let text = TextFit.pad(
        cellText(count: count, fraction: fraction, width: layout.cellWidth - 1, glyphs: glyphs),
        to: layout.cellWidth - 1, alignment: .right)
      let style = Style(
        foreground: count == 0 ? .muted : .text, background: heat, bold: row == column)
      grid.write(" ", x: cellX, y: y, style: Style(background: heat), clip: clip)
      grid.write(text, x: cellX + 1, y: y, style: style, clip: clip)
    }
  }

  private func cellText(count: Int, fraction: Double, width: Int, glyphs: GlyphSet) -> String {
    if count == 0 { return glyphs.unicode ? "·" : "." }
    if normalized {
      return NumberFormat.fixed(fraction * 100, decimals: 0)
    }
    return NumberFormat.compactCount(count, width: width) ?? String(glyphs.shade(fraction: 1))
  }
}
