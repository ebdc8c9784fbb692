import CDNNL

/// Returns `layout` memory for weights held in `plain`, with the reorder that fills it, or
/// `plain` itself and no reorder when the layouts already match.
private func weightsMemory(
  plain: DNNLMemory, layout: dnnl_memory_desc_t, name: String, context: DNNLContext
) throws -> (memory: DNNLMemory, reorder: Primitive?) {
  if sameLayout(plain.descriptor, layout) { return (plain, nil) }
  let memory = try DNNLMemory(descriptor: layout, context: context, name: name)
  let reorder = try Primitive(reorderName: name, from: plain, to: memory, context: context)
  return (memory, reorder)
}

/// Plain `[out, in, kh, kw]` weights and `[out]` bias of one convolution, borrowed from a
/// flat parameter or gradient vector.
struct ConvParameterMemory {
  let weights: DNNLMemory
  let bias: DNNLMemory

  init(
    block: ConvBlockSpec, slices: (weights: ParameterSlice, bias: ParameterSlice),
    vector: UnsafeMutablePointer<Float>, context: DNNLContext, name: String
  ) throws {
    let weightsDescriptor = try memoryDescriptor4D(
      block.outputChannels, block.inputChannels, block.kernelSize, block.kernelSize, dnnl_oihw)
    weights = try DNNLMemory(
      descriptor: weightsDescriptor, context: context, name: "\(name) weights",
      borrowing: UnsafeMutableRawPointer(vector + slices.weights.offset))
    bias = try DNNLMemory(
      descriptor: try memoryDescriptor1D(block.outputChannels), context: context,
      name: "\(name) bias", borrowing: UnsafeMutableRawPointer(vector + slices.bias.offset))
  }
}

/// Forward primitives of one block, convolution with fused ReLU then max pooling, for one
/// batch size. oneDNN chooses the activation and weight layouts (`dnnl_format_tag_any`).
final class ConvBlockForward {
  /// Convolution input `[batch, inputChannels, height, width]` in the layout the convolution uses.
  let source: DNNLMemory
  /// ReLU output of the convolution `[batch, outputChannels, height', width']`.
  let activation: DNNLMemory
  /// Pooling output `[batch, outputChannels, height' / pool, width' / pool]`.
  let pooled: DNNLMemory
  /// Max-pooling argmax positions for the backward pass, or nil for inference.
  let workspace: DNNLMemory?
  let convolutionDescriptor: PrimitiveDescriptor
  let poolingDescriptor: PrimitiveDescriptor
  /// Primitives in execution order: input and weight reorders when needed, convolution, pooling.
  let steps: [Primitive]

  /// - Parameters:
  ///   - input: The block's input `[batch, inputChannels, height, width]`.
  ///   - choosesInputLayout: If true, the convolution may pick its own input layout and a
  ///     reorder from `input` is added when it differs. If false, `input` is used as is.
  init(
    block: ConvBlockSpec, index: Int, batchSize: Int, training: Bool, input: DNNLMemory,
    choosesInputLayout: Bool, parameters: ConvParameterMemory, context: DNNLContext
  ) throws {
    let name = "conv\(index + 1)"
    let propagation = training ? dnnl_forward_training : dnnl_forward_inference
    let any = dnnl_format_tag_any
    var sourceDescriptor =
      choosesInputLayout
      ? try memoryDescriptor4D(
        batchSize, block.inputChannels, block.inputShape[1], block.inputShape[2], any)
      : input.descriptor
    var weightsDescriptor = try memoryDescriptor4D(
      block.outputChannels, block.inputChannels, block.kernelSize, block.kernelSize, any)
    var biasDescriptor = parameters.bias.descriptor
    var destinationDescriptor = try memoryDescriptor4D(
      batchSize, block.outputChannels, block.convolutionHeight, block.convolutionWidth, any)
    var convolution = dnnl_convolution_desc_t()
    try checkDNNL(
      lepton_conv_forward_init(
        &convolution, propagation, &sourceDescriptor, &weightsDescriptor, &biasDescriptor,
        &destinationDescriptor, 1, Int64(block.padding)),
      "dnnl_convolution_forward_desc_init (\(name))")
    convolutionDescriptor = try withReLUPostOp(name: name) { attributes in
      try PrimitiveDescriptor(
        name: "\(name) forward", operation: &convolution, attributes: attributes,
        context: context)
    }

    var steps: [Primitive] = []
    let chosenSource = convolutionDescriptor.memoryDescriptor(dnnl_query_src_md)
    if sameLayout(chosenSource, input.descriptor) {
      source = input
    } else {
      source = try DNNLMemory(descriptor: chosenSource, context: context, name: "\(name) source")
      steps.append(
        try Primitive(
          reorderName: "\(name) input reorder", from: input, to: source, context: context))
    }
    let weights = try weightsMemory(
      plain: parameters.weights,
      layout: convolutionDescriptor.memoryDescriptor(dnnl_query_weights_md),
      name: "\(name) weights reorder", context: context)
    if let reorder = weights.reorder { steps.append(reorder) }
    activation = try DNNLMemory(
      descriptor: convolutionDescriptor.memoryDescriptor(dnnl_query_dst_md), context: context,
      name: "\(name) activation")
    steps.append(
      try Primitive(
        descriptor: convolutionDescriptor,
        arguments: [
          (DNNL_ARG_SRC, source), (DNNL_ARG_WEIGHTS, weights.memory),
          (DNNL_ARG_BIAS, parameters.bias), (DNNL_ARG_DST, activation),
        ]))

    var poolSource = activation.descriptor
    var poolDestination = try memoryDescriptor4D(
      batchSize, block.outputChannels, block.pooledHeight, block.pooledWidth, any)
    var pooling = dnnl_pooling_desc_t()
    try checkDNNL(
      lepton_max_pool_forward_init(
        &pooling, propagation, &poolSource, &poolDestination, Int64(block.poolSize)),
      "dnnl_pooling_forward_desc_init (pool\(index + 1))")
    poolingDescriptor = try PrimitiveDescriptor(
      name: "pool\(index + 1) forward", operation: &pooling, context: context)
    pooled = try DNNLMemory(
      descriptor: poolingDescriptor.memoryDescriptor(dnnl_query_dst_md), context: context,
      name: "pool\(index + 1) output")
    var poolArguments: [(Int32, DNNLMemory)] = [(DNNL_ARG_SRC, activation), (DNNL_ARG_DST, pooled)]
    let workspaceDescriptor = poolingDescriptor.memoryDescriptor(dnnl_query_workspace_md)
    if training && workspaceDescriptor.ndims > 0 {
      let workspace = try DNNLMemory(
        descriptor: workspaceDescriptor, context: context, name: "pool\(index + 1) workspace")
      poolArguments.append((DNNL_ARG_WORKSPACE, workspace))
      self.workspace = workspace
    } else {
      workspace = nil
    }
    steps.append(try Primitive(descriptor: poolingDescriptor, arguments: poolArguments))
    self.steps = steps
  }
}

/// Runs `body` with primitive attributes that append a ReLU eltwise post-op.
private func withReLUPostOp<Result>(
  name: String, _ body: (dnnl_primitive_attr_t) throws -> Result
) throws -> Result {
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
  guard let attributes else {
    throw NetworkError.dnnlFailed(operation: "dnnl_primitive_attr_create (\(name))", status: "null")
  }
  return try body(attributes)
}

/// Returns a ReLU backward primitive that masks `gradient` in place where `output`, a ReLU
/// output or a max pooling of one, is not positive.
private func reluBackwardPrimitive(
  name: String, output: DNNLMemory, gradient: DNNLMemory, context: DNNLContext
) throws -> Primitive {
  let relu = dnnl_eltwise_relu_use_dst_for_bwd
  var descriptor = output.descriptor
  var forward = dnnl_eltwise_desc_t()
  try checkDNNL(
    dnnl_eltwise_forward_desc_init(&forward, dnnl_forward_training, relu, &descriptor, 0, 0),
    "dnnl_eltwise_forward_desc_init (\(name))")
  let hint = try PrimitiveDescriptor(
    name: "\(name) forward", operation: &forward, context: context)
  var backward = dnnl_eltwise_desc_t()
  try checkDNNL(
    dnnl_eltwise_backward_desc_init(&backward, relu, &descriptor, &descriptor, 0, 0),
    "dnnl_eltwise_backward_desc_init (\(name))")
  let backwardDescriptor = try PrimitiveDescriptor(
    name: "\(name) backward", operation: &backward, context: context, hint: hint)
  return try Primitive(
    descriptor: backwardDescriptor,
    arguments: [
      (DNNL_ARG_DST, output), (DNNL_ARG_DIFF_DST, gradient), (DNNL_ARG_DIFF_SRC, gradient),
    ])
}

/// Backward primitives of one block: ReLU backward, pooling backward, convolution
/// backward-weights and, except for the first block, backward-data.
///
/// ReLU backward runs on the pooled output, before pooling backward, which is exact and
/// reads a quarter of the data. Max pooling sends each pooled gradient to one window
/// position whose activation equals the pooled value. That activation is positive exactly
/// when the pooled value is, so masking by the pooled value gives the same result as
/// masking every activation after pooling backward.
final class ConvBlockBackward {
  /// Gradient of the loss with respect to the pooled output, in the pooling output layout.
  /// ReLU backward turns it in place into the gradient before the ReLU.
  let pooledGradient: DNNLMemory
  /// Gradient with respect to the convolution output `[batch, outputChannels, height', width']`.
  let activationGradient: DNNLMemory
  /// Primitives in execution order.
  let steps: [Primitive]

  /// - Parameters:
  ///   - inputGradient: Where backward-data writes the gradient with respect to the block's
  ///     input, in the layout of `forward.source`. It is nil for the first block, because
  ///     the image needs no gradient.
  init(
    block: ConvBlockSpec, index: Int, forward: ConvBlockForward, parameters: ConvParameterMemory,
    gradients: ConvParameterMemory, inputGradient: DNNLMemory?, context: DNNLContext
  ) throws {
    let name = "conv\(index + 1)"
    let poolName = "pool\(index + 1)"
    var steps: [Primitive] = []

    pooledGradient = try DNNLMemory(
      descriptor: forward.pooled.descriptor, context: context, name: "\(poolName) gradient")
    activationGradient = try DNNLMemory(
      descriptor: forward.activation.descriptor, context: context, name: "\(name) gradient")
    var activationDescriptor = forward.activation.descriptor
    var pooledDescriptor = forward.pooled.descriptor

    steps.append(
      try reluBackwardPrimitive(
        name: "\(name) relu", output: forward.pooled, gradient: pooledGradient, context: context))

    var pooling = dnnl_pooling_desc_t()
    try checkDNNL(
      lepton_max_pool_backward_init(
        &pooling, &activationDescriptor, &pooledDescriptor, Int64(block.poolSize)),
      "dnnl_pooling_backward_desc_init (\(poolName))")
    let poolingDescriptor = try PrimitiveDescriptor(
      name: "\(poolName) backward", operation: &pooling, context: context,
      hint: forward.poolingDescriptor)
    var poolArguments: [(Int32, DNNLMemory)] = [
      (DNNL_ARG_DIFF_DST, pooledGradient), (DNNL_ARG_DIFF_SRC, activationGradient),
    ]
    if let workspace = forward.workspace { poolArguments.append((DNNL_ARG_WORKSPACE, workspace)) }
    steps.append(try Primitive(descriptor: poolingDescriptor, arguments: poolArguments))

    let any = dnnl_format_tag_any
    var sourceDescriptor = forward.source.descriptor
    var weightsDescriptor = try memoryDescriptor4D(
      block.outputChannels, block.inputChannels, block.kernelSize, block.kernelSize, any)
    var biasDescriptor = gradients.bias.descriptor
    var weightsBackward = dnnl_convolution_desc_t()
    try checkDNNL(
      lepton_conv_backward_weights_init(
        &weightsBackward, &sourceDescriptor, &weightsDescriptor, &biasDescriptor,
        &activationDescriptor, 1, Int64(block.padding)),
      "dnnl_convolution_backward_weights_desc_init (\(name))")
    let weightsBackwardDescriptor = try PrimitiveDescriptor(
      name: "\(name) backward weights", operation: &weightsBackward, context: context,
      hint: forward.convolutionDescriptor)
    let weightGradientLayout = weightsBackwardDescriptor.memoryDescriptor(
      dnnl_query_diff_weights_md)
    let weightGradient: DNNLMemory
    var gradientReorder: Primitive?
    if sameLayout(weightGradientLayout, gradients.weights.descriptor) {
      weightGradient = gradients.weights
    } else {
      weightGradient = try DNNLMemory(
        descriptor: weightGradientLayout, context: context, name: "\(name) weight gradient")
      gradientReorder = try Primitive(
        reorderName: "\(name) weight gradient reorder", from: weightGradient,
        to: gradients.weights, context: context)
    }
    steps.append(
      try Primitive(
        descriptor: weightsBackwardDescriptor,
        arguments: [
          (DNNL_ARG_SRC, forward.source), (DNNL_ARG_DIFF_DST, activationGradient),
          (DNNL_ARG_DIFF_WEIGHTS, weightGradient), (DNNL_ARG_DIFF_BIAS, gradients.bias),
        ]))
    if let gradientReorder { steps.append(gradientReorder) }

    if let inputGradient {
      var inputGradientDescriptor = inputGradient.descriptor
      var dataBackward = dnnl_convolution_desc_t()
      try checkDNNL(
        lepton_conv_backward_data_init(
          &dataBackward, &inputGradientDescriptor, &weightsDescriptor, &activationDescriptor, 1,
          Int64(block.padding)),
        "dnnl_convolution_backward_data_desc_init (\(name))")
      let dataBackwardDescriptor = try PrimitiveDescriptor(
        name: "\(name) backward data", operation: &dataBackward, context: context,
        hint: forward.convolutionDescriptor)
      let weights = try weightsMemory(
        plain: parameters.weights,
        layout: dataBackwardDescriptor.memoryDescriptor(dnnl_query_weights_md),
        name: "\(name) backward weights reorder", context: context)
      if let reorder = weights.reorder { steps.append(reorder) }
      steps.append(
        try Primitive(
          descriptor: dataBackwardDescriptor,
          arguments: [
            (DNNL_ARG_DIFF_DST, activationGradient), (DNNL_ARG_WEIGHTS, weights.memory),
            (DNNL_ARG_DIFF_SRC, inputGradient),
          ]))
    }
    self.steps = steps
  }
}
