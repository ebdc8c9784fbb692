extension Network {
  /// Copies the network's state into a checkpoint: the parameters, the running statistics,
  /// the optimiser's settings, buffers and step count, and the dropout generator's state.
  ///
  /// - Parameters:
  ///   - classNames: One name per class, in label order.
  ///   - normalization: The normalisation of the images that the network was trained on.
  ///   - epoch: Number of completed epochs.
  ///   - runID: Id of the run that trained the network.
  /// - Throws: `NetworkError.invalidConfiguration` when `classNames` does not have one name
  ///   per output of the network.
  public func checkpoint(
    classNames: [String], normalization: Normalization, epoch: Int, runID: String
  ) throws -> Checkpoint {
    guard classNames.count == spec.classCount else {
      throw NetworkError.invalidConfiguration(
        "\(classNames.count) class names for a network with \(spec.classCount) outputs")
    }
    let count = parameterCount
    return Checkpoint(
      model: spec.name, specification: spec.specification, inputShape: spec.inputShape,
      classNames: classNames, normalization: normalization, epoch: epoch, runID: runID,
      optimizer: optimizerConfiguration, optimizerStepCount: optimizerState.stepCount,
      dropoutRandomState: random.generator.state, parameters: parameterVector,
      runningStatistics: bufferVector,
      firstMoment: Array(UnsafeBufferPointer(start: optimizerState.firstBuffer, count: count)),
      secondMoment: Array(UnsafeBufferPointer(start: optimizerState.secondBuffer, count: count)))
  }

  /// Rebuilds the network that `checkpoint` was taken from. On the same machine and oneDNN
  /// version, its predictions are bit for bit those of the original, and so are its
  /// training steps when given the same batches.
  ///
  /// - Parameter batchSize: Largest `count` that `trainStep` accepts, which may differ from
  ///   the original's.
  /// - Throws: `NetworkError` when the model cannot be built, a vector's length does not fit
  ///   it or the dropout generator's state is invalid.
  public convenience init(checkpoint: Checkpoint, batchSize: Int) throws {
    let spec = try ModelSpec(
      name: checkpoint.model, specification: checkpoint.specification,
      inputShape: checkpoint.inputShape, classCount: checkpoint.classCount)

    let vectors = [
      ("parameters", checkpoint.parameters.count, spec.parameterCount),
      ("runningStatistics", checkpoint.runningStatistics.count, spec.bufferCount),
      ("firstMoment", checkpoint.firstMoment.count, spec.parameterCount),
      ("secondMoment", checkpoint.secondMoment.count, spec.parameterCount),
    ]
    for (name, stored, needed) in vectors where stored != needed {
      throw NetworkError.invalidConfiguration(
        "the checkpoint has \(stored) values of \(name), but \(spec.name) needs \(needed)")
    }
    guard let generator = Xoshiro256StarStar(state: checkpoint.dropoutRandomState) else {
      throw NetworkError.invalidConfiguration(
        "the checkpoint's dropout generator state \(checkpoint.dropoutRandomState) is invalid")
    }
    guard checkpoint.optimizerStepCount >= 0 else {
      throw NetworkError.invalidConfiguration(
        "the checkpoint's optimiser step count \(checkpoint.optimizerStepCount) is negative")
    }

    // The seed only fills the weights that the checkpoint's parameters then replace.
    try self.init(spec: spec, batchSize: batchSize, seed: 0, optimizer: checkpoint.optimizer)
    parameterVector = checkpoint.parameters
    bufferVector = checkpoint.runningStatistics

    let count = spec.parameterCount
    checkpoint.firstMoment.withUnsafeBufferPointer { source in
      guard let base = source.baseAddress else { return }
      optimizerState.firstBuffer.update(from: base, count: count)
    }
    checkpoint.secondMoment.withUnsafeBufferPointer { source in
      guard let base = source.baseAddress else { return }
      optimizerState.secondBuffer.update(from: base, count: count)
    }
    optimizerState.stepCount = checkpoint.optimizerStepCount
    random.generator = generator
  }
}
