import Foundation
import LeptonMetrics
import Testing

@testable import LeptonRuns

/// Decodes labels and scores written as `.npy` bytes and checks them as `lepton eval` does.
private func predictions(
  labels: Data, scores: Data, scoreKind: ScoreKind = .probabilities, positiveClass: Int = 1
) throws -> PredictionFiles {
  try PredictionFiles.make(
    labels: NumpyFile.decode(labels, path: "y.npy"), labelsPath: "y.npy",
    scores: NumpyFile.decode(scores, path: "s.npy"), scoresPath: "s.npy",
    scoreKind: scoreKind, positiveClass: positiveClass)
}

@Suite("Prediction files")
struct PredictionFilesTests {
  let threeLabels = numpyData([Int32(0), 1, 2], descriptor: "<i4", shape: [3])

  @Test func readsMatrixOfFloat64() throws {
    let scores = numpyData(
      [0.5, 0.25, 0.25, 0, 1, 0, 0.1, 0.2, 0.7], descriptor: "<f8", shape: [3, 3])
    let files = try predictions(labels: threeLabels, scores: scores)
    #expect(files.labels == [0, 1, 2])
    #expect(files.classCount == 3)
    #expect(files.scores == [0.5, 0.25, 0.25, 0, 1, 0, 0.1, 0.2, 0.7])
    #expect(files.labelType == .int32)
    #expect(files.scoreType == .float64)
    #expect(!files.scoresWereVector)
  }

  @Test func expandsBinaryProbabilities() throws {
    let labels = numpyData([UInt8(0), 1], descriptor: "|u1", shape: [2])
    let scores = numpyData([Float(0.25), 0.75], descriptor: "<f4", shape: [2])
    let positiveOne = try predictions(labels: labels, scores: scores)
    #expect(positiveOne.classCount == 2)
    #expect(positiveOne.scores == [0.75, 0.25, 0.25, 0.75])
    #expect(positiveOne.scoresWereVector)
    let positiveZero = try predictions(labels: labels, scores: scores, positiveClass: 0)
    #expect(positiveZero.scores == [0.25, 0.75, 0.75, 0.25])
    let column = numpyData([Float(0.25), 0.75], descriptor: "<f4", shape: [2, 1])
    let fromColumn = try predictions(labels: labels, scores: column)
    #expect(fromColumn.classCount == 2)
    #expect(fromColumn.scores == [0.75, 0.25, 0.25, 0.75])
    #expect(fromColumn.scoresWereVector)
  }

  @Test func expandsBinaryLogits() throws {
    let labels = numpyData([Int64(0), 1], descriptor: "<i8", shape: [2])
    let scores = numpyData([-2.0, 3.0], descriptor: "<f8", shape: [2])
    let files = try predictions(labels: labels, scores: scores, scoreKind: .logits)
    // Each row [0, z] is shifted so that its maximum is 0.
    #expect(files.scores == [0, -2, -3, 0])
  }

  @Test func shiftsLargeFloat64Logits() throws {
    let labels = numpyData([Int64(0)], descriptor: "<i8", shape: [1])
    let scores = numpyData([1e300, 1e300 - 1e290], descriptor: "<f8", shape: [1, 2])
    let files = try predictions(labels: labels, scores: scores, scoreKind: .logits)
    #expect(files.scores[0] == 0)
    #expect(files.scores[1] == -Float.greatestFiniteMagnitude)
  }

  @Test func rejectsBinaryScoreOutsideUnitRange() {
    let labels = numpyData([Int64(0), 1], descriptor: "<i8", shape: [2])
    let scores = numpyData([Float(0.5), 1.5], descriptor: "<f4", shape: [2])
    #expect(
      throws: PredictionFileError.binaryProbabilityOutOfRange(path: "s.npy", index: 1, value: 1.5)
    ) {
      try predictions(labels: labels, scores: scores)
    }
  }

  @Test func rejectsWrongDtypes() {
    let floatLabels = numpyData([Float(0), 1, 2], descriptor: "<f4", shape: [3])
    let scores = numpyData([Float](repeating: 0.5, count: 6), descriptor: "<f4", shape: [3, 2])
    #expect(throws: PredictionFileError.labelsNotInteger(path: "y.npy", type: "float32")) {
      try predictions(labels: floatLabels, scores: scores)
    }
    let integerScores = numpyData(
      [Int64](repeating: 1, count: 6), descriptor: "<i8", shape: [3, 2])
    #expect(throws: PredictionFileError.scoresNotFloatingPoint(path: "s.npy", type: "int64")) {
      try predictions(labels: threeLabels, scores: integerScores)
    }
  }

  @Test func rejectsWrongShapes() {
    let scores = numpyData([Float](repeating: 0.5, count: 6), descriptor: "<f4", shape: [3, 2])
    let columnLabels = numpyData([Int64(0), 1, 0], descriptor: "<i8", shape: [3, 1])
    #expect(throws: PredictionFileError.labelsNotVector(path: "y.npy", shape: [3, 1])) {
      try predictions(labels: columnLabels, scores: scores)
    }
    let cases: [[Int]] = [[3, 1, 2], [], [3, 0]]
    for shape in cases {
      let count = shape.reduce(1, *)
      let bad = numpyData([Float](repeating: 0.5, count: count), descriptor: "<f4", shape: shape)
      #expect(throws: PredictionFileError.invalidScoreShape(path: "s.npy", shape: shape)) {
        try predictions(labels: threeLabels, scores: bad)
      }
    }
  }

  @Test func rejectsSampleCountMismatch() {
    let scores = numpyData([Float](repeating: 0.5, count: 4), descriptor: "<f4", shape: [2, 2])
    #expect(
      throws: PredictionFileError.sampleCountMismatch(
        labelsPath: "y.npy", labelCount: 3, scoresPath: "s.npy", scoreCount: 2)
    ) {
      try predictions(labels: threeLabels, scores: scores)
    }
  }

  @Test func rejectsEmptyFiles() {
    let labels = numpyData([Int64](), descriptor: "<i8", shape: [0])
    let scores = numpyData([Float](), descriptor: "<f4", shape: [0, 2])
    #expect(throws: PredictionFileError.noSamples(path: "y.npy")) {
      try predictions(labels: labels, scores: scores)
    }
  }

  @Test func rejectsLabelOutsideClasses() {
    let labels = numpyData([Int64(0), 5, -1], descriptor: "<i8", shape: [3])
    let scores = numpyData([Float](repeating: 0.5, count: 6), descriptor: "<f4", shape: [3, 2])
    #expect(
      throws: PredictionFileError.labelOutOfRange(
        path: "y.npy", label: 5, index: 1, count: 2, classCount: 2)
    ) {
      try predictions(labels: labels, scores: scores)
    }
  }

  @Test func rejectsNonFiniteScoresWithCount() {
    let scores = numpyData(
      [0.5, 0.5, -.infinity, 0.5, 0.5, .nan], descriptor: "<f8", shape: [3, 2])
    #expect(
      throws: PredictionFileError.nonFiniteScores(
        path: "s.npy", count: 2, firstIndex: 2, firstValue: -.infinity, columnCount: 2)
    ) {
      try predictions(labels: threeLabels, scores: scores)
    }
  }

  @Test func classNamesFileChecks() throws {
    let directory = NSTemporaryDirectory() + "lepton-names-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/names.txt"

    try "cat\r\ndog\n".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(
      try ClassNamesFile.read(path: path, classCount: 2, scoresPath: "s.npy") == ["cat", "dog"])
    #expect(
      throws: PredictionFileError.classNameCountMismatch(
        path: path, nameCount: 2, scoresPath: "s.npy", classCount: 3)
    ) {
      try ClassNamesFile.read(path: path, classCount: 3, scoresPath: "s.npy")
    }

    try "cat\n\ndog\n".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: PredictionFileError.emptyClassName(path: path, line: 2)) {
      try ClassNamesFile.read(path: path, classCount: 3, scoresPath: "s.npy")
    }

    try "cat\ndog\ncat\n".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(
      throws: PredictionFileError.duplicateClassName(path: path, name: "cat", firstLine: 1, line: 3)
    ) {
      try ClassNamesFile.read(path: path, classCount: 3, scoresPath: "s.npy")
    }
  }
}
