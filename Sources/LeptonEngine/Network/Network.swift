/// A convolutional image classifier trained with SGD, Adam or AdamW, running on oneDNN (CPU).
///
/// Parameters, gradients and optimiser state are flat `Float` vectors allocated once. Primitives
/// and buffers are built on first use for each batch size and cached, so steady-state steps
/// allocate nothing in Swift. Use an instance from one thread at a time.
///
/// NOTE: oneDNN 2.6 runs its kernels on one OpenMP thread per core. Other CPU-heavy work at
/// the same time slows steps far beyond its share: a concurrent build on a 2-core machine
/// cut training from about 7,000 to under 1,000 images/s.
public final class Network: @unchecked Sendable {
  /// Names accepted by `init(model:...)`.
  public static var presetNames: [String] { ModelSpec.presetNames }
  /// Largest chunk that `predict` runs at once. It splits larger requests into chunks.
  static let maximumInferenceBatch = 1000
  /// Cached plans per mode beyond which plans for sizes other than `batchSize` are dropped.
  private static let planCacheLimit = 3

  let spec: ModelSpec
  /// Largest `count` that `trainStep` accepts.
  public let batchSize: Int
  /// Optimiser used by the next `trainStep`, which may change between steps.
  ///
  /// Changing only hyperparameters such as the learning rate keeps the momentum and moment
  /// buffers. Switching between SGD, Adam and AdamW zeroes them and restarts the step count.
  public var optimizerConfiguration: OptimizerConfiguration {
    didSet {
      if !optimizerConfiguration.sharesState(with: oldValue) { optimizerState.reset() }
    }
  }
  /// The SGD settings of `optimizerConfiguration`. Setting it selects SGD.
  ///
  /// NOTE: For Adam and AdamW, reading returns an `SGDConfiguration` with their learning rate
  /// and weight decay and zero momentum, which is not the rule that `trainStep` applies.
  public var optimizer: SGDConfiguration {
    get {
      switch optimizerConfiguration {
      case .sgd(let configuration): configuration
      case .adam(let configuration):
        SGDConfiguration(
          learningRate: configuration.learningRate, momentum: 0,
          weightDecay: configuration.weightDecay)
      }
    }
    set { optimizerConfiguration = .sgd(newValue) }
  }
  /// Learning rate of the next `trainStep`, for schedules to set between steps.
  public var learningRate: Double {
    get { optimizerConfiguration.learningRate }
    set { optimizerConfiguration.learningRate = newValue }
  }
  let context: DNNLContext
  /// Parameters `[parameterCount]` in `ModelSpec` order, each tensor plain row-major.
  let parameters: UnsafeMutablePointer<Float>
  /// Gradient of the mean loss of the last training step `[parameterCount]`.
  let gradients: UnsafeMutablePointer<Float>
  /// Running means and variances of the batch normalisations `[spec.bufferCount]`.
  let buffers: UnsafeMutablePointer<Float>
  /// Draws dropout masks, shared by every plan.
  let random: RandomSource
  /// Momentum or Adam moment buffers `[parameterCount]`.
  let optimizerState: OptimizerState
  private var trainingPlans: [Int: BatchPlan] = [:]
  private var inferencePlans: [Int: BatchPlan] = [:]

  /// Builds a preset or a model specification string with He-initialised weights.
  ///
  /// - Parameters:
  ///   - model: A name from `presetNames` or a specification string such as
  ///     `conv32k3p1-bn-relu-pool2-dense10` (the grammar is in the README). `"fmnist-cnn"`
  ///     has two 3x3 convolution blocks of 32 and 64 channels. Each block ends with ReLU and
  ///     2x2 max pooling. A dense layer of 128 with ReLU and a dense output layer follow.
  ///   - inputShape: Image shape `[channels, height, width]`.
  ///   - seed: Seed of the weight initialisation and the dropout masks. Equal seeds give equal
  ///     weights.
  /// - Throws: `NetworkError.unknownModel` listing the presets, `.invalidModelSpec` naming the
  ///   token at fault, `.invalidConfiguration`, or `.dnnlFailed` if oneDNN cannot build the
  ///   training primitives.
  public convenience init(
    model: String, inputShape: [Int], classCount: Int, batchSize: Int, seed: UInt64,
    optimizer: SGDConfiguration
  ) throws {
    let spec = try ModelSpec(model: model, inputShape: inputShape, classCount: classCount)
    try self.init(spec: spec, batchSize: batchSize, seed: seed, optimizer: .sgd(optimizer))
  }

  /// Builds a model as the `SGDConfiguration` initialiser does, trained with `optimizer`, for
  /// example `.adam(AdamConfiguration())` or `.adamW()`.
  public convenience init(
    model: String, inputShape: [Int], classCount: Int, batchSize: Int, seed: UInt64,
    optimizer: OptimizerConfiguration
  ) throws {
    let spec = try ModelSpec(model: model, inputShape: inputShape, classCount: classCount)
    try self.init(spec: spec, batchSize: batchSize, seed: seed, optimizer: optimizer)
  }

  convenience init(
    spec: ModelSpec, batchSize: Int, seed: UInt64, optimizer: SGDConfiguration
  ) throws {
    try self.init(spec: spec, batchSize: batchSize, seed: seed, optimizer: .sgd(optimizer))
  }

  init(spec: ModelSpec, batchSize: Int, seed: UInt64, optimizer: OptimizerConfiguration) throws {
    guard batchSize >= 1 else {
      throw NetworkError.invalidConfiguration("batch size \(batchSize) must be at least 1")
    }
    self.spec = spec
    self.batchSize = batchSize
    self.optimizerConfiguration = optimizer
    context = try DNNLContext()
    let count = spec.parameterCount
    parameters = allocateFloats(count)
    gradients = allocateFloats(count)
    optimizerState = OptimizerState(count: count)
    buffers = allocateFloats(spec.bufferCount)
    random = RandomSource(seed: seed ^ 0x5EED_D80F)
    copy(spec.initialParameters(seed: seed), to: parameters)
    copy(spec.initialBuffers(), to: buffers)
    // Build the full-batch plan now so that layout or primitive errors surface here.
    _ = try plan(count: batchSize, training: true)
  }

  deinit {
    // Plans hold oneDNN memory objects that borrow these vectors, so release them first.
    trainingPlans = [:]
    inferencePlans = [:]
    parameters.deallocate()
    gradients.deallocate()
    buffers.deallocate()
  }

  /// One entry per layer, named by its specification token, with a flatten before the first
  /// dense layer.
  public var layers: [LayerSummary] { spec.layerSummaries }

  public var parameterCount: Int { spec.parameterCount }

  /// Runs one optimiser step on `count` images (`count <= batchSize`).
  ///
  /// - Parameters:
  ///   - images: `[count, channels, height, width]` normalised floats.
  ///   - labels: `[count]`, each in `0..<classCount`.
  /// - Returns: The summed (not mean) cross-entropy over the batch and the number of correct
  ///   argmax predictions, both from the forward pass before the update. The update uses the
  ///   gradient of the mean loss. A NaN loss is returned as is, and the caller decides whether to stop.
  public func trainStep(
    images: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Int32>, count: Int
  ) throws -> (lossSum: Double, correct: Int) {
    guard count >= 1, count <= batchSize else {
      throw NetworkError.invalidBatchCount(count: count, maximum: batchSize)
    }
    let labelBase = try validate(images: images, labels: labels, count: count)
    let plan = try plan(count: count, training: true)
    let logits = try forward(plan: plan, images: images, count: count)
    guard let logitGradient = plan.logitGradient else {
      preconditionFailure("training plans have a gradient for the logits")
    }
    let result = softmaxCrossEntropy(
      classes: spec.classCount, batch: count, logits: logits, labels: labelBase,
      probabilities: plan.probabilities, logitGradient: logitGradient)
    try plan.backward(context)
    optimizerState.apply(optimizerConfiguration, parameters: parameters, gradients: gradients)
    return result
  }

  /// Runs the network in inference mode on `count` images, in chunks of at most 1,000.
  ///
  /// - Parameters:
  ///   - images: `[count, channels, height, width]` normalised floats.
  ///   - labels: `[count]`, each in `0..<classCount`.
  ///   - probabilities: Receives the softmax probabilities `[count, classCount]`.
  /// - Returns: The summed cross-entropy over the `count` images.
  public func predict(
    images: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Int32>, count: Int,
    probabilities: UnsafeMutableBufferPointer<Float>
  ) throws -> Double {
    guard count >= 1 else {
      throw NetworkError.invalidBatchCount(count: count, maximum: Int.max)
    }
    let labelBase = try validate(images: images, labels: labels, count: count)
    let classes = spec.classCount
    guard probabilities.count >= count * classes, let output = probabilities.baseAddress else {
      throw NetworkError.bufferTooSmall(
        name: "probabilities", required: count * classes, actual: probabilities.count)
    }
    var lossSum = 0.0
    var start = 0
    while start < count {
      let chunk = min(Network.maximumInferenceBatch, count - start)
      let plan = try plan(count: chunk, training: false)
      let chunkImages = UnsafeBufferPointer(rebasing: images[(start * spec.imageCount)...])
      let logits = try forward(plan: plan, images: chunkImages, count: chunk)
      lossSum +=
        softmaxCrossEntropy(
          classes: classes, batch: chunk, logits: logits, labels: labelBase + start,
          probabilities: output + start * classes, logitGradient: nil
        ).lossSum
      start += chunk
    }
    return lossSum
  }

  /// Checks buffer sizes and label ranges and returns the label base address.
  private func validate(
    images: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Int32>, count: Int
  ) throws -> UnsafePointer<Int32> {
    let required = count * spec.imageCount
    guard images.count >= required, images.baseAddress != nil else {
      throw NetworkError.bufferTooSmall(name: "images", required: required, actual: images.count)
    }
    guard labels.count >= count, let labelBase = labels.baseAddress else {
      throw NetworkError.bufferTooSmall(name: "labels", required: count, actual: labels.count)
    }
    let classCount = spec.classCount
    for index in 0..<count {
      let label = labelBase[index]
      if label < 0 || Int(label) >= classCount {
        throw NetworkError.invalidLabel(index: index, label: label, classCount: classCount)
      }
    }
    return labelBase
  }

  /// Returns the cached plan for `count` images, building it on first use.
  func plan(count: Int, training: Bool) throws -> BatchPlan {
    if let plan = training ? trainingPlans[count] : inferencePlans[count] { return plan }
    var plans = training ? trainingPlans : inferencePlans
    if plans.count >= Network.planCacheLimit {
      plans = plans.filter { $0.key == batchSize }
    }
    let plan = try BatchPlan(
      spec: spec, batchSize: count, training: training,
      storage: NetworkStorage(
        parameters: parameters, gradients: gradients, buffers: buffers, random: random),
      context: context)
    plans[count] = plan
    if training { trainingPlans = plans } else { inferencePlans = plans }
    return plan
  }

  /// Copies `images` into the plan's input, runs every forward step and returns the logits
  /// `[count, classCount]`, which live in `plan` until its next use.
  func forward(
    plan: BatchPlan, images: UnsafeBufferPointer<Float>, count: Int
  ) throws -> UnsafeMutablePointer<Float> {
    precondition(plan.batchSize == count, "plans are built for one exact batch size")
    guard let imageBase = images.baseAddress else {
      throw NetworkError.bufferTooSmall(name: "images", required: count, actual: 0)
    }
    plan.input.floats.update(from: imageBase, count: count * spec.imageCount)
    try plan.forward(context)
    return plan.logits
  }

  /// Copy of the parameters `[parameterCount]` in `ModelSpec` order.
  var parameterVector: [Float] {
    get { Array(UnsafeBufferPointer(start: parameters, count: parameterCount)) }
    set {
      precondition(newValue.count == parameterCount, "parameter vector length mismatch")
      copy(newValue, to: parameters)
    }
  }

  /// Copy of the running statistics `[spec.bufferCount]`.
  var bufferVector: [Float] {
    get { Array(UnsafeBufferPointer(start: buffers, count: spec.bufferCount)) }
    set {
      precondition(newValue.count == spec.bufferCount, "buffer vector length mismatch")
      copy(newValue, to: buffers)
    }
  }

  /// Copy of the gradients of the last training step `[parameterCount]`.
  var gradientVector: [Float] {
    Array(UnsafeBufferPointer(start: gradients, count: parameterCount))
  }
}

/// Copies every element of `values` to `destination`.
private func copy(_ values: [Float], to destination: UnsafeMutablePointer<Float>) {
  values.withUnsafeBufferPointer { source in
    guard let base = source.baseAddress else { return }
    destination.update(from: base, count: source.count)
  }
}
