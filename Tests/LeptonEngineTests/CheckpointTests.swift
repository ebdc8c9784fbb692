import Foundation
import Testing

@testable import LeptonEngine

/// A fresh temporary directory for checkpoint files, removed by `remove()`.
struct CheckpointDirectory {
  let path: String

  init() throws {
    path = NSTemporaryDirectory() + "lepton-checkpoint-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

  func contents() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: path).sorted()
  }

  func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs one training step of `network` on `images` and `labels`.
@discardableResult
func trainOnce(_ network: Network, images: [Float], labels: [Int32]) throws
  -> (lossSum: Double, correct: Int)
{
  try images.withUnsafeBufferPointer { imageBuffer in
    try labels.withUnsafeBufferPointer { labelBuffer in
      try network.trainStep(images: imageBuffer, labels: labelBuffer, count: labels.count)
    }
  }
}

/// Returns the number of positions where `lhs` and `rhs` differ in their bits, counting
/// a length difference as that many positions. Checks on this count stay fast when they
/// fail, where comparing long arrays directly makes the test library diff them.
func differingCount(_ lhs: [Float], _ rhs: [Float]) -> Int {
  let common = zip(lhs, rhs).filter { $0.bitPattern != $1.bitPattern }.count
  return common + abs(lhs.count - rhs.count)
}

/// Returns the probabilities and summed loss of `network` on `images`.
func predictAll(_ network: Network, images: [Float], labels: [Int32], classCount: Int) throws
  -> (probabilities: [Float], lossSum: Double)
{
  var probabilities = [Float](repeating: 0, count: labels.count * classCount)
  let lossSum = try images.withUnsafeBufferPointer { imageBuffer in
    try labels.withUnsafeBufferPointer { labelBuffer in
      try probabilities.withUnsafeMutableBufferPointer { output in
        try network.predict(
          images: imageBuffer, labels: labelBuffer, count: labels.count, probabilities: output)
      }
    }
  }
  return (probabilities, lossSum)
}

@Suite("Checkpoint round trip", .serialized)
struct CheckpointRoundTripTests {
  /// A model and optimiser to save and restore.
  struct Case: CustomTestStringConvertible, Sendable {
    var model: String
    var optimizer: OptimizerConfiguration
    var testDescription: String { model }
  }

  static let cases = [
    Case(
      model: "fmnist-cnn",
      optimizer: .sgd(SGDConfiguration(learningRate: 0.02, weightDecay: 1e-4, nesterov: true))),
    // With batch norm, dropout and AdamW, the running statistics, the dropout generator and
    // both moments must all carry over.
    Case(model: "fmnist-bn", optimizer: .adamW(learningRate: 0.003)),
    Case(
      model: "conv4k3p1-bn-relu-pool2-dropout0.5-dense16-bn-relu-dense10",
      optimizer: .adam(AdamConfiguration(learningRate: 0.01))),
  ]

  static let classNames = (0..<10).map { "class \($0)" }

  @Test(arguments: cases)
  func restoredNetworkMatchesOriginal(_ testCase: Case) throws {
    let directory = try CheckpointDirectory()
    defer { directory.remove() }
    let original = try Network(
      model: testCase.model, inputShape: [1, 28, 28], classCount: 10, batchSize: 8, seed: 7,
      optimizer: testCase.optimizer)
    // A few steps make the moments, running statistics and step count non-trivial.
    for step in 0..<3 {
      try trainOnce(
        original, images: normalValues(8 * 784, seed: 100 + UInt64(step)).map(Float.init),
        labels: randomLabels(8, classes: 10, seed: 200 + UInt64(step)))
    }
    let normalization = Normalization(mean: 0.25, standardDeviation: 0.5)
    let saved = try original.checkpoint(
      classNames: Self.classNames, normalization: normalization, epoch: 3, runID: "run-1")
    #expect(saved.optimizerStepCount == 3)
    #expect(saved.firstMoment.contains { $0 != 0 })

    let path = directory.file("model.ckpt")
    try saved.write(to: path)
    let loaded = try Checkpoint.read(from: path)
    let loadedEqualsSaved = loaded == saved
    #expect(loadedEqualsSaved)
    #expect(differingCount(loaded.parameters, saved.parameters) == 0)
    #expect(loaded.model == testCase.model)
    #expect(loaded.optimizer == testCase.optimizer)
    #expect(loaded.normalization == normalization)
    #expect(loaded.epoch == 3)
    #expect(loaded.runID == "run-1")

    let restored = try Network(checkpoint: loaded, batchSize: 8)
    let images = normalValues(16 * 784, seed: 300).map(Float.init)
    let labels = randomLabels(16, classes: 10, seed: 301)
    let expected = try predictAll(original, images: images, labels: labels, classCount: 10)
    let actual = try predictAll(restored, images: images, labels: labels, classCount: 10)
    #expect(differingCount(actual.probabilities, expected.probabilities) == 0)
    #expect(actual.lossSum == expected.lossSum)

    let stepImages = normalValues(8 * 784, seed: 400).map(Float.init)
    let stepLabels = randomLabels(8, classes: 10, seed: 401)
    let originalStep = try trainOnce(original, images: stepImages, labels: stepLabels)
    let restoredStep = try trainOnce(restored, images: stepImages, labels: stepLabels)
    #expect(restoredStep.lossSum == originalStep.lossSum)
    #expect(restoredStep.correct == originalStep.correct)
    let originalAfter = try original.checkpoint(
      classNames: Self.classNames, normalization: normalization, epoch: 4, runID: "run-1")
    let restoredAfter = try restored.checkpoint(
      classNames: Self.classNames, normalization: normalization, epoch: 4, runID: "run-1")
    #expect(differingCount(restoredAfter.parameters, originalAfter.parameters) == 0)
    #expect(
      differingCount(restoredAfter.runningStatistics, originalAfter.runningStatistics) == 0)
    #expect(differingCount(restoredAfter.firstMoment, originalAfter.firstMoment) == 0)
    #expect(differingCount(restoredAfter.secondMoment, originalAfter.secondMoment) == 0)
    #expect(restoredAfter.optimizerStepCount == 4)
    #expect(restoredAfter.dropoutRandomState == originalAfter.dropoutRandomState)
  }

  @Test func classNamesMustMatchOutputs() throws {
    let network = try Network(
      model: "conv2k3-relu-dense3", inputShape: [1, 5, 5], classCount: 3, batchSize: 2,
      seed: 1, optimizer: SGDConfiguration())
    #expect(throws: NetworkError.self) {
      _ = try network.checkpoint(
        classNames: ["a", "b"], normalization: Normalization(mean: 0, standardDeviation: 1),
        epoch: 1, runID: "run")
    }
  }

  @Test func restoringRejectsWrongVectorLength() throws {
    var checkpoint = try smallCheckpoint()
    checkpoint.firstMoment.removeLast()
    #expect(throws: NetworkError.self) {
      _ = try Network(checkpoint: checkpoint, batchSize: 2)
    }
  }
}

/// Returns a checkpoint of a network with a few hundred parameters, after one SGD step.
func smallCheckpoint(model: String = "conv2k3-bn-relu-dense3") throws -> Checkpoint {
  let network = try Network(
    model: model, inputShape: [1, 5, 5], classCount: 3, batchSize: 4, seed: 3,
    optimizer: SGDConfiguration())
  try trainOnce(
    network, images: normalValues(4 * 25, seed: 5).map(Float.init),
    labels: randomLabels(4, classes: 3, seed: 6))
  return try network.checkpoint(
    classNames: ["cat", "dog", "bird"],
    normalization: Normalization(mean: 0.5, standardDeviation: 0.2),
    epoch: 1, runID: "small-run")
}

@Suite("Checkpoint read errors")
struct CheckpointReadErrorTests {
  /// Writes `checkpoint` and returns its path and bytes.
  func writeFile(_ checkpoint: Checkpoint, in directory: CheckpointDirectory) throws
    -> (path: String, bytes: [UInt8])
  {
    let path = directory.file("model.ckpt")
    try checkpoint.write(to: path)
    return (path, [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
  }

  /// Writes `bytes` to `name` and returns the error that reading it throws.
  func readError(_ bytes: [UInt8], name: String, in directory: CheckpointDirectory) throws
    -> CheckpointError?
  {
    let path = directory.file(name)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    do {
      _ = try Checkpoint.read(from: path)
      return nil
    } catch let error as CheckpointError {
      #expect(error.description.hasPrefix(path), "\(error)")
      return error
    }
  }

  /// Byte offset where the header JSON ends and the vectors begin.
  func vectorStart(_ bytes: [UInt8]) -> Int {
    CheckpointFormat.preambleSize + Int(bytes[12]) + Int(bytes[13]) << 8
      + Int(bytes[14]) << 16 + Int(bytes[15]) << 24
  }

  @Test func missingFileAndDirectory() throws {
    let directory = try CheckpointDirectory()
    defer { directory.remove() }
    let missing = directory.file("absent.ckpt")
    #expect(throws: CheckpointError.fileNotFound(path: missing)) {
      _ = try Checkpoint.read(from: missing)
    }
    #expect(throws: CheckpointError.unreadable(path: directory.path, reason: "it is a directory")) {
      _ = try Checkpoint.read(from: directory.path)
    }
  }

  @Test func wrongMagic() throws {
    let directory = try CheckpointDirectory()
    defer { directory.remove() }
    var bytes = try writeFile(try smallCheckpoint(), in: directory).bytes
    bytes.replaceSubrange(0..<8, with: Array("NOTACKPT".utf8))
    let path = directory.file("magic.ckpt")
    #expect(try readError(bytes, name: "magic.ckpt", in: directory) == .notACheckpoint(path: path))
    let text = Array("{\"model\": \"fmnist-cnn\"}\n".utf8)
    #expect(
      try readError(text, name: "text.ckpt", in: directory)
        == .notACheckpoint(path: directory.file("text.ckpt")))
    let message = CheckpointError.notACheckpoint(path: path).description
    #expect(message.contains("not a Lepton checkpoint"))
    #expect(message.contains("model.ckpt"))
  }

  @Test func truncatedAtEveryPart() throws {
    let directory = try CheckpointDirectory()
    defer { directory.remove() }
    let bytes = try writeFile(try smallCheckpoint(), in: directory).bytes
    let headerEnd = vectorStart(bytes)
    let cuts: [(length: Int, part: String, expected: Int)] = [
      (0, "file preamble", CheckpointFormat.preambleSize),
      (5, "file preamble", CheckpointFormat.preambleSize),
      (19, "file preamble", CheckpointFormat.preambleSize),
      (20, "header", headerEnd),
      (headerEnd / 2, "header", headerEnd),
      (headerEnd - 1, "header", headerEnd),
      (headerEnd, "vector data", bytes.count),
      (headerEnd + 3, "vector data", bytes.count),
      (bytes.count - 1, "vector data", bytes.count),
    ]
    for cut in cuts {
      let name = "cut-\(cut.length).ckpt"
      let error = try readError(Array(bytes[0..<cut.length]), name: name, in: directory)
      #expect(
        error
          == .truncated(
            path: directory.file(name), part: cut.part, expectedBytes: cut.expected,
            actualBytes: cut.length),
        "cut at \(cut.length) of \(bytes.count)")
    }
    let message = CheckpointError.truncated(
      path: "x.ckpt", part: "vector data", expectedBytes: 100, actualBytes: 60
    ).description
    #expect(message.contains("truncated checkpoint"))
    #expect(message.contains("Copy it again or train again"))
  }

  @Test func trailingBytes() throws {
    let directory = try CheckpointDirectory()
    defer { directory.remove() }
    let bytes = try writeFile(try smallCheckpoint(), in: directory).bytes
    let error = try readError(bytes + [0, 0, 0, 0, 1], name: "long.ckpt", in: directory)
    #expect(
      error
        == .trailingData(
          path: directory.file("long.ckpt"), expectedBytes: bytes.count,
          actualBytes: bytes.count + 5))
  }

  @Test func flippedByteFailsChecksum() throws {
    let directory = try CheckpointDirectory()
    defer { directory.remove() }
    let bytes = try writeFile(try smallCheckpoint(), in: directory).bytes
    let headerEnd = vectorStart(bytes)
    for (offset, part) in [
      (headerEnd + 10, "vector data"), (bytes.count - 1, "vector data"), (40, "header"),
    ] {
      var damaged = bytes
      damaged[offset] ^= 0x10
      let name = "flip-\(offset).ckpt"
      let error = try readError(damaged, name: name, in: directory)
      guard case .checksumMismatch(let path, let foundPart, let stored, let computed) = error
      else {
        Issue.record(
          "byte \(offset): expected a checksum mismatch, got \(String(describing: error))")
        continue
      }
      #expect(path == directory.file(name))
      #expect(foundPart == part, "byte \(offset)")
      #expect(stored != computed)
      #expect(error?.description.contains("corrupt checkpoint") == true)
    }
  }

  @Test func newerVersion() throws {
    let directory = try CheckpointDirectory()
    defer { directory.remove() }
    var bytes = try writeFile(try smallCheckpoint(), in: directory).bytes
    bytes[8] = 2
    let error = try readError(bytes, name: "v2.ckpt", in: directory)
    #expect(
      error == .unsupportedVersion(path: directory.file("v2.ckpt"), version: 2, supported: 1))
    #expect(error?.description.contains("newer than this Lepton reads") == true)
    bytes[8] = 0
    let zero = try readError(bytes, name: "v0.ckpt", in: directory)
    #expect(zero == .unsupportedVersion(path: directory.file("v0.ckpt"), version: 0, supported: 1))
    #expect(zero?.description.contains("damaged") == true)
  }

  @Test func invalidHeaderJSON() throws {
    let directory = try CheckpointDirectory()
    defer { directory.remove() }
    let bytes = try writeFile(try smallCheckpoint(), in: directory).bytes
    let vectors = Data(bytes[vectorStart(bytes)...])
    let notJSON = CheckpointFormat.assemble(header: Data("{\"model\": ".utf8), vectors: vectors)
    let error = try readError([UInt8](notJSON), name: "json.ckpt", in: directory)
    #expect(
      error == .invalidHeader(path: directory.file("json.ckpt"), reason: "not valid JSON"))

    // A header without its epoch, re-checksummed so that only the JSON is at fault.
    let headerText = String(decoding: bytes[20..<vectorStart(bytes)], as: UTF8.self)
    let withoutEpoch = headerText.replacingOccurrences(of: "\"epoch\" : 1,", with: "")
    #expect(withoutEpoch != headerText)
    let missing = CheckpointFormat.assemble(header: Data(withoutEpoch.utf8), vectors: vectors)
    #expect(
      try readError([UInt8](missing), name: "epoch.ckpt", in: directory)
        == .invalidHeader(path: directory.file("epoch.ckpt"), reason: "missing field 'epoch'"))
  }

  @Test func invalidHeaderValues() throws {
    let directory = try CheckpointDirectory()
    defer { directory.remove() }
    let path = directory.file("model.ckpt")
    var wrongClasses = try smallCheckpoint()
    wrongClasses.classNames.append("fish")
    var badSpecification = try smallCheckpoint()
    badSpecification.specification = "conv2k3-wobble-dense3"
    var badNormalization = try smallCheckpoint()
    badNormalization.normalization.standardDeviation = 0
    var zeroState = try smallCheckpoint()
    zeroState.dropoutRandomState = [0, 0, 0, 0]
    for (checkpoint, reasonPart) in [
      (wrongClasses, "the model cannot be built"),
      (badSpecification, "the model cannot be built"),
      (badNormalization, "normalization"),
      (zeroState, "dropoutRandomState"),
    ] {
      try checkpoint.write(to: path)
      do {
        _ = try Checkpoint.read(from: path)
        Issue.record("expected an invalid header for \(reasonPart)")
      } catch CheckpointError.invalidHeader(let errorPath, let reason) {
        #expect(errorPath == path)
        #expect(reason.contains(reasonPart), "\(reason)")
      }
    }
  }

  @Test func vectorLengthsMustFitModel() throws {
    let directory = try CheckpointDirectory()
    defer { directory.remove() }
    let path = directory.file("model.ckpt")
    let good = try smallCheckpoint()
    var shortParameters = good
    shortParameters.parameters.removeLast()
    var extraStatistics = good
    extraStatistics.runningStatistics += [1, 2]
    var missingMoment = good
    missingMoment.secondMoment = []
    let parameterCount = good.parameters.count
    let statisticsCount = good.runningStatistics.count
    let cases: [(Checkpoint, CheckpointError)] = [
      (
        shortParameters,
        .lengthMismatch(
          path: path, vector: "parameters", stored: parameterCount - 1, expected: parameterCount,
          model: good.model)
      ),
      (
        extraStatistics,
        .lengthMismatch(
          path: path, vector: "runningStatistics", stored: statisticsCount + 2,
          expected: statisticsCount, model: good.model)
      ),
      (
        missingMoment,
        .lengthMismatch(
          path: path, vector: "secondMoment", stored: 0, expected: parameterCount,
          model: good.model)
      ),
    ]
    for (checkpoint, expected) in cases {
      try checkpoint.write(to: path)
      #expect(throws: expected) { _ = try Checkpoint.read(from: path) }
    }
    #expect(
      CheckpointError.lengthMismatch(
        path: path, vector: "parameters", stored: 1, expected: 2, model: "m"
      ).description.contains("stores 1 values of parameters, but its model 'm' needs 2"))
  }
}

@Suite("Checkpoint atomic write")
struct CheckpointAtomicWriteTests {
  @Test func leavesNoTemporaryFile() throws {
    let directory = try CheckpointDirectory()
    defer { directory.remove() }
    let path = directory.file("model.ckpt")
    try smallCheckpoint().write(to: path)
    #expect(try directory.contents() == ["model.ckpt"])
  }

  @Test func replacesExistingFileWhole() throws {
    let directory = try CheckpointDirectory()
    defer { directory.remove() }
    let path = directory.file("model.ckpt")
    try Data(repeating: 0xAB, count: 1 << 20).write(to: URL(fileURLWithPath: path))
    let large = try smallCheckpoint(model: "conv8k3p1-bn-relu-dense3")
    try large.write(to: path)
    #expect(try Checkpoint.read(from: path) == large)

    let small = try smallCheckpoint(model: "conv2k3-relu-dense3")
    try small.write(to: path)
    #expect(try Checkpoint.read(from: path) == small)
    let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
    #expect(size == (try CheckpointFormat.encode(small)).count)
    #expect(try directory.contents() == ["model.ckpt"])
  }

  @Test func failureNamesPathAndCleansUp() throws {
    let directory = try CheckpointDirectory()
    defer { directory.remove() }
    let target = directory.file("model.ckpt")
    try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
    let checkpoint = try smallCheckpoint()
    do {
      try checkpoint.write(to: target)
      Issue.record("writing over a directory succeeded")
    } catch CheckpointError.writeFailed(let path, let reason) {
      #expect(path == target)
      #expect(reason.contains("renaming"), "\(reason)")
    }
    #expect(try directory.contents() == ["model.ckpt"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: target).isEmpty)

    let missingParent = directory.file("absent/model.ckpt")
    #expect {
      try checkpoint.write(to: missingParent)
    } throws: { error in
      guard case CheckpointError.writeFailed(let path, let reason) = error else { return false }
      return path == missingParent && reason.contains("creating the temporary file")
    }
  }
}
