/// Everything a step needs for one batch size: the oneDNN stack and the dense-layer buffers,
/// allocated once and reused by every step of that size.
final class BatchPlan {
  let batchSize: Int
  let stack: ConvolutionStack
  /// Output of each dense layer `[batch, layer.outputs]`. The last one contains the logits.
  let denseOutputs: [UnsafeMutablePointer<Float>]
  /// Gradient with respect to each dense output `[batch, layer.outputs]`, empty for inference.
  let denseGradients: [UnsafeMutablePointer<Float>]
  /// Softmax probabilities `[batch, classCount]`.
  let probabilities: UnsafeMutablePointer<Float>

  init(
    spec: ModelSpec, batchSize: Int, parameters: UnsafeMutablePointer<Float>,
    gradients: UnsafeMutablePointer<Float>?, context: DNNLContext
  ) throws {
    self.batchSize = batchSize
    stack = try ConvolutionStack(
      spec: spec, batchSize: batchSize, parameters: parameters, gradients: gradients,
      context: context)
    denseOutputs = spec.denseLayers.map { allocateFloats(batchSize * $0.outputs) }
    denseGradients =
      gradients == nil ? [] : spec.denseLayers.map { allocateFloats(batchSize * $0.outputs) }
    probabilities = allocateFloats(batchSize * spec.classCount)
  }

  deinit {
    for buffer in denseOutputs + denseGradients { buffer.deallocate() }
    probabilities.deallocate()
  }
}

/// Returns `count` zeroed floats, which the caller deallocates.
func allocateFloats(_ count: Int) -> UnsafeMutablePointer<Float> {
  let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
  buffer.initialize(repeating: 0, count: max(count, 1))
  return buffer
}
