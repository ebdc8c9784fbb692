/// The scores of the explicit positive class of a binary task, with the
/// column they were taken from, so a view can show which one was used.
/// Taking the wrong column silently turns an AUC a into 1 - a.
public struct PositiveClassScores: Sendable, Equatable {
  /// One score per sample. A higher score means more likely positive.
  public let scores: [Double]
  /// Column of the score matrix used, or nil for a vector of scores.
  public let column: Int?
  /// Name of the positive class.
  public let positiveClass: String

  /// Uses a vector `[N]` of positive-class scores as it is.
  public init<Label>(scores: [Double], positiveLabel: Label) {
    self.scores = scores
    self.column = nil
    self.positiveClass = String(describing: positiveLabel)
  }

  /// Takes the positive class's column of a row-major `[N, 1]` or `[N, 2]`
  /// score matrix. Matrices with more columns are multiclass.
  /// - Parameter columnLabels: class of each column, which for `[N, 1]` is the
  ///   positive class.
  /// - Throws: `MetricsError` for more than 2 columns, a label count that
  ///   does not match the columns, or a positive label that names no column.
  public init<Label: Hashable>(
    matrix: [Double], columnCount: Int, columnLabels: [Label], positiveLabel: Label
  ) throws {
    guard columnCount <= 2 else { throw MetricsError.tooManyBinaryScoreColumns(columnCount) }
    try checkRowMajor(matrix.count, classCount: columnCount)
    guard columnLabels.count == columnCount else {
      throw MetricsError.columnLabelCountMismatch(
        columnCount: columnCount, labelCount: columnLabels.count)
    }
    guard let column = columnLabels.firstIndex(of: positiveLabel) else {
      throw MetricsError.positiveLabelNotFound(
        label: String(describing: positiveLabel),
        available: columnLabels.map { String(describing: $0) })
    }
    self.scores = stride(from: column, to: matrix.count, by: columnCount).map { matrix[$0] }
    self.column = column
    self.positiveClass = String(describing: positiveLabel)
  }

  /// The note a view prints beside binary metrics, such as
  /// "positive class = spam (column 1)".
  public var description: String {
    guard let column else { return "positive class = \(positiveClass)" }
    return "positive class = \(positiveClass) (column \(column))"
  }
}
