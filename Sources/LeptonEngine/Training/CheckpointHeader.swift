import Foundation

/// The JSON header of a checkpoint file, which contains everything but the float vectors.
struct CheckpointHeader: Codable, Equatable {
  var model: String
  var specification: String
  var inputShape: [Int]
  var classNames: [String]
  var normalization: Normalization
  var epoch: Int
  var runID: String
  var optimizer: OptimizerRecord
  var optimizerStepCount: Int
  /// The four state words of the dropout generator, each as 16 hexadecimal digits, because
  /// many JSON readers store numbers as doubles, which cannot represent every 64-bit value.
  var dropoutRandomState: [String]
  var vectorLengths: VectorLengths
  /// CRC-32 of the bytes of all four vectors.
  var vectorCRC32: UInt32

  /// Number of float32 values in each vector, in file order.
  struct VectorLengths: Codable, Equatable {
    var parameters: Int
    var runningStatistics: Int
    var firstMoment: Int
    var secondMoment: Int

    var total: Int { parameters + runningStatistics + firstMoment + secondMoment }
  }

  init(_ checkpoint: Checkpoint, vectorCRC32: UInt32) {
    model = checkpoint.model
    specification = checkpoint.specification
    inputShape = checkpoint.inputShape
    classNames = checkpoint.classNames
    normalization = checkpoint.normalization
    epoch = checkpoint.epoch
    runID = checkpoint.runID
    optimizer = OptimizerRecord(checkpoint.optimizer)
    optimizerStepCount = checkpoint.optimizerStepCount
    dropoutRandomState = checkpoint.dropoutRandomState.map { word in
      let digits = String(word, radix: 16)
      return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }
    vectorLengths = VectorLengths(
      parameters: checkpoint.parameters.count,
      runningStatistics: checkpoint.runningStatistics.count,
      firstMoment: checkpoint.firstMoment.count, secondMoment: checkpoint.secondMoment.count)
    self.vectorCRC32 = vectorCRC32
  }

  /// Checks every value, builds the model the header describes and checks the vector
  /// lengths against it. Returns the lengths, which are then known to be in range.
  func validate(path: String) throws -> VectorLengths {
    func invalid(_ reason: String) -> CheckpointError {
      .invalidHeader(path: path, reason: reason)
    }
    guard epoch >= 0 else { throw invalid("epoch \(epoch) is negative") }
    guard optimizerStepCount >= 0 else {
      throw invalid("optimizerStepCount \(optimizerStepCount) is negative")
    }
    guard normalization.mean.isFinite, normalization.standardDeviation.isFinite,
      normalization.standardDeviation > 0
    else {
      throw invalid(
        "normalization mean \(normalization.mean) and standard deviation "
          + "\(normalization.standardDeviation) must be finite, the deviation above 0")
    }
    _ = try optimizer.configuration(path: path)
    _ = try dropoutState(path: path)

    let spec: ModelSpec
    do {
      spec = try ModelSpec(
        name: model, specification: specification, inputShape: inputShape,
        classCount: classNames.count)
    } catch {
      throw invalid("the model cannot be built: \(error)")
    }
    let expected = [
      ("parameters", vectorLengths.parameters, spec.parameterCount),
      ("runningStatistics", vectorLengths.runningStatistics, spec.bufferCount),
      ("firstMoment", vectorLengths.firstMoment, spec.parameterCount),
      ("secondMoment", vectorLengths.secondMoment, spec.parameterCount),
    ]
    for (vector, stored, needed) in expected where stored != needed {
      throw CheckpointError.lengthMismatch(
        path: path, vector: vector, stored: stored, expected: needed, model: model)
    }
    return vectorLengths
  }

  /// Returns the checkpoint with these header values and the given vectors.
  func makeCheckpoint(
    path: String, parameters: [Float], runningStatistics: [Float], firstMoment: [Float],
    secondMoment: [Float]
  ) throws -> Checkpoint {
    Checkpoint(
      model: model, specification: specification, inputShape: inputShape,
      classNames: classNames, normalization: normalization, epoch: epoch, runID: runID,
      optimizer: try optimizer.configuration(path: path),
      optimizerStepCount: optimizerStepCount,
      dropoutRandomState: try dropoutState(path: path), parameters: parameters,
      runningStatistics: runningStatistics, firstMoment: firstMoment,
      secondMoment: secondMoment)
  }

  /// Parses `dropoutRandomState` into the words of a valid xoshiro256** state.
  private func dropoutState(path: String) throws -> [UInt64] {
    let words = dropoutRandomState.compactMap { UInt64($0, radix: 16) }
    guard words.count == 4, dropoutRandomState.count == 4,
      Xoshiro256StarStar(state: words) != nil
    else {
      throw CheckpointError.invalidHeader(
        path: path,
        reason: "dropoutRandomState must be 4 hexadecimal words, not all zero, "
          + "not \(dropoutRandomState)")
    }
    return words
  }
}

/// An optimiser configuration in the form that the checkpoint header stores, which names
/// the algorithm and has only the fields that it uses.
struct OptimizerRecord: Codable, Equatable {
  /// `sgd`, `adam` or `adamw`.
  var kind: String
  var learningRate: Double
  var weightDecay: Double
  /// SGD only.
  var momentum: Double?
  /// SGD only.
  var nesterov: Bool?
  /// Adam and AdamW only.
  var beta1: Double?
  /// Adam and AdamW only.
  var beta2: Double?
  /// Adam and AdamW only.
  var epsilon: Double?

  init(_ configuration: OptimizerConfiguration) {
    switch configuration {
    case .sgd(let sgd):
      kind = OptimizerKind.sgd.rawValue
      learningRate = sgd.learningRate
      weightDecay = sgd.weightDecay
      momentum = sgd.momentum
      nesterov = sgd.nesterov
    case .adam(let adam):
      kind = adam.decoupledWeightDecay ? OptimizerKind.adamw.rawValue : OptimizerKind.adam.rawValue
      learningRate = adam.learningRate
      weightDecay = adam.weightDecay
      beta1 = adam.beta1
      beta2 = adam.beta2
      epsilon = adam.epsilon
    }
  }

  /// Returns the configuration, or throws `invalidHeader` for an unknown kind or a
  /// missing field.
  func configuration(path: String) throws -> OptimizerConfiguration {
    func missing(_ field: String) -> CheckpointError {
      .invalidHeader(path: path, reason: "optimizer '\(kind)' lacks the field '\(field)'")
    }
    switch OptimizerKind(rawValue: kind) {
    case .sgd:
      guard let momentum else { throw missing("momentum") }
      return .sgd(
        SGDConfiguration(
          learningRate: learningRate, momentum: momentum, weightDecay: weightDecay,
          nesterov: nesterov ?? false))
    case .adam, .adamw:
      guard let beta1 else { throw missing("beta1") }
      guard let beta2 else { throw missing("beta2") }
      guard let epsilon else { throw missing("epsilon") }
      return .adam(
        AdamConfiguration(
          learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
          weightDecay: weightDecay, decoupledWeightDecay: kind == OptimizerKind.adamw.rawValue))
    case nil:
      throw CheckpointError.invalidHeader(
        path: path, reason: "unknown optimizer '\(kind)'; expected sgd, adam or adamw")
    }
  }
}
