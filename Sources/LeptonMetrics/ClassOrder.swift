/// Rules for the order of classes in tables and matrices, so that one order
/// is used for every split and epoch and axis labels come from it.
public enum ClassOrder {
  /// Sorts the distinct labels ascending, as scikit-learn does.
  public static func sorted<Label: Comparable & Hashable>(_ labels: [Label]) -> [Label] {
    Array(Set(labels)).sorted()
  }

  /// Sorts distinct string labels numerically when every one of them parses
  /// as a finite number (so "2" < "9" < "10"), and by code point otherwise.
  /// scikit-learn always sorts strings by code point ("10" < "2" < "9").
  public static func inferred(from labels: [String]) -> [String] {
    let distinct = Array(Set(labels))
    let numbers = distinct.map { Double($0) }
    guard numbers.allSatisfy({ $0?.isFinite == true }) else {
      return distinct.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }
    return zip(distinct, numbers)
      .sorted { left, right in
        // Ties such as "1" and "1.0" fall back to the text, so the order is total.
        guard let leftValue = left.1, let rightValue = right.1, leftValue != rightValue else {
          return left.0.unicodeScalars.lexicographicallyPrecedes(right.0.unicodeScalars)
        }
        return leftValue < rightValue
      }
      .map(\.0)
  }
}

/// A confusion matrix of arbitrary labels with the class order of its rows
/// and columns, so a view draws axis labels only from `labels`.
public struct LabeledConfusionMatrix<Label: Hashable & Sendable>: Sendable {
  /// Class of each row (true) and column (predicted).
  public let labels: [Label]
  public let matrix: ConfusionMatrix

  /// Counts `(actual, predicted)` pairs with rows and columns in `labels` order.
  /// - Throws: `MetricsError` when a label is missing from `labels` or
  ///   `labels` repeats one.
  public init(actual: [Label], predicted: [Label], labels: [Label]) throws {
    guard predicted.count == actual.count else {
      throw MetricsError.lengthMismatch(
        name: "predicted", expected: actual.count, actual: predicted.count)
    }
    var indexOfLabel: [Label: Int] = [:]
    for (index, label) in labels.enumerated() {
      guard indexOfLabel.updateValue(index, forKey: label) == nil else {
        throw MetricsError.duplicateLabel(String(describing: label))
      }
    }
    func classIndices(_ values: [Label]) throws -> [Int] {
      try values.enumerated().map { index, label in
        guard let classIndex = indexOfLabel[label] else {
          throw MetricsError.labelNotInClassOrder(label: String(describing: label), index: index)
        }
        return classIndex
      }
    }
    guard !labels.isEmpty else { throw MetricsError.invalidClassCount(0, minimum: 1) }
    self.labels = labels
    self.matrix = try ConfusionMatrix(
      classCount: labels.count, actual: classIndices(actual), predicted: classIndices(predicted))
  }
}
