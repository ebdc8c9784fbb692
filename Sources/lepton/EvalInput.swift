import Foundation
import LeptonMetrics
import LeptonRuns

/// The checked input of `lepton eval`: labels, scores, class names and, for a
/// binary task, the positive class.
struct EvalInput {
  var labelsPath: String
  var scoresPath: String
  var files: PredictionFiles
  var scoreKind: ScoreKind
  /// One name per class, in column order.
  var classNames: [String]
  /// Column of the positive class for a binary task, and nil for more classes.
  var positiveClass: Int?
  /// Note naming the positive column and the source of its scores, for a binary task.
  var binaryNote: String?

  /// Reads the files named by `arguments`.
  /// - Throws: `RunError` or `PredictionFileError` for a file that is invalid
  ///   or does not fit the others, and `CommandLineError` for a `--positive`
  ///   that names no class or is given for more than 2 classes.
  static func load(_ arguments: EvalArguments) throws -> EvalInput {
    let scoreKind: ScoreKind = arguments.logits ? .logits : .probabilities
    let labels = try PredictionFiles.decodeFile(arguments.labelsPath)
    let scores = try PredictionFiles.decodeFile(arguments.scoresPath)
    let classCount = try PredictionFiles.classCount(
      scoreShape: scores.shape, path: arguments.scoresPath)
    let classNames =
      try arguments.classNamesPath.map {
        try ClassNamesFile.read(
          path: $0, classCount: classCount, scoresPath: arguments.scoresPath)
      } ?? (0..<classCount).map(String.init)
    let positiveClass = try resolvePositiveClass(
      arguments.positiveClass, classNames: classNames, scoresPath: arguments.scoresPath)
    let files = try PredictionFiles.make(
      labels: labels, labelsPath: arguments.labelsPath, scores: scores,
      scoresPath: arguments.scoresPath, scoreKind: scoreKind, positiveClass: positiveClass ?? 1)
    var input = EvalInput(
      labelsPath: arguments.labelsPath, scoresPath: arguments.scoresPath, files: files,
      scoreKind: scoreKind, classNames: classNames, positiveClass: positiveClass)
    if let positiveClass {
      input.binaryNote = try binaryNote(input, positiveClass: positiveClass)
    }
    return input
  }

  /// Returns the positive column of a binary task (1 unless `--positive`
  /// names another), or nil for more than 2 classes.
  private static func resolvePositiveClass(
    _ value: String?, classNames: [String], scoresPath: String
  ) throws -> Int? {
    guard classNames.count == 2 else {
      guard let value else { return nil }
      throw CommandLineError.invalidValueWithReason(
        option: "--positive", value: value,
        reason: "\(scoresPath) has \(classNames.count) classes, and a positive class "
          + "applies only to binary tasks",
        fix: "Leave out --positive for multiclass scores.")
    }
    guard let value else { return 1 }
    // A class name wins over an index, so names such as "1" and "0" swapped keep working.
    if let column = classNames.firstIndex(of: value) { return column }
    if let column = Int(value), (0..<2).contains(column) { return column }
    throw CommandLineError.invalidValue(
      option: "--positive", value: value,
      expected: "0, 1 or a class name (\(classNames.joined(separator: ", ")))")
  }

  /// Describes the positive column, such as "positive class = dog (column 1)".
  private static func binaryNote(_ input: EvalInput, positiveClass: Int) throws -> String {
    let files = input.files
    let columns = try PositiveClassScores(
      matrix: files.scores.map { Double($0) }, columnCount: 2, columnLabels: input.classNames,
      positiveLabel: input.classNames[positiveClass])
    guard files.scoresWereVector else {
      return columns.description + " in \(input.scoresPath)"
    }
    let otherColumn = 1 - positiveClass
    switch input.scoreKind {
    case .probabilities:
      return columns.description
        + "; \(input.scoresPath) contains its scores s, and column \(otherColumn) is 1 - s"
    case .logits:
      return columns.description
        + "; \(input.scoresPath) contains its logits z, and column \(otherColumn) is 0, "
        + "so the softmax is the sigmoid of z"
    }
  }
}
