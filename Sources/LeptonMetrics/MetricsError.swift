import Foundation

/// An invalid input to a metric. Each message names the bad value and the fix.
public enum MetricsError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A class count below the minimum that the metric needs.
  case invalidClassCount(Int, minimum: Int)
  /// Two inputs that must have matching sizes do not.
  case lengthMismatch(name: String, expected: Int, actual: Int)
  /// A label outside `0..<classCount`.
  case labelOutOfRange(label: Int, index: Int, classCount: Int)
  /// NaN or infinite scores, found before any sorting. `columnCount` is 1 for
  /// a vector of scores and the class count for a row-major score matrix.
  case nonFiniteScores(count: Int, firstIndex: Int, firstValue: Double, columnCount: Int)
  /// A probability below 0 or above 1 in scores declared as probabilities.
  case probabilityOutOfRange(index: Int, value: Double, columnCount: Int)
  /// A score row declared as probabilities that does not sum to 1.
  case rowSumNotOne(row: Int, sum: Double)
  /// A positive label that is not among the labels of the data.
  case positiveLabelNotFound(label: String, available: [String])
  /// A binary score matrix with more than 2 columns.
  case tooManyBinaryScoreColumns(Int)
  /// Column labels of a binary score matrix that do not match its columns.
  case columnLabelCountMismatch(columnCount: Int, labelCount: Int)
  /// A label missing from an explicit class order.
  case labelNotInClassOrder(label: String, index: Int)
  /// A label listed twice in an explicit class order.
  case duplicateLabel(String)
  /// An explicit label selection that is empty or names an undeclared class.
  case invalidLabelSelection(label: Int?, classCount: Int)
  /// A `k` for top-k accuracy outside `1...classCount`.
  case invalidTopK(k: Int, classCount: Int)
  /// An F-beta weight that is negative or not finite.
  case invalidBeta(Double)
  /// A calibration bin count below 1.
  case invalidBinCount(Int)
  /// A bootstrap resample count below 1.
  case invalidResampleCount(Int)
  /// A confidence level outside (0, 1).
  case invalidConfidenceLevel(Double)
  /// A batch with sample ids when earlier batches of the epoch had none, or
  /// the reverse.
  case inconsistentSampleIDs(batchHasIDs: Bool)
  /// Two evaluations to compare whose test sets have different sample counts.
  case testSetSizeMismatch(countA: Int, countB: Int)
  /// Two evaluations to compare whose test labels differ, at the first
  /// index where they do.
  case testSetLabelMismatch(index: Int, labelA: Int, labelB: Int)
  /// An error in one batch, counted from 1, of an accumulated epoch.
  indirect case inBatch(Int, MetricsError)

  public var description: String {
    switch self {
    case .invalidClassCount(let count, let minimum):
      return "class count \(count) is invalid; pass at least \(minimum) classes"
    case .lengthMismatch(let name, let expected, let actual):
      return "\(name) has \(actual) values but \(expected) were expected; "
        + "pass one value per sample (and per class for score matrices)"
    case .labelOutOfRange(let label, let index, let classCount):
      return "label \(label) at index \(index) is outside 0..<\(classCount); "
        + "map labels to class indices 0 to \(classCount - 1) first"
    case .nonFiniteScores(let count, let firstIndex, let firstValue, let columnCount):
      let plural = count == 1 ? "value" : "values"
      return "scores contain \(count) non-finite \(plural) "
        + "(first \(formatted(firstValue)) at \(position(firstIndex, columnCount))); "
        + "cannot rank them, so remove or fix these scores"
    case .probabilityOutOfRange(let index, let value, let columnCount):
      return "score \(formatted(value)) at \(position(index, columnCount)) is outside [0, 1] "
        + "but the scores are declared as probabilities; pass probabilities "
        + "or declare the scores as logits"
    case .rowSumNotOne(let row, let sum):
      return "row \(row) sums to \(formatted(sum)), not 1 (tolerance 1e-5); "
        + "pass probabilities or declare the scores as logits"
    case .positiveLabelNotFound(let label, let available):
      return "positive label \(label) is not among the labels "
        + "[\(available.joined(separator: ", "))]; pass one of them as the positive class"
    case .tooManyBinaryScoreColumns(let columns):
      return "binary scores have \(columns) columns; pass 1 column of positive-class "
        + "scores or 2 columns with their labels, or use multiclass AUC"
    case .columnLabelCountMismatch(let columnCount, let labelCount):
      return "scores have \(columnCount) columns but \(labelCount) column labels were given; "
        + "pass one label per column"
    case .labelNotInClassOrder(let label, let index):
      return "label \(label) at index \(index) is not in the class order; "
        + "add it to the class order or remove the sample"
    case .duplicateLabel(let label):
      return "label \(label) appears twice in the class order; list each class once"
    case .invalidLabelSelection(let label, let classCount):
      guard let label else {
        return "the label selection is empty; select at least one class"
      }
      return "selected label \(label) is outside 0..<\(classCount); "
        + "select declared classes only"
    case .invalidTopK(let k, let classCount):
      return "k = \(k) is invalid for \(classCount) classes; pass k in 1...\(classCount)"
    case .invalidBeta(let beta):
      return "beta \(formatted(beta)) is invalid; pass a finite beta >= 0"
    case .invalidBinCount(let count):
      return "bin count \(count) is invalid; pass at least 1 bin"
    case .invalidResampleCount(let count):
      return "resample count \(count) is invalid; pass at least 1 resample"
    case .invalidConfidenceLevel(let level):
      return "confidence level \(formatted(level)) is invalid; pass a value between 0 and 1, "
        + "such as 0.95"
    case .inconsistentSampleIDs(let batchHasIDs):
      let mismatch =
        batchHasIDs
        ? "this batch has sample ids but earlier batches of this epoch had none"
        : "this batch has no sample ids but earlier batches of this epoch had them"
      return "\(mismatch); pass sample ids with every batch or with none"
    case .testSetSizeMismatch(let countA, let countB):
      return "model A was evaluated on \(countA) samples but model B on \(countB); "
        + "a paired comparison needs both models evaluated on the same test set"
    case .testSetLabelMismatch(let index, let labelA, let labelB):
      return "test labels differ first at index \(index) (\(labelA) for model A, "
        + "\(labelB) for model B); a paired comparison needs both models evaluated "
        + "on the same test set in the same order"
    case .inBatch(let batch, let error):
      return "batch \(batch): \(error)"
    }
  }
}

extension MetricsError: LocalizedError {
  /// The same text as `description`, for `localizedDescription`.
  public var errorDescription: String? { description }
}

// MARK: - Wording helpers

private func formatted(_ value: Double) -> String {
  if value.isNaN { return "NaN" }
  if value.isInfinite { return value < 0 ? "-inf" : "inf" }
  return String(format: "%.6g", value)
}

private func position(_ index: Int, _ columnCount: Int) -> String {
  guard columnCount > 1 else { return "index \(index)" }
  return "index \(index), row \(index / columnCount) column \(index % columnCount)"
}
