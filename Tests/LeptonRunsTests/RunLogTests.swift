import Foundation
import LeptonEngine
import LeptonMetrics
import Testing

@testable import LeptonRuns

/// A run root in a fresh temporary directory.
struct RunsRoot {
  let path = NSTemporaryDirectory() + "lepton-runs-\(UUID().uuidString)"

  func remove() { try? FileManager.default.removeItem(atPath: path) }
}

func sampleConfig(runID: String) -> RunConfig {
  RunConfig(
    runID: runID, model: "fmnist-cnn", layers: [], parameterCount: 10, dataset: "tiny",
    dataDirectory: "/data", classNames: ["a", "b"], inputShape: [1, 2, 2], trainCount: 4,
    testCount: 3, epochs: 1, batchSize: 2, learningRate: 0.01, momentum: 0.9, weightDecay: 0,
    seed: 1, stepsPerEpoch: 2, versions: ["lepton": "test"], startedAt: "2026-01-01T00:00:00Z")
}

func sampleEvents(runID: String) throws -> [TrainingEvent] {
  let labels: [Int32] = [0, 1, 1]
  let scores: [Float] = [0.8, 0.2, 0.3, 0.7, 0.6, 0.4]
  let report = try ClassificationReport.compute(
    labels: labels, probabilities: scores, classCount: 2)
  return [
    .runStarted(sampleConfig(runID: runID)),
    .batchEnded(
      BatchProgress(
        epoch: 1, step: 1, stepsPerEpoch: 2, globalStep: 1, loss: .nan, accuracy: 0.5,
        imagesPerSecond: 100)),
    .evaluated(Evaluation(epoch: 1, split: "test", classCount: 2, labels: labels, scores: scores)),
    .epochEnded(
      EpochSummary(
        epoch: 1, trainLoss: 0.5, trainAccuracy: 0.75, test: report, trainSeconds: 1,
        evaluationSeconds: 0.1, imagesPerSecond: 4)),
    .runFinished(RunSummary(completedEpochs: 1, finalTest: report, totalSeconds: 1.2)),
  ]
}

@Suite("Run log")
struct RunLogTests {
  @Test func roundTripsEveryEvent() throws {
    let root = RunsRoot()
    defer { root.remove() }
    let directory = try RunDirectory.create(root: root.path, model: "fmnist-cnn")
    let writer = try RunLogWriter(directory: directory)
    for event in try sampleEvents(runID: directory.id) { writer.trainer(didEmit: event) }
    #expect(writer.firstError == nil)

    let run = try RunLogReader.read(directory: directory.path)
    #expect(
      run.records.map(\.type) == [
        "runStarted", "batchEnded", "evaluated", "epochEnded", "runFinished",
      ])
    #expect(run.skippedLines.isEmpty)
    #expect(run.status?.status == "finished")
    #expect(run.config?.runID == directory.id)
    // NaN survives as the string "NaN".
    #expect(run.records[1].batch?.loss.isNaN == true)
    #expect(run.epochs.first?.test.accuracy == 2.0 / 3.0)

    let reference = try #require(run.records[2].evaluation)
    #expect(reference.scoresFile == "scores-test-epoch-1.npy")
    let evaluation = try RunLogReader.loadEvaluation(reference, in: directory)
    #expect(evaluation.labels == [0, 1, 1])
    #expect(evaluation.scores == [0.8, 0.2, 0.3, 0.7, 0.6, 0.4])
  }

  @Test func statusFollowsEachEpoch() throws {
    let root = RunsRoot()
    defer { root.remove() }
    let directory = try RunDirectory.create(root: root.path, model: "fmnist-cnn")
    let writer = try RunLogWriter(directory: directory)
    let events = try sampleEvents(runID: directory.id)
    // Every event up to and including epochEnded, as a run killed after its first epoch.
    for event in events.dropLast() { writer.trainer(didEmit: event) }

    let status = try #require(RunLogReader.readStatus(directory: directory))
    #expect(status.status == "running")
    #expect(status.completedEpochs == 1)
    #expect(status.processID == ProcessInfo.processInfo.processIdentifier)
  }

  @Test func roundTripsValidation() throws {
    let root = RunsRoot()
    defer { root.remove() }
    let directory = try RunDirectory.create(root: root.path, model: "fmnist-cnn")
    let writer = try RunLogWriter(directory: directory)
    var config = sampleConfig(runID: directory.id)
    config.trainCount = 3
    config.validationSplit = 0.25
    config.validationCount = 2
    config.augmentation = "crop4,flip"
    let testLabels: [Int32] = [0, 1, 1]
    let testScores: [Float] = [0.8, 0.2, 0.3, 0.7, 0.6, 0.4]
    let test = try ClassificationReport.compute(
      labels: testLabels, probabilities: testScores, classCount: 2)
    // Both classes occur, so every metric is defined and NaN does not break equality.
    let validationScores: [Float] = [0.1, 0.9, 0.7, 0.3]
    let validation = try ClassificationReport.compute(
      labels: [1, 0], probabilities: validationScores, classCount: 2)
    let events: [TrainingEvent] = [
      .runStarted(config),
      .evaluated(
        Evaluation(
          epoch: 1, split: "validation", classCount: 2, labels: [1, 0], scores: validationScores)),
      .evaluated(
        Evaluation(epoch: 1, split: "test", classCount: 2, labels: testLabels, scores: testScores)),
      .epochEnded(
        EpochSummary(
          epoch: 1, trainLoss: 0.5, trainAccuracy: 0.75, test: test, validation: validation,
          trainSeconds: 1, evaluationSeconds: 0.1, imagesPerSecond: 3)),
      .runFinished(RunSummary(completedEpochs: 1, finalTest: test, totalSeconds: 1.2)),
    ]
    for event in events { writer.trainer(didEmit: event) }
    #expect(writer.firstError == nil)

    let run = try RunLogReader.read(directory: directory.path)
    #expect(run.skippedLines.isEmpty)
    #expect(run.config == config)
    #expect(run.status?.config.augmentation == "crop4,flip")
    let epoch = try #require(run.epochs.first)
    #expect(epoch.validation == validation)
    #expect(epoch.validation?.accuracy == 1)
    #expect(epoch.test == test)

    let reference = try #require(run.records[1].evaluation)
    #expect(reference.split == "validation")
    #expect(reference.scoresFile == "scores-validation-epoch-1.npy")
    #expect(reference.labelsFile == "labels-validation.npy")
    let evaluation = try RunLogReader.loadEvaluation(reference, in: directory)
    #expect(evaluation.labels == [1, 0])
    #expect(evaluation.scores == validationScores)
    #expect(run.records[2].evaluation?.labelsFile == "labels-test.npy")
  }

  @Test func epochWithoutValidationOmitsField() throws {
    let root = RunsRoot()
    defer { root.remove() }
    let directory = try RunDirectory.create(root: root.path, model: "m")
    let writer = try RunLogWriter(directory: directory)
    for event in try sampleEvents(runID: directory.id) { writer.trainer(didEmit: event) }
    let text = try String(contentsOfFile: directory.eventsPath, encoding: .utf8)
    let epochLine = try #require(text.split(separator: "\n").first { $0.contains("epochEnded") })
    #expect(!epochLine.contains("validation"))
    let run = try RunLogReader.read(directory: directory.path)
    #expect(run.epochs.count == 1)
    #expect(run.epochs.first?.validation == nil)
  }

  @Test func configFromOlderLogGetsDefaults() throws {
    let encoded = try EventCoding.makeEncoder().encode(sampleConfig(runID: "old"))
    var object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
    let newerKeys = [
      "optimizer", "learningRateSchedule", "validationSplit", "validationCount", "augmentation",
    ]
    for key in newerKeys {
      #expect(object.removeValue(forKey: key) != nil, "\(key) is encoded")
    }
    let older = try JSONSerialization.data(withJSONObject: object)
    let config = try EventCoding.makeDecoder().decode(RunConfig.self, from: older)
    #expect(config == sampleConfig(runID: "old"))
    #expect(config.optimizer == "sgd")
    #expect(config.learningRateSchedule == "constant")
    #expect(config.validationSplit == 0)
    #expect(config.validationCount == 0)
    #expect(config.augmentation == "none")
  }

  @Test func skipsTruncatedLastLine() throws {
    let root = RunsRoot()
    defer { root.remove() }
    let directory = try RunDirectory.create(root: root.path, model: "m")
    let writer = try RunLogWriter(directory: directory)
    for event in try sampleEvents(runID: directory.id).prefix(4) { writer.trainer(didEmit: event) }
    // A kill in the middle of a write leaves half a line.
    let handle = try #require(FileHandle(forWritingAtPath: directory.eventsPath))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("{\"schema\":1,\"type\":\"batchEn".utf8))
    try handle.close()

    let run = try RunLogReader.read(directory: directory.path)
    #expect(run.records.count == 4)
    #expect(run.skippedLines.count == 1)
    #expect(run.skippedLines.first?.line == 5)
    #expect(run.status?.status == "running")
  }

  @Test func rejectsNewerSchema() throws {
    let root = RunsRoot()
    defer { root.remove() }
    let directory = try RunDirectory.create(root: root.path, model: "m")
    try Data("{\"schema\":99,\"type\":\"runStarted\",\"time\":0}\n".utf8)
      .write(to: URL(fileURLWithPath: directory.eventsPath))
    #expect(
      throws: RunError.newerSchema(path: directory.eventsPath, version: 99, supported: 1)
    ) {
      try RunLogReader.read(directory: directory.path)
    }
  }

  @Test func logWithoutRunStartedIsRejected() throws {
    let root = RunsRoot()
    defer { root.remove() }
    let directory = try RunDirectory.create(root: root.path, model: "m")
    let cases: [(text: String, malformed: Int)] = [
      ("{not json\n", 1),
      ("{not json\n\n[]\n", 2),
      ("{\"schema\":1,\"type\":\"batchEnded\",\"time\":0}\n", 0),
    ]
    for (text, malformed) in cases {
      try Data(text.utf8).write(to: URL(fileURLWithPath: directory.eventsPath))
      #expect(
        throws: RunError.missingRunStart(path: directory.eventsPath, malformedLines: malformed),
        "log: \(text)"
      ) {
        try RunLogReader.read(directory: directory.path)
      }
    }
  }

  @Test func emptyLogIsRunStarting() throws {
    let root = RunsRoot()
    defer { root.remove() }
    let directory = try RunDirectory.create(root: root.path, model: "m")
    try Data().write(to: URL(fileURLWithPath: directory.eventsPath))
    let run = try RunLogReader.read(directory: directory.path)
    #expect(run.records.isEmpty)
    #expect(run.skippedLines.isEmpty)
  }

  @Test func sameSecondGetsDistinctIDs() throws {
    let root = RunsRoot()
    defer { root.remove() }
    let date = Date(timeIntervalSince1970: 1_800_000_000)
    let first = try RunDirectory.create(root: root.path, model: "fmnist-cnn", date: date)
    let second = try RunDirectory.create(root: root.path, model: "fmnist-cnn", date: date)
    let third = try RunDirectory.create(root: root.path, model: "fmnist-cnn", date: date)
    #expect(first.id == "20270115-080000-fmnist-cnn")
    #expect(second.id == "20270115-080000-fmnist-cnn-2")
    #expect(third.id == "20270115-080000-fmnist-cnn-3")
  }

  @Test func missingRunIsReported() {
    #expect(throws: RunError.runNotFound(path: "/nonexistent/run")) {
      try RunLogReader.read(directory: "/nonexistent/run")
    }
  }

  @Test func unwritableRootIsReported() throws {
    let root = RunsRoot()
    defer { root.remove() }
    try FileManager.default.createDirectory(atPath: root.path, withIntermediateDirectories: true)
    let blocker = root.path + "/file"
    try Data().write(to: URL(fileURLWithPath: blocker))
    #expect {
      try RunDirectory.create(root: blocker + "/runs", model: "m")
    } throws: { error in
      guard case .cannotCreateDirectory(let path, let reason) = error as? RunError else {
        return false
      }
      return path == blocker + "/runs" && reason == "\(blocker) is a file"
    }
  }
}

@Suite("NumPy files")
struct NumpyFileTests {
  @Test func headerIsPaddedToSixtyFour() throws {
    let data = NumpyFile.encode(float32: [1, 2, 3, 4, 5, 6], shape: [2, 3])
    let headerLength = Int(data[8]) | Int(data[9]) << 8
    // The 58-character dictionary and 10-byte preamble round up to 128 bytes.
    #expect(10 + headerLength == 128)
    #expect(data.count == 128 + 24)
    let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
    #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"))
    #expect(header.hasSuffix(" \n"))
    let decoded = try NumpyFile.decode(data, path: "scores.npy")
    #expect(decoded.float32Values == [1, 2, 3, 4, 5, 6])
  }

  @Test func roundTripsInt64Vector() throws {
    let data = NumpyFile.encode(int64: [3, -1, 7], shape: [3])
    let decoded = try NumpyFile.decode(data, path: "labels.npy")
    #expect(decoded.shape == [3])
    #expect(decoded.int64Values == [3, -1, 7])
    #expect(decoded.float32Values == nil)
  }

  @Test func rejectsWrongPayloadSize() {
    var data = NumpyFile.encode(float32: [1, 2, 3, 4], shape: [2, 2])
    data.removeLast(4)
    #expect(
      throws: RunError.invalidNumpy(
        path: "s.npy",
        reason: "the file is truncated: shape [2, 2] of float32 needs 16 bytes of data, found 12")
    ) {
      try NumpyFile.decode(data, path: "s.npy")
    }
  }

  @Test func rejectsMissingMagic() {
    #expect(
      throws: RunError.invalidNumpy(path: "x.npy", reason: "missing the \\x93NUMPY magic bytes")
    ) {
      try NumpyFile.decode(Data("not numpy at all".utf8), path: "x.npy")
    }
  }

  @Test func rejectsUnsupportedType() {
    var data = NumpyFile.header(descriptor: "<c8", shape: [1])
    data.append(contentsOf: [UInt8](repeating: 0, count: 8))
    #expect(
      throws: RunError.invalidNumpy(
        path: "c.npy",
        reason: "dtype <c8 is not supported; use one of int8, int16, int32, int64, uint8, "
          + "float32, float64")
    ) {
      try NumpyFile.decode(data, path: "c.npy")
    }
  }
}
