/// The rectangle of each dashboard panel, computed from the terminal size alone.
public struct DashboardLayout: Equatable, Sendable {
  public var titleBar: Rect
  public var lossChart: Rect
  public var accuracyChart: Rect
  public var epochTable: Rect
  public var confusionMatrix: Rect
  public var roc: Rect
  public var statusLine: Rect

  /// Lays out a terminal of at least the dashboard's minimum size. The body
  /// between the title bar and the status line contains three bands: the curves on
  /// top, the matrix and the ROC curves in the middle, and the epoch table at the
  /// bottom. Extra rows are shared about 45/35/20 between the bands, and extra
  /// columns about 58/42 between the matrix and the ROC panel.
  public static func make(width: Int, height: Int) -> DashboardLayout {
    let screen = Rect(x: 0, y: 0, width: width, height: height)
    let (titleBar, belowTitle) = screen.splitTop(1)
    let (body, statusLine) = belowTitle.splitBottom(1)

    let minimumCurves = 9
    let minimumMiddle = 13
    let minimumTable = 6
    var curvesHeight = max(minimumCurves, body.height * 45 / 100)
    var tableHeight = max(minimumTable, body.height * 20 / 100)
    var middleHeight = body.height - curvesHeight - tableHeight
    if middleHeight < minimumMiddle {
      let fromTable = min(tableHeight - minimumTable, minimumMiddle - middleHeight)
      tableHeight -= fromTable
      middleHeight += fromTable
    }
    if middleHeight < minimumMiddle {
      let fromCurves = min(curvesHeight - minimumCurves, minimumMiddle - middleHeight)
      curvesHeight -= fromCurves
      middleHeight += fromCurves
    }
    // Below the minimum size the bands overlap the status line, so clip them.
    middleHeight = max(0, min(middleHeight, body.height - curvesHeight))
    tableHeight = max(0, body.height - curvesHeight - middleHeight)

    let (curves, belowCurves) = body.splitTop(curvesHeight)
    let (middle, table) = belowCurves.splitTop(middleHeight)
    let curveColumns = curves.columns(2)
    let rocWidth = max(40, width * 42 / 100)
    let (matrix, roc) = middle.splitRight(min(rocWidth, middle.width))
    return DashboardLayout(
      titleBar: titleBar, lossChart: curveColumns.first ?? .zero,
      accuracyChart: curveColumns.last ?? .zero,
      epochTable: Rect(x: table.x, y: table.y, width: table.width, height: tableHeight),
      confusionMatrix: matrix, roc: roc, statusLine: statusLine)
  }
}
