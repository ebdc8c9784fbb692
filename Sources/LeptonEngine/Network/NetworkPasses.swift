extension Network {
  /// Runs the convolution stack and the dense layers on `count` images and returns the
  /// logits `[count, classCount]`, which live in `plan` until its next use.
  func forward(
    plan: BatchPlan, images: UnsafeBufferPointer<Float>, count: Int
  ) throws -> UnsafeMutablePointer<Float> {
    precondition(plan.batchSize == count, "plans are built for one exact batch size")
    guard let imageBase = images.baseAddress else {
      throw NetworkError.bufferTooSmall(name: "images", required: count, actual: 0)
    }
    plan.stack.input.floats.update(from: imageBase, count: count * spec.imageCount)
    try plan.stack.forward(context)
    try context.wait()

    var input = UnsafePointer(plan.stack.features.floats)
    let slices = denseSlices
    for (index, layer) in spec.denseLayers.enumerated() {
      let output = plan.denseOutputs[index]
      try denseForward(
        layer: layer, batch: count, input: input,
        weights: parameters + slices[index].weights.offset,
        bias: parameters + slices[index].bias.offset, output: output,
        layerIndex: index)
      input = UnsafePointer(output)
    }
    guard let logits = plan.denseOutputs.last else {
      preconditionFailure("a model spec always ends with a dense output layer")
    }
    return logits
  }

  /// Back-propagates the logit gradient already in `plan.denseGradients.last` and fills
  /// `gradients` for every parameter.
  func backward(plan: BatchPlan, count: Int) throws {
    guard let featuresGradient = plan.stack.featuresGradient else {
      preconditionFailure("backward needs a training plan")
    }
    let slices = denseSlices
    for index in spec.denseLayers.indices.reversed() {
      let input =
        index == 0
        ? UnsafePointer(plan.stack.features.floats) : UnsafePointer(plan.denseOutputs[index - 1])
      let inputGradient =
        index == 0 ? featuresGradient.floats : plan.denseGradients[index - 1]
      try denseBackward(
        layer: spec.denseLayers[index], batch: count, input: input,
        weights: parameters + slices[index].weights.offset, output: plan.denseOutputs[index],
        outputGradient: plan.denseGradients[index],
        weightGradient: gradients + slices[index].weights.offset,
        biasGradient: gradients + slices[index].bias.offset, inputGradient: inputGradient,
        layerIndex: index)
    }
    try plan.stack.backward(context)
    try context.wait()
  }

  /// Copy of the parameters `[parameterCount]` in `ModelSpec` order.
  var parameterVector: [Float] {
    get { Array(UnsafeBufferPointer(start: parameters, count: parameterCount)) }
    set {
      precondition(newValue.count == parameterCount, "parameter vector length mismatch")
      newValue.withUnsafeBufferPointer { source in
        guard let base = source.baseAddress else { return }
        parameters.update(from: base, count: parameterCount)
      }
    }
  }

  /// Copy of the gradients of the last training step `[parameterCount]`.
  var gradientVector: [Float] {
    Array(UnsafeBufferPointer(start: gradients, count: parameterCount))
  }
}
