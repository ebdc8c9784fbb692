import CDNNL

/// The oneDNN part of a network for one batch size: every convolution block, forward and,
/// for training, backward, with reorders only at the edges.
///
/// The caller copies images into `input` (plain NCHW), runs `forward`, reads `features`,
/// and for training writes `featuresGradient` and runs `backward`, which fills the
/// convolution slices of the gradient vector.
final class ConvolutionStack {
  let batchSize: Int
  /// Images `[batch, channels, height, width]`, plain NCHW.
  let input: DNNLMemory
  /// Flattened output of the last block `[batch, channels * height * width]`, plain NCHW.
  let features: DNNLMemory
  /// Gradient of the loss with respect to `features`, `[batch, channels * height * width]`,
  /// or nil for an inference stack.
  let featuresGradient: DNNLMemory?
  private let forwardSteps: [Primitive]
  private let backwardSteps: [Primitive]
  /// Keeps the block objects, and with them every buffer the steps use, alive.
  private let blocks: [ConvBlockForward]
  private let backwardBlocks: [ConvBlockBackward]

  /// - Parameters:
  ///   - parameters: The flat parameter vector, from which convolutions read their weights.
  ///   - gradients: The flat gradient vector that `backward` writes, or nil for inference.
  init(
    spec: ModelSpec, batchSize: Int, parameters: UnsafeMutablePointer<Float>,
    gradients: UnsafeMutablePointer<Float>?, context: DNNLContext
  ) throws {
    guard let firstBlock = spec.convBlocks.first, let lastBlock = spec.convBlocks.last else {
      throw NetworkError.invalidConfiguration("a network needs at least one convolution block")
    }
    self.batchSize = batchSize
    let training = gradients != nil
    input = try DNNLMemory(
      descriptor: try memoryDescriptor4D(
        batchSize, firstBlock.inputChannels, firstBlock.inputShape[1], firstBlock.inputShape[2],
        dnnl_nchw),
      context: context, name: "input images")

    var blocks: [ConvBlockForward] = []
    var forwardSteps: [Primitive] = []
    var blockInput = input
    let slices = spec.convParameterSlices
    for (index, block) in spec.convBlocks.enumerated() {
      let memory = try ConvParameterMemory(
        block: block, slices: slices[index], vector: parameters, context: context,
        name: "conv\(index + 1)")
      let forward = try ConvBlockForward(
        block: block, index: index, batchSize: batchSize, training: training, input: blockInput,
        choosesInputLayout: index == 0, parameters: memory, context: context)
      blocks.append(forward)
      forwardSteps += forward.steps
      blockInput = forward.pooled
    }

    let plainOutput = try memoryDescriptor4D(
      batchSize, lastBlock.outputChannels, lastBlock.pooledHeight, lastBlock.pooledWidth,
      dnnl_nchw)
    let lastPooled = blockInput
    if sameLayout(plainOutput, lastPooled.descriptor) {
      features = lastPooled
    } else {
      features = try DNNLMemory(descriptor: plainOutput, context: context, name: "features")
      forwardSteps.append(
        try Primitive(
          reorderName: "features reorder", from: lastPooled, to: features, context: context))
    }

    var backwardBlocks: [ConvBlockBackward] = []
    var backwardSteps: [Primitive] = []
    if let gradients {
      var inputGradient: DNNLMemory?
      for (index, block) in spec.convBlocks.enumerated() {
        let name = "conv\(index + 1)"
        let backward = try ConvBlockBackward(
          block: block, index: index, forward: blocks[index],
          parameters: try ConvParameterMemory(
            block: block, slices: slices[index], vector: parameters, context: context,
            name: name),
          gradients: try ConvParameterMemory(
            block: block, slices: slices[index], vector: gradients, context: context,
            name: "\(name) gradient"),
          inputGradient: inputGradient, context: context)
        backwardBlocks.append(backward)
        inputGradient = backward.pooledGradient
      }
      // Run from the last block to the first.
      for backward in backwardBlocks.reversed() { backwardSteps += backward.steps }
      guard let lastGradient = backwardBlocks.last?.pooledGradient else {
        throw NetworkError.invalidConfiguration("a network needs at least one convolution block")
      }
      if sameLayout(plainOutput, lastGradient.descriptor) {
        featuresGradient = lastGradient
      } else {
        let plainGradient = try DNNLMemory(
          descriptor: plainOutput, context: context, name: "features gradient")
        backwardSteps.insert(
          try Primitive(
            reorderName: "features gradient reorder", from: plainGradient, to: lastGradient,
            context: context),
          at: 0)
        featuresGradient = plainGradient
      }
    } else {
      featuresGradient = nil
    }
    self.blocks = blocks
    self.backwardBlocks = backwardBlocks
    self.forwardSteps = forwardSteps
    self.backwardSteps = backwardSteps
  }

  func forward(_ context: DNNLContext) throws {
    for step in forwardSteps { try step.execute(context) }
  }

  func backward(_ context: DNNLContext) throws {
    for step in backwardSteps { try step.execute(context) }
  }

  /// `name: implementation` of every primitive in execution order, such as
  /// `conv1 forward: jit:avx`.
  var implementations: [String] {
    (forwardSteps + backwardSteps).map { "\($0.name): \($0.implementation)" }
  }
}
