import Foundation

/// A labels, scores or class-names file that cannot be evaluated. Each
/// message names the file, the bad value and the fix.
public enum PredictionFileError: Error, Equatable, CustomStringConvertible {
  case unreadable(path: String, reason: String)
  case labelsNotInteger(path: String, type: String)
  case labelsNotVector(path: String, shape: [Int])
  case scoresNotFloatingPoint(path: String, type: String)
  case invalidScoreShape(path: String, shape: [Int])
  case sampleCountMismatch(labelsPath: String, labelCount: Int, scoresPath: String, scoreCount: Int)
  case noSamples(path: String)
  /// `count` labels outside `0..<classCount`, the first at `index`.
  case labelOutOfRange(path: String, label: Int64, index: Int, count: Int, classCount: Int)
  /// NaN or infinite scores. `columnCount` is 1 for a vector of scores.
  case nonFiniteScores(
    path: String, count: Int, firstIndex: Int, firstValue: Double, columnCount: Int)
  /// A positive-class score outside [0, 1] in a vector declared as probabilities.
  case binaryProbabilityOutOfRange(path: String, index: Int, value: Double)
  /// A score outside [0, 1] in a matrix declared as probabilities.
  case probabilityOutOfRange(path: String, index: Int, value: Double, columnCount: Int)
  /// A row declared as probabilities whose sum is not 1 within 1e-5.
  case rowSumNotOne(path: String, row: Int, sum: Double)
  case emptyClassName(path: String, line: Int)
  case duplicateClassName(path: String, name: String, firstLine: Int, line: Int)
  case classNameCountMismatch(path: String, nameCount: Int, scoresPath: String, classCount: Int)

  public var description: String {
    switch self {
    case .unreadable(let path, let reason):
      return "\(path): cannot read the file (\(reason)). Check the path and its permissions."
    case .labelsNotInteger(let path, let type):
      return
        "\(path): labels have dtype \(type), but they must be integer class indices "
        + "(int8, int16, int32, int64 or uint8). Save them with labels.astype('int64')."
    case .labelsNotVector(let path, let shape):
      return
        "\(path): labels have shape \(shapeText(shape)), but they must be one class index "
        + "per sample, shape [N]. Save labels.reshape(-1) if they are a column."
    case .scoresNotFloatingPoint(let path, let type):
      return
        "\(path): scores have dtype \(type), but they must be float32 or float64. "
        + "Save them with scores.astype('float32')."
    case .invalidScoreShape(let path, let shape):
      return
        "\(path): scores have shape \(shapeText(shape)), but they must be [N, C] with one "
        + "column per class (C >= 2), or [N] or [N, 1] with the positive-class score of a "
        + "binary task."
    case .sampleCountMismatch(let labelsPath, let labelCount, let scoresPath, let scoreCount):
      return
        "\(labelsPath) has \(labelCount) labels but \(scoresPath) has \(scoreCount) score rows. "
        + "Pass the labels and scores of the same samples, in the same order."
    case .noSamples(let path):
      return "\(path): there are no samples (N = 0). Pass files with at least one sample."
    case .labelOutOfRange(let path, let label, let index, let count, let classCount):
      let others = count > 1 ? " (\(count) labels are outside this range)" : ""
      return
        "\(path): label \(label) at index \(index) is outside 0..<\(classCount)\(others). "
        + "The scores have \(classCount) classes, so map the labels to class indices "
        + "0 to \(classCount - 1), in the order of the score columns."
    case .nonFiniteScores(let path, let count, let firstIndex, let firstValue, let columnCount):
      let noun = count == 1 ? "value" : "values"
      return
        "\(path): scores contain \(count) non-finite \(noun), the first \(formatted(firstValue)) "
        + "at \(position(firstIndex, columnCount)). Remove those samples or fix the model "
        + "output, since NaN and infinite scores cannot be ranked."
    case .binaryProbabilityOutOfRange(let path, let index, let value):
      return
        "\(path): score \(formatted(value)) at index \(index) is outside [0, 1], but "
        + "positive-class scores must be probabilities. Add --logits if the scores are logits."
    case .probabilityOutOfRange(let path, let index, let value, let columnCount):
      return
        "\(path): score \(formatted(value)) at \(position(index, columnCount)) is outside "
        + "[0, 1]. Pass probabilities, or add --logits if the scores are logits."
    case .rowSumNotOne(let path, let row, let sum):
      return
        "\(path): row \(row) sums to \(formatted(sum)), not 1 (tolerance 1e-5), so the scores "
        + "are not probabilities. Add --logits if they are logits, which are softmaxed once "
        + "per row."
    case .emptyClassName(let path, let line):
      return "\(path):\(line): the class name is empty. Write one name per line."
    case .duplicateClassName(let path, let name, let firstLine, let line):
      return
        "\(path):\(line): class name '\(name)' repeats line \(firstLine). "
        + "Give each class its own name."
    case .classNameCountMismatch(let path, let nameCount, let scoresPath, let classCount):
      return
        "\(path) has \(nameCount) class names but \(scoresPath) has \(classCount) classes. "
        + "Write one name per line for each score column, in column order."
    }
  }
}

extension PredictionFileError: LocalizedError {
  public var errorDescription: String? { description }
}

private func shapeText(_ shape: [Int]) -> String {
  "[" + shape.map(String.init).joined(separator: ", ") + "]"
}

private func formatted(_ value: Double) -> String {
  if value.isNaN { return "NaN" }
  if value.isInfinite { return value < 0 ? "-inf" : "inf" }
  return String(format: "%.6g", value)
}

/// Describes a flat index as a row and column of a matrix.
private func position(_ index: Int, _ columnCount: Int) -> String {
  guard columnCount > 1 else { return "index \(index)" }
  return "row \(index / columnCount), column \(index % columnCount)"
}
