import CDNNL

/// The forward and backward steps of one layer and the memory holding its output.
struct BuiltLayer {
  var output: DNNLMemory
  var forward: [PlanStep] = []
  var backward: [PlanStep] = []
  var dropoutMask: UnsafeMutableBufferPointer<Float>?
}

/// Builds the oneDNN primitives and host steps of each layer of one `BatchPlan`.
///
/// Activations keep the layout oneDNN picks for the first convolution until a flatten
/// reorders them to plain NCHW. Gradients share the layout of the values they belong to.
final class LayerBuilder {
  /// Momentum of the running statistics, as PyTorch's `BatchNorm2d(momentum=0.1)`.
  static let batchNormMomentum: Float = 0.1
  static let batchNormEpsilon: Float = 1e-5

  let spec: ModelSpec
  let batchSize: Int
  let training: Bool
  let storage: NetworkStorage
  let context: DNNLContext
  private(set) var ownedBuffers: [UnsafeMutableBufferPointer<Float>] = []
  /// Gradient memory by value index. Aliased values map to the index that owns the memory.
  private var gradientMemories: [Int: DNNLMemory] = [:]
  private var aliases: [Int: Int] = [:]
  private var values: [Int: DNNLMemory] = [:]

  init(
    spec: ModelSpec, batchSize: Int, training: Bool, storage: NetworkStorage,
    context: DNNLContext
  ) {
    self.spec = spec
    self.batchSize = batchSize
    self.training = training
    self.storage = storage
    self.context = context
  }

  /// Returns the gradient memories for values `0..<count`, nil where no layer needs one.
  func gradients(count: Int) -> [DNNLMemory?] {
    (0..<count).map { gradientMemories[aliases[$0] ?? $0] }
  }

  /// Returns the gradient memory of value `index`, creating it in the value's layout.
  private func gradient(_ index: Int) throws -> DNNLMemory {
    let owner = aliases[index] ?? index
    if let memory = gradientMemories[owner] { return memory }
    guard let value = values[owner] else {
      preconditionFailure("value \(index) has no memory yet")
    }
    let memory = try DNNLMemory(
      descriptor: value.descriptor, context: context, name: "value \(owner) gradient")
    gradientMemories[owner] = memory
    return memory
  }

  private func hostBuffer(_ count: Int) -> UnsafeMutableBufferPointer<Float> {
    let buffer = UnsafeMutableBufferPointer(start: allocateFloats(count), count: max(count, 1))
    ownedBuffers.append(buffer)
    return buffer
  }

  /// Builds layer `index`, whose input is value `index` and whose output is value `index + 1`.
  func build(
    layer: ResolvedLayer, index: Int, input: DNNLMemory, needsInputGradient: Bool
  ) throws -> BuiltLayer {
    values[index] = input
    let name = "\(layer.kind.token) (layer \(index + 1))"
    var built: BuiltLayer
    switch layer.kind {
    case .convolution(_, let kernel, let stride, let padding):
      built = try convolution(
        layer, name: name, index: index, input: input, kernel: kernel, stride: stride,
        padding: padding, needsInputGradient: needsInputGradient)
    case .batchNorm:
      built = try batchNorm(layer, name: name, index: index, input: input)
    case .relu:
      if layer.isFusedAway {
        aliases[index + 1] = aliases[index] ?? index
        built = BuiltLayer(output: input)
      } else {
        built = try relu(
          name: name, index: index, input: input, needsInputGradient: needsInputGradient)
      }
    case .maxPool(let kernel, let stride):
      built = try pooling(
        layer, name: name, index: index, input: input, algorithm: dnnl_pooling_max,
        kernel: (kernel, kernel), stride: stride, needsInputGradient: needsInputGradient)
    case .averagePool(let kernel, let stride):
      built = try pooling(
        layer, name: name, index: index, input: input, algorithm: dnnl_pooling_avg_exclude_padding,
        kernel: (kernel, kernel), stride: stride, needsInputGradient: needsInputGradient)
    case .globalAveragePool:
      built = try pooling(
        layer, name: name, index: index, input: input, algorithm: dnnl_pooling_avg_exclude_padding,
        kernel: (layer.inputShape[1], layer.inputShape[2]), stride: 1,
        needsInputGradient: needsInputGradient)
    case .flatten:
      built = try flatten(
        layer, name: name, index: index, input: input, needsInputGradient: needsInputGradient)
    case .dense(let units):
      built = try dense(
        layer, name: name, index: index, input: input, units: units,
        needsInputGradient: needsInputGradient)
    case .dropout(let rate):
      if training && rate > 0 {
        built = try dropout(
          name: name, index: index, input: input, rate: Float(rate),
          needsInputGradient: needsInputGradient)
      } else {
        aliases[index + 1] = aliases[index] ?? index
        built = BuiltLayer(output: input)
      }
    }
    values[index + 1] = built.output
    if !training { built.backward = [] }
    return built
  }

  // MARK: - Convolution

  private func convolution(
    _ layer: ResolvedLayer, name: String, index: Int, input: DNNLMemory, kernel: Int, stride: Int,
    padding: Int, needsInputGradient: Bool
  ) throws -> BuiltLayer {
    guard let weightSlice = layer.weights, let biasSlice = layer.bias else {
      preconditionFailure("a convolution has weights and a bias")
    }
    let inShape = layer.inputShape
    let outShape = layer.outputShape
    let any = dnnl_format_tag_any
    let propagation = training ? dnnl_forward_training : dnnl_forward_inference
    var sourceDescriptor = try memoryDescriptor4D(
      batchSize, inShape[0], inShape[1], inShape[2], any)
    var weightsDescriptor = try memoryDescriptor4D(outShape[0], inShape[0], kernel, kernel, any)
    var biasDescriptor = try memoryDescriptor1D(outShape[0])
    var destinationDescriptor = try memoryDescriptor4D(
      batchSize, outShape[0], outShape[1], outShape[2], any)
    var operation = dnnl_convolution_desc_t()
    try checkDNNL(
      lepton_conv_forward_init(
        &operation, propagation, &sourceDescriptor, &weightsDescriptor, &biasDescriptor,
        &destinationDescriptor, Int64(stride), Int64(padding)),
      "dnnl_convolution_forward_desc_init (\(name))")
    let forwardDescriptor = try withPostOps(name: name, relu: layer.fusesReLU) { attributes in
      try PrimitiveDescriptor(
        name: "\(name) forward", operation: &operation, attributes: attributes, context: context)
    }

    let plainWeights = try DNNLMemory(
      descriptor: try memoryDescriptor4D(outShape[0], inShape[0], kernel, kernel, dnnl_oihw),
      context: context, name: "\(name) weights",
      borrowing: UnsafeMutableRawPointer(storage.parameters + weightSlice.offset))
    let bias = try DNNLMemory(
      descriptor: biasDescriptor, context: context, name: "\(name) bias",
      borrowing: UnsafeMutableRawPointer(storage.parameters + biasSlice.offset))

    var built = BuiltLayer(
      output: try DNNLMemory(
        descriptor: forwardDescriptor.memoryDescriptor(dnnl_query_dst_md), context: context,
        name: "\(name) output"))
    values[index + 1] = built.output
    let source = try adapt(
      input, to: forwardDescriptor.memoryDescriptor(dnnl_query_src_md), name: name,
      steps: &built.forward)
    let weights = try reordered(
      plainWeights, to: forwardDescriptor.memoryDescriptor(dnnl_query_weights_md),
      name: "\(name) weights", steps: &built.forward)
    built.forward.append(
      try Primitive(
        descriptor: forwardDescriptor,
        arguments: [
          (DNNL_ARG_SRC, source), (DNNL_ARG_WEIGHTS, weights), (DNNL_ARG_BIAS, bias),
          (DNNL_ARG_DST, built.output),
        ]))
    guard training else { return built }

    let outputGradient = try gradient(index + 1)
    if layer.fusesReLU && !reluDeferredToPooling(afterConvolution: index) {
      built.backward.append(
        try reluBackward(
          name: "\(name) relu", output: built.output, outputGradient: outputGradient,
          inputGradient: outputGradient))
    }
    // The backward primitives pick their own layouts, because the forward ones can lack a
    // fast backward kernel: with 6 input channels, the forward source is plain NCHW and
    // oneDNN 2.6 has only its reference backward code for that layout.
    var anySource = try memoryDescriptor4D(batchSize, inShape[0], inShape[1], inShape[2], any)
    var anyOutputGradient = try memoryDescriptor4D(
      batchSize, outShape[0], outShape[1], outShape[2], any)
    var weightsBackward = dnnl_convolution_desc_t()
    var gradientBiasDescriptor = bias.descriptor
    try checkDNNL(
      lepton_conv_backward_weights_init(
        &weightsBackward, &anySource, &weightsDescriptor, &gradientBiasDescriptor,
        &anyOutputGradient, Int64(stride), Int64(padding)),
      "dnnl_convolution_backward_weights_desc_init (\(name))")
    let weightsBackwardDescriptor = try PrimitiveDescriptor(
      name: "\(name) backward weights", operation: &weightsBackward, context: context,
      hint: forwardDescriptor)
    let weightsBackwardSource = try reordered(
      source, to: weightsBackwardDescriptor.memoryDescriptor(dnnl_query_src_md),
      name: "\(name) backward source", steps: &built.backward)
    let weightsBackwardGradient = try reordered(
      outputGradient, to: weightsBackwardDescriptor.memoryDescriptor(dnnl_query_diff_dst_md),
      name: "\(name) output gradient", steps: &built.backward)
    let plainWeightGradient = try DNNLMemory(
      descriptor: plainWeights.descriptor, context: context, name: "\(name) weight gradient",
      borrowing: UnsafeMutableRawPointer(storage.gradients + weightSlice.offset))
    let biasGradient = try DNNLMemory(
      descriptor: bias.descriptor, context: context, name: "\(name) bias gradient",
      borrowing: UnsafeMutableRawPointer(storage.gradients + biasSlice.offset))
    let weightGradient = try written(
      plainWeightGradient,
      from: weightsBackwardDescriptor.memoryDescriptor(dnnl_query_diff_weights_md),
      name: "\(name) weight gradient")
    built.backward.append(
      try Primitive(
        descriptor: weightsBackwardDescriptor,
        arguments: [
          (DNNL_ARG_SRC, weightsBackwardSource), (DNNL_ARG_DIFF_DST, weightsBackwardGradient),
          (DNNL_ARG_DIFF_WEIGHTS, weightGradient.memory), (DNNL_ARG_DIFF_BIAS, biasGradient),
        ]))
    if let reorder = weightGradient.reorder { built.backward.append(reorder) }
    guard needsInputGradient else { return built }

    var anyInputGradient = try memoryDescriptor4D(
      batchSize, inShape[0], inShape[1], inShape[2], any)
    var dataBackward = dnnl_convolution_desc_t()
    try checkDNNL(
      lepton_conv_backward_data_init(
        &dataBackward, &anyInputGradient, &weightsDescriptor, &anyOutputGradient,
        Int64(stride), Int64(padding)),
      "dnnl_convolution_backward_data_desc_init (\(name))")
    let dataBackwardDescriptor = try PrimitiveDescriptor(
      name: "\(name) backward data", operation: &dataBackward, context: context,
      hint: forwardDescriptor)
    let dataGradientLayout = dataBackwardDescriptor.memoryDescriptor(dnnl_query_diff_dst_md)
    let dataBackwardGradient =
      sameLayout(dataGradientLayout, weightsBackwardGradient.descriptor)
      ? weightsBackwardGradient
      : try reordered(
        outputGradient, to: dataGradientLayout, name: "\(name) data output gradient",
        steps: &built.backward)
    let backwardWeights = try reordered(
      plainWeights, to: dataBackwardDescriptor.memoryDescriptor(dnnl_query_weights_md),
      name: "\(name) backward weights", steps: &built.backward)
    let inputGradient = try written(
      try gradient(index), from: dataBackwardDescriptor.memoryDescriptor(dnnl_query_diff_src_md),
      name: "\(name) input gradient")
    built.backward.append(
      try Primitive(
        descriptor: dataBackwardDescriptor,
        arguments: [
          (DNNL_ARG_DIFF_DST, dataBackwardGradient), (DNNL_ARG_WEIGHTS, backwardWeights),
          (DNNL_ARG_DIFF_SRC, inputGradient.memory),
        ]))
    if let reorder = inputGradient.reorder { built.backward.append(reorder) }
    return built
  }

  /// Returns whether the ReLU fused into convolution `index` is undone by the max pooling right
  /// after it instead.
  ///
  /// Max pooling sends each output gradient to one window position whose activation equals
  /// the pooled value. That activation is positive exactly when the pooled value is, so
  /// masking the pooled gradient by the pooled value gives the same result as masking the
  /// convolution's gradient, and reads a fraction of the data.
  private func reluDeferredToPooling(afterConvolution index: Int) -> Bool {
    let layers = spec.layers
    guard index + 2 < layers.count, layers[index].fusesReLU,
      layers[index + 1].isFusedAway, case .maxPool = layers[index + 2].kind
    else { return false }
    return true
  }

  // MARK: - Batch normalisation

  private func batchNorm(
    _ layer: ResolvedLayer, name: String, index: Int, input: DNNLMemory
  ) throws -> BuiltLayer {
    guard let scaleSlice = layer.weights, let statistics = layer.runningStatistics else {
      preconditionFailure("a batch normalisation has a scale, a shift and running statistics")
    }
    let channels = layer.channels
    let useScaleShift = dnnl_use_scaleshift.rawValue
    let flags = training ? useScaleShift : useScaleShift | dnnl_use_global_stats.rawValue
    var dataDescriptor = input.descriptor
    var operation = dnnl_batch_normalization_desc_t()
    try checkDNNL(
      dnnl_batch_normalization_forward_desc_init(
        &operation, training ? dnnl_forward_training : dnnl_forward_inference, &dataDescriptor,
        LayerBuilder.batchNormEpsilon, flags),
      "dnnl_batch_normalization_forward_desc_init (\(name))")
    let forwardDescriptor = try PrimitiveDescriptor(
      name: "\(name) forward", operation: &operation, context: context)
    let scaleShiftDescriptor = try memoryDescriptor2D(2, channels)
    let scaleShift = try DNNLMemory(
      descriptor: scaleShiftDescriptor, context: context, name: "\(name) scale and shift",
      borrowing: UnsafeMutableRawPointer(storage.parameters + scaleSlice.offset))
    let runningMean = storage.buffers + statistics.offset
    let runningVariance = runningMean + channels
    let statisticsDescriptor = try memoryDescriptor1D(channels)
    let mean: DNNLMemory
    let variance: DNNLMemory
    if training {
      mean = try DNNLMemory(
        descriptor: statisticsDescriptor, context: context, name: "\(name) batch mean")
      variance = try DNNLMemory(
        descriptor: statisticsDescriptor, context: context, name: "\(name) batch variance")
    } else {
      mean = try DNNLMemory(
        descriptor: statisticsDescriptor, context: context, name: "\(name) running mean",
        borrowing: UnsafeMutableRawPointer(runningMean))
      variance = try DNNLMemory(
        descriptor: statisticsDescriptor, context: context, name: "\(name) running variance",
        borrowing: UnsafeMutableRawPointer(runningVariance))
    }
    var built = BuiltLayer(
      output: try DNNLMemory(
        descriptor: forwardDescriptor.memoryDescriptor(dnnl_query_dst_md), context: context,
        name: "\(name) output"))
    values[index + 1] = built.output
    built.forward.append(
      try Primitive(
        descriptor: forwardDescriptor,
        arguments: [
          (DNNL_ARG_SRC, input), (DNNL_ARG_MEAN, mean), (DNNL_ARG_VARIANCE, variance),
          (DNNL_ARG_SCALE_SHIFT, scaleShift), (DNNL_ARG_DST, built.output),
        ]))
    guard training else { return built }

    // Running statistics follow PyTorch: the variance is the unbiased batch variance.
    let perChannel = layer.inputCount / channels * batchSize
    let unbiased = perChannel > 1 ? Float(perChannel) / Float(perChannel - 1) : 1
    let momentum = LayerBuilder.batchNormMomentum
    let batchMean = mean.floats
    let batchVariance = variance.floats
    built.forward.append(
      HostStep("\(name) running statistics") {
        for channel in 0..<channels {
          runningMean[channel] += momentum * (batchMean[channel] - runningMean[channel])
          runningVariance[channel] +=
            momentum * (batchVariance[channel] * unbiased - runningVariance[channel])
        }
      })

    let outputGradient = try gradient(index + 1)
    // oneDNN always writes the input gradient, so the first layer gets a scratch one.
    let inputGradient =
      index > 0
      ? try gradient(index)
      : try DNNLMemory(descriptor: input.descriptor, context: context, name: "\(name) scratch")
    var gradientDescriptor = outputGradient.descriptor
    var backward = dnnl_batch_normalization_desc_t()
    try checkDNNL(
      dnnl_batch_normalization_backward_desc_init(
        &backward, dnnl_backward, &gradientDescriptor, &dataDescriptor,
        LayerBuilder.batchNormEpsilon, useScaleShift),
      "dnnl_batch_normalization_backward_desc_init (\(name))")
    let backwardDescriptor = try PrimitiveDescriptor(
      name: "\(name) backward", operation: &backward, context: context, hint: forwardDescriptor)
    let scaleShiftGradient = try DNNLMemory(
      descriptor: scaleShiftDescriptor, context: context, name: "\(name) scale and shift gradient",
      borrowing: UnsafeMutableRawPointer(storage.gradients + scaleSlice.offset))
    built.backward.append(
      try Primitive(
        descriptor: backwardDescriptor,
        arguments: [
          (DNNL_ARG_SRC, input), (DNNL_ARG_MEAN, mean), (DNNL_ARG_VARIANCE, variance),
          (DNNL_ARG_DIFF_DST, outputGradient), (DNNL_ARG_SCALE_SHIFT, scaleShift),
          (DNNL_ARG_DIFF_SRC, inputGradient), (DNNL_ARG_DIFF_SCALE_SHIFT, scaleShiftGradient),
        ]))
    return built
  }

  // MARK: - ReLU, pooling, flatten

  private func relu(
    name: String, index: Int, input: DNNLMemory, needsInputGradient: Bool
  ) throws -> BuiltLayer {
    let algorithm = dnnl_eltwise_relu_use_dst_for_bwd
    var descriptor = input.descriptor
    var operation = dnnl_eltwise_desc_t()
    try checkDNNL(
      dnnl_eltwise_forward_desc_init(
        &operation, training ? dnnl_forward_training : dnnl_forward_inference, algorithm,
        &descriptor, 0, 0),
      "dnnl_eltwise_forward_desc_init (\(name))")
    let forwardDescriptor = try PrimitiveDescriptor(
      name: "\(name) forward", operation: &operation, context: context)
    var built = BuiltLayer(
      output: try DNNLMemory(descriptor: input.descriptor, context: context, name: "\(name) output")
    )
    values[index + 1] = built.output
    built.forward.append(
      try Primitive(
        descriptor: forwardDescriptor,
        arguments: [(DNNL_ARG_SRC, input), (DNNL_ARG_DST, built.output)]))
    guard training, needsInputGradient else { return built }
    built.backward.append(
      try reluBackward(
        name: name, output: built.output, outputGradient: try gradient(index + 1),
        inputGradient: try gradient(index)))
    return built
  }

  /// Returns a primitive that writes `outputGradient` masked where `output`, a ReLU output
  /// or a max pooling of one, is not positive, to `inputGradient` (which may be the same).
  private func reluBackward(
    name: String, output: DNNLMemory, outputGradient: DNNLMemory, inputGradient: DNNLMemory
  ) throws -> Primitive {
    let algorithm = dnnl_eltwise_relu_use_dst_for_bwd
    var descriptor = output.descriptor
    var forward = dnnl_eltwise_desc_t()
    try checkDNNL(
      dnnl_eltwise_forward_desc_init(&forward, dnnl_forward_training, algorithm, &descriptor, 0, 0),
      "dnnl_eltwise_forward_desc_init (\(name))")
    let hint = try PrimitiveDescriptor(
      name: "\(name) forward", operation: &forward, context: context)
    var gradientDescriptor = outputGradient.descriptor
    var backward = dnnl_eltwise_desc_t()
    try checkDNNL(
      dnnl_eltwise_backward_desc_init(
        &backward, algorithm, &gradientDescriptor, &descriptor, 0, 0),
      "dnnl_eltwise_backward_desc_init (\(name))")
    let backwardDescriptor = try PrimitiveDescriptor(
      name: "\(name) backward", operation: &backward, context: context, hint: hint)
    return try Primitive(
      descriptor: backwardDescriptor,
      arguments: [
        (DNNL_ARG_DST, output), (DNNL_ARG_DIFF_DST, outputGradient),
        (DNNL_ARG_DIFF_SRC, inputGradient),
      ])
  }

  private func pooling(
    _ layer: ResolvedLayer, name: String, index: Int, input: DNNLMemory,
    algorithm: dnnl_alg_kind_t, kernel: (Int, Int), stride: Int, needsInputGradient: Bool
  ) throws -> BuiltLayer {
    let outShape = layer.outputShape
    var sourceDescriptor = input.descriptor
    var destinationDescriptor = try memoryDescriptor4D(
      batchSize, outShape[0], outShape[1], outShape[2], dnnl_format_tag_any)
    var operation = dnnl_pooling_desc_t()
    try checkDNNL(
      lepton_pool_forward_init(
        &operation, training ? dnnl_forward_training : dnnl_forward_inference, algorithm,
        &sourceDescriptor, &destinationDescriptor, Int64(kernel.0), Int64(kernel.1),
        Int64(stride)),
      "dnnl_pooling_forward_desc_init (\(name))")
    let forwardDescriptor = try PrimitiveDescriptor(
      name: "\(name) forward", operation: &operation, context: context)
    var built = BuiltLayer(
      output: try DNNLMemory(
        descriptor: forwardDescriptor.memoryDescriptor(dnnl_query_dst_md), context: context,
        name: "\(name) output"))
    values[index + 1] = built.output
    var arguments: [(Int32, DNNLMemory)] = [(DNNL_ARG_SRC, input), (DNNL_ARG_DST, built.output)]
    let workspaceDescriptor = forwardDescriptor.memoryDescriptor(dnnl_query_workspace_md)
    var workspace: DNNLMemory?
    if training && workspaceDescriptor.ndims > 0 {
      let memory = try DNNLMemory(
        descriptor: workspaceDescriptor, context: context, name: "\(name) workspace")
      arguments.append((DNNL_ARG_WORKSPACE, memory))
      workspace = memory
    }
    built.forward.append(try Primitive(descriptor: forwardDescriptor, arguments: arguments))
    let convolutionReLU = index >= 2 && reluDeferredToPooling(afterConvolution: index - 2)
    guard training, needsInputGradient || convolutionReLU else { return built }

    let outputGradient = try gradient(index + 1)
    if convolutionReLU {
      built.backward.append(
        try reluBackward(
          name: "\(name) relu", output: built.output, outputGradient: outputGradient,
          inputGradient: outputGradient))
    }
    var inputGradientDescriptor = input.descriptor
    var outputGradientDescriptor = outputGradient.descriptor
    var backward = dnnl_pooling_desc_t()
    try checkDNNL(
      lepton_pool_backward_init(
        &backward, algorithm, &inputGradientDescriptor, &outputGradientDescriptor,
        Int64(kernel.0), Int64(kernel.1), Int64(stride)),
      "dnnl_pooling_backward_desc_init (\(name))")
    let backwardDescriptor = try PrimitiveDescriptor(
      name: "\(name) backward", operation: &backward, context: context, hint: forwardDescriptor)
    var backwardArguments: [(Int32, DNNLMemory)] = [
      (DNNL_ARG_DIFF_DST, outputGradient), (DNNL_ARG_DIFF_SRC, try gradient(index)),
    ]
    if let workspace { backwardArguments.append((DNNL_ARG_WORKSPACE, workspace)) }
    built.backward.append(
      try Primitive(descriptor: backwardDescriptor, arguments: backwardArguments))
    return built
  }

  private func flatten(
    _ layer: ResolvedLayer, name: String, index: Int, input: DNNLMemory, needsInputGradient: Bool
  ) throws -> BuiltLayer {
    let shape = layer.inputShape
    let plain4D = try memoryDescriptor4D(batchSize, shape[0], shape[1], shape[2], dnnl_nchw)
    let flat = try memoryDescriptor2D(batchSize, layer.outputCount)
    var built = BuiltLayer(
      output: try DNNLMemory(descriptor: flat, context: context, name: "\(name) output"))
    values[index + 1] = built.output
    let outputAs4D = try DNNLMemory(
      descriptor: plain4D, context: context, name: "\(name) output",
      borrowing: built.output.storage)
    built.forward.append(
      try Primitive(reorderName: "\(name) reorder", from: input, to: outputAs4D, context: context))
    guard training, needsInputGradient else { return built }
    let outputGradient = try gradient(index + 1)
    let outputGradientAs4D = try DNNLMemory(
      descriptor: plain4D, context: context, name: "\(name) gradient",
      borrowing: outputGradient.storage)
    built.backward.append(
      try Primitive(
        reorderName: "\(name) gradient reorder", from: outputGradientAs4D,
        to: try gradient(index), context: context))
    return built
  }

  // MARK: - Dense and dropout (host code)

  private func dense(
    _ layer: ResolvedLayer, name: String, index: Int, input: DNNLMemory, units: Int,
    needsInputGradient: Bool
  ) throws -> BuiltLayer {
    guard let weightSlice = layer.weights, let biasSlice = layer.bias else {
      preconditionFailure("a dense layer has weights and a bias")
    }
    let shape = DenseShape(
      inputs: layer.inputCount, outputs: units, appliesReLU: layer.fusesReLU, name: name)
    let built = BuiltLayer(
      output: try DNNLMemory(
        descriptor: try memoryDescriptor2D(batchSize, units), context: context,
        name: "\(name) output"))
    values[index + 1] = built.output
    let batch = batchSize
    let parameters = storage.parameters
    let source = UnsafePointer(input.floats)
    let output = built.output.floats
    var result = built
    result.forward.append(
      HostStep("\(name) forward") {
        try denseForward(
          shape, batch: batch, input: source, weights: parameters + weightSlice.offset,
          bias: parameters + biasSlice.offset, output: output)
      })
    guard training else { return result }
    let gradients = storage.gradients
    let outputGradient = try gradient(index + 1).floats
    let inputGradient = needsInputGradient ? try gradient(index).floats : nil
    result.backward.append(
      HostStep("\(name) backward") {
        try denseBackward(
          shape, batch: batch, input: source, weights: parameters + weightSlice.offset,
          output: output, outputGradient: outputGradient,
          weightGradient: gradients + weightSlice.offset,
          biasGradient: gradients + biasSlice.offset, inputGradient: inputGradient)
      })
    return result
  }

  private func dropout(
    name: String, index: Int, input: DNNLMemory, rate: Float, needsInputGradient: Bool
  ) throws -> BuiltLayer {
    var built = BuiltLayer(
      output: try DNNLMemory(descriptor: input.descriptor, context: context, name: "\(name) output")
    )
    values[index + 1] = built.output
    // Padding of a blocked layout is included: it holds zeros, which stay zero.
    let count = input.byteCount / MemoryLayout<Float>.stride
    let mask = hostBuffer(count)
    built.dropoutMask = mask
    let source = input.floats
    let output = built.output.floats
    let random = storage.random
    let keptScale = 1 / (1 - rate)
    built.forward.append(
      HostStep("\(name) forward") {
        for position in 0..<count {
          let scale: Float = random.nextUnit() < rate ? 0 : keptScale
          mask[position] = scale
          output[position] = source[position] * scale
        }
      })
    guard needsInputGradient else { return built }
    let outputGradient = try gradient(index + 1).floats
    let inputGradient = try gradient(index).floats
    built.backward.append(
      HostStep("\(name) backward") {
        for position in 0..<count {
          inputGradient[position] = outputGradient[position] * mask[position]
        }
      })
    return built
  }

  // MARK: - Layout helpers

  /// Returns `memory` if it already has `layout`, else new memory in `layout` and a reorder
  /// step that fills it.
  private func reordered(
    _ memory: DNNLMemory, to layout: dnnl_memory_desc_t, name: String, steps: inout [PlanStep]
  ) throws -> DNNLMemory {
    if sameLayout(memory.descriptor, layout) { return memory }
    let target = try DNNLMemory(descriptor: layout, context: context, name: name)
    steps.append(
      try Primitive(reorderName: "\(name) reorder", from: memory, to: target, context: context))
    return target
  }

  /// Returns memory in `layout` for a primitive to write, and the reorder that copies it to
  /// `target` afterwards, or `target` itself and no reorder when the layouts match.
  private func written(
    _ target: DNNLMemory, from layout: dnnl_memory_desc_t, name: String
  ) throws -> (memory: DNNLMemory, reorder: Primitive?) {
    if sameLayout(target.descriptor, layout) { return (target, nil) }
    let memory = try DNNLMemory(descriptor: layout, context: context, name: name)
    let reorder = try Primitive(
      reorderName: "\(name) reorder", from: memory, to: target, context: context)
    return (memory, reorder)
  }

  /// Returns the input in the layout a primitive chose, reordering it when it differs.
  private func adapt(
    _ input: DNNLMemory, to layout: dnnl_memory_desc_t, name: String, steps: inout [PlanStep]
  ) throws -> DNNLMemory {
    try reordered(input, to: layout, name: "\(name) input", steps: &steps)
  }
}

/// Runs `body` with primitive attributes that append a ReLU post-op when `relu` is true.
private func withPostOps<Result>(
  name: String, relu: Bool, _ body: (dnnl_primitive_attr_t?) throws -> Result
) throws -> Result {
  guard relu else { return try body(nil) }
  var attributes: dnnl_primitive_attr_t?
  try checkDNNL(dnnl_primitive_attr_create(&attributes), "dnnl_primitive_attr_create (\(name))")
  defer { dnnl_primitive_attr_destroy(attributes) }
  var postOps: dnnl_post_ops_t?
  try checkDNNL(dnnl_post_ops_create(&postOps), "dnnl_post_ops_create (\(name))")
  defer { dnnl_post_ops_destroy(postOps) }
  try checkDNNL(
    dnnl_post_ops_append_eltwise(postOps, 1, dnnl_eltwise_relu, 0, 0),
    "dnnl_post_ops_append_eltwise (\(name))")
  try checkDNNL(
    dnnl_primitive_attr_set_post_ops(attributes, postOps),
    "dnnl_primitive_attr_set_post_ops (\(name))")
  return try body(attributes)
}
