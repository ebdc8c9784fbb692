import Foundation
import LeptonMetrics

/// Labels and scores of a classifier read from `.npy` files and checked for
/// dtype, shape, sample count, label range and finite scores, as a
/// `[sampleCount, classCount]` matrix ready for `ClassificationReport.compute`.
/// Whether the rows are probabilities is left to the report, which names the
/// first row that is not.
public struct PredictionFiles: Sendable {
  /// True class of each sample, `[sampleCount]`, in `0..<classCount`.
  public var labels: [Int32]
  /// Row-major `[sampleCount, classCount]` scores of the declared kind.
  public var scores: [Float]
  public var classCount: Int
  /// Element types of the two files.
  public var labelType: NumpyFile.ScalarType
  public var scoreType: NumpyFile.ScalarType
  /// True when the scores file held one positive-class score per sample,
  /// `[sampleCount]` or `[sampleCount, 1]`, and `scores` was built from it.
  public var scoresWereVector: Bool
  /// Shape of the scores file.
  public var scoreShape: [Int]

  public var sampleCount: Int { labels.count }

  /// Reads a `.npy` file.
  /// - Throws: `PredictionFileError.unreadable` for a file that cannot be
  ///   read and `RunError.invalidNumpy` for one that is not a valid `.npy` file.
  public static func decodeFile(_ path: String) throws -> NumpyFile.Contents {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      let exists = FileManager.default.fileExists(atPath: path)
      throw PredictionFileError.unreadable(
        path: path, reason: exists ? error.localizedDescription : "file not found")
    }
    return try NumpyFile.decode(data, path: path)
  }

  /// Checks the decoded labels and scores.
  /// - Parameters:
  ///   - positiveClass: column of the positive class when the scores file is
  ///     `[N]` or `[N, 1]` of positive-class scores. The other column gets 1 - s
  ///     for probabilities and 0 for logits, so that the softmax of `[0, z]`
  ///     is the sigmoid of `z`.
  /// - Throws: `PredictionFileError` for files that do not fit.
  public static func make(
    labels labelsArray: NumpyFile.Contents, labelsPath: String,
    scores scoresArray: NumpyFile.Contents, scoresPath: String, scoreKind: ScoreKind,
    positiveClass: Int = 1
  ) throws -> PredictionFiles {
    guard let labelValues = labelsArray.integerValues else {
      throw PredictionFileError.labelsNotInteger(
        path: labelsPath, type: labelsArray.scalarType.rawValue)
    }
    guard labelsArray.shape.count == 1 else {
      throw PredictionFileError.labelsNotVector(path: labelsPath, shape: labelsArray.shape)
    }
    guard let scoreValues = scoresArray.floatingPointValues else {
      throw PredictionFileError.scoresNotFloatingPoint(
        path: scoresPath, type: scoresArray.scalarType.rawValue)
    }
    let sampleCount = labelsArray.shape[0]
    let classCount = try classCount(scoreShape: scoresArray.shape, path: scoresPath)
    guard scoresArray.shape[0] == sampleCount else {
      throw PredictionFileError.sampleCountMismatch(
        labelsPath: labelsPath, labelCount: sampleCount, scoresPath: scoresPath,
        scoreCount: scoresArray.shape[0])
    }
    guard sampleCount > 0 else { throw PredictionFileError.noSamples(path: labelsPath) }
    let isVector = isPositiveClassVector(scoresArray.shape)
    try checkFinite(scoreValues, path: scoresPath, columnCount: isVector ? 1 : classCount)
    let labels = try checkLabels(labelValues, path: labelsPath, classCount: classCount)

    var matrix = scoreValues
    if isVector {
      matrix = try binaryMatrix(
        scoreValues, path: scoresPath, scoreKind: scoreKind, positiveClass: positiveClass)
    }
    return PredictionFiles(
      labels: labels,
      scores: try floatScores(
        matrix, path: scoresPath, classCount: classCount, scoreKind: scoreKind),
      classCount: classCount, labelType: labelsArray.scalarType,
      scoreType: scoresArray.scalarType, scoresWereVector: isVector,
      scoreShape: scoresArray.shape)
  }

  /// Returns the class count of a score array: 2 for the positive-class
  /// scores `[N]` or `[N, 1]` of a binary task, and C for `[N, C]`.
  /// - Throws: `PredictionFileError.invalidScoreShape` for any other shape.
  public static func classCount(scoreShape shape: [Int], path: String) throws -> Int {
    if isPositiveClassVector(shape) { return 2 }
    guard shape.count == 2, shape[1] >= 2 else {
      throw PredictionFileError.invalidScoreShape(path: path, shape: shape)
    }
    return shape[1]
  }

  /// Tells whether a score shape is `[N]` or `[N, 1]`, one positive-class score per sample.
  private static func isPositiveClassVector(_ shape: [Int]) -> Bool {
    shape.count == 1 || (shape.count == 2 && shape[1] == 1)
  }

  /// Rejects NaN and infinite scores before anything sorts them, because `<`
  /// is no strict weak order with NaN.
  private static func checkFinite(_ values: [Double], path: String, columnCount: Int) throws {
    var count = 0
    var firstIndex = -1
    for (index, value) in values.enumerated() where !value.isFinite {
      if count == 0 { firstIndex = index }
      count += 1
    }
    guard count > 0 else { return }
    throw PredictionFileError.nonFiniteScores(
      path: path, count: count, firstIndex: firstIndex, firstValue: values[firstIndex],
      columnCount: columnCount)
  }

  private static func checkLabels(_ values: [Int64], path: String, classCount: Int) throws
    -> [Int32]
  {
    if let index = values.firstIndex(where: { $0 < 0 || $0 >= Int64(classCount) }) {
      let outside = values.count { $0 < 0 || $0 >= Int64(classCount) }
      throw PredictionFileError.labelOutOfRange(
        path: path, label: values[index], index: index, count: outside, classCount: classCount)
    }
    return values.map { Int32($0) }
  }

  /// Builds the `[N, 2]` matrix of a vector of positive-class scores `s`.
  /// Probabilities become `1 - s` and `s`, and logits `0` and `z`, each pair
  /// in class order with `s` or `z` in the `positiveClass` column.
  private static func binaryMatrix(
    _ values: [Double], path: String, scoreKind: ScoreKind, positiveClass: Int
  ) throws -> [Double] {
    var matrix: [Double] = []
    matrix.reserveCapacity(values.count * 2)
    for (index, value) in values.enumerated() {
      let other: Double
      switch scoreKind {
      case .probabilities:
        guard (0...1).contains(value) else {
          throw PredictionFileError.binaryProbabilityOutOfRange(
            path: path, index: index, value: value)
        }
        other = 1 - value
      case .logits:
        other = 0
      }
      matrix += positiveClass == 0 ? [value, other] : [other, value]
    }
    return matrix
  }

  /// Rounds the scores to Float, which the report computes with.
  /// Logits are first shifted so that each row's maximum is 0, which changes
  /// neither their softmax nor the loss and keeps float64 logits beyond the
  /// Float range finite.
  /// NOTE: float64 scores that differ only beyond Float's 24-bit significand
  /// become ties, which can change AUC and average precision slightly.
  private static func floatScores(
    _ values: [Double], path: String, classCount: Int, scoreKind: ScoreKind
  ) throws -> [Float] {
    var result = [Float](repeating: 0, count: values.count)
    for rowStart in stride(from: 0, to: values.count, by: classCount) {
      let row = values[rowStart..<(rowStart + classCount)]
      let shift = scoreKind == .logits ? row.max() ?? 0 : 0
      for index in row.indices {
        let rounded = Float(values[index] - shift)
        if rounded.isFinite {
          result[index] = rounded
        } else if scoreKind == .logits {
          // exp of a shifted logit below -Float.greatestFiniteMagnitude is 0 either way.
          result[index] = -Float.greatestFiniteMagnitude
        } else {
          throw PredictionFileError.probabilityOutOfRange(
            path: path, index: index, value: values[index], columnCount: classCount)
        }
      }
    }
    return result
  }
}

/// Reads class names, one per line, for the columns of a score matrix.
public enum ClassNamesFile {
  /// Returns the names in the file, in column order. A final newline and
  /// carriage returns of Windows line ends are ignored.
  /// - Throws: `PredictionFileError` for an unreadable file, an empty or
  ///   repeated name, or a name count other than `classCount`.
  public static func read(path: String, classCount: Int, scoresPath: String) throws -> [String] {
    let text: String
    do {
      text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
    } catch {
      throw PredictionFileError.unreadable(path: path, reason: error.localizedDescription)
    }
    // Swift treats "\r\n" as one Character, so splitting at "\n" alone would miss it.
    var lines = text.replacingOccurrences(of: "\r\n", with: "\n")
      .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    var lineOfName: [String: Int] = [:]
    for (index, name) in lines.enumerated() {
      let line = index + 1
      guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw PredictionFileError.emptyClassName(path: path, line: line)
      }
      if let first = lineOfName.updateValue(line, forKey: name) {
        throw PredictionFileError.duplicateClassName(
          path: path, name: name, firstLine: first, line: line)
      }
    }
    guard lines.count == classCount else {
      throw PredictionFileError.classNameCountMismatch(
        path: path, nameCount: lines.count, scoresPath: scoresPath, classCount: classCount)
    }
    return lines
  }
}
