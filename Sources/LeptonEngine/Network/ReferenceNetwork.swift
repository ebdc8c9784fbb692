/// The network of a `ModelSpec` built from `ReferenceLayers`, in `Double`, with the same
/// flat parameter layout and SGD rule as `Network`. It is the test oracle for whole steps
/// and the baseline of `Benchmark`.
struct ReferenceNetwork {
  let spec: ModelSpec
  /// Parameters `[spec.parameterCount]` in `ModelSpec` order.
  var parameters: [Double]
  /// Momentum buffer `[spec.parameterCount]`.
  var velocity: [Double]

  init(spec: ModelSpec, parameters: [Double]) {
    precondition(parameters.count == spec.parameterCount, "parameter vector length mismatch")
    self.spec = spec
    self.parameters = parameters
    self.velocity = [Double](repeating: 0, count: parameters.count)
  }

  /// Activations of one forward pass, kept for the backward pass.
  struct ForwardTrace {
    /// Input of each convolution block `[batch, channels, height, width]`.
    var blockInputs: [[Double]] = []
    /// ReLU output of each convolution `[batch, outputChannels, height', width']`.
    var activations: [[Double]] = []
    /// Argmax input index of each pooling output.
    var poolArgmax: [[Int]] = []
    /// Input of each dense layer `[batch, inputs]`. The first is the flattened features.
    var denseInputs: [[Double]] = []
    /// Output of each dense layer after its ReLU, if any `[batch, outputs]`.
    var denseOutputs: [[Double]] = []

    var logits: [Double] { denseOutputs.last ?? [] }
  }

  private func slice(_ range: ParameterSlice) -> [Double] {
    Array(parameters[range.offset..<(range.offset + range.count)])
  }

  private func geometry(_ block: ConvBlockSpec, batch: Int) -> ConvGeometry {
    ConvGeometry(
      batch: batch, inputChannels: block.inputChannels, height: block.inputShape[1],
      width: block.inputShape[2], outputChannels: block.outputChannels,
      kernelSize: block.kernelSize, padding: block.padding)
  }

  /// Runs the network on `batch` images `[batch, channels, height, width]`.
  func forward(images: [Double], batch: Int) -> ForwardTrace {
    var trace = ForwardTrace()
    var current = images
    for (block, slices) in zip(spec.convBlocks, spec.convParameterSlices) {
      trace.blockInputs.append(current)
      let convolution = ReferenceLayers.convolutionForward(
        geometry(block, batch: batch), input: current, weights: slice(slices.weights),
        bias: slice(slices.bias))
      let activation = ReferenceLayers.reluForward(convolution)
      trace.activations.append(activation)
      let pooled = ReferenceLayers.maxPoolForward(
        input: activation, batch: batch, channels: block.outputChannels,
        height: block.convolutionHeight, width: block.convolutionWidth, pool: block.poolSize)
      trace.poolArgmax.append(pooled.argmax)
      current = pooled.output
    }
    for (layer, slices) in zip(spec.denseLayers, spec.denseParameterSlices) {
      trace.denseInputs.append(current)
      let output = ReferenceLayers.denseForward(
        input: current, weights: slice(slices.weights), bias: slice(slices.bias), batch: batch,
        inputs: layer.inputs, outputs: layer.outputs)
      current = layer.appliesReLU ? ReferenceLayers.reluForward(output) : output
      trace.denseOutputs.append(current)
    }
    return trace
  }

  /// Returns the summed loss, the probabilities `[batch, classCount]` and the gradient of
  /// the mean loss with respect to every parameter `[parameterCount]`.
  func lossAndGradients(images: [Double], labels: [Int32])
    -> (lossSum: Double, probabilities: [Double], gradients: [Double])
  {
    let batch = labels.count
    let trace = forward(images: images, batch: batch)
    let loss = ReferenceLayers.softmaxCrossEntropy(
      logits: trace.logits, labels: labels, classes: spec.classCount)
    var gradients = [Double](repeating: 0, count: parameters.count)
    func store(_ values: [Double], at range: ParameterSlice) {
      gradients.replaceSubrange(range.offset..<(range.offset + range.count), with: values)
    }

    var gradient = loss.logitGradient
    let denseSlices = spec.denseParameterSlices
    for index in spec.denseLayers.indices.reversed() {
      let layer = spec.denseLayers[index]
      if layer.appliesReLU {
        gradient = ReferenceLayers.reluBackward(
          output: trace.denseOutputs[index], outputGradient: gradient)
      }
      let result = ReferenceLayers.denseBackward(
        input: trace.denseInputs[index], weights: slice(denseSlices[index].weights),
        outputGradient: gradient, batch: batch, inputs: layer.inputs, outputs: layer.outputs)
      store(result.weights, at: denseSlices[index].weights)
      store(result.bias, at: denseSlices[index].bias)
      gradient = result.input
    }

    let convSlices = spec.convParameterSlices
    for index in spec.convBlocks.indices.reversed() {
      let block = spec.convBlocks[index]
      gradient = ReferenceLayers.maxPoolBackward(
        outputGradient: gradient, argmax: trace.poolArgmax[index],
        inputCount: trace.activations[index].count)
      gradient = ReferenceLayers.reluBackward(
        output: trace.activations[index], outputGradient: gradient)
      let result = ReferenceLayers.convolutionBackward(
        geometry(block, batch: batch), input: trace.blockInputs[index],
        weights: slice(convSlices[index].weights), outputGradient: gradient)
      store(result.weights, at: convSlices[index].weights)
      store(result.bias, at: convSlices[index].bias)
      gradient = result.input
    }
    return (loss.lossSum, loss.probabilities, gradients)
  }

  /// Runs one SGD step with the rule of `applySGD` and returns the summed loss.
  mutating func trainStep(
    images: [Double], labels: [Int32], configuration: SGDConfiguration
  ) -> Double {
    let result = lossAndGradients(images: images, labels: labels)
    for index in parameters.indices {
      let gradient = result.gradients[index] + configuration.weightDecay * parameters[index]
      velocity[index] = configuration.momentum * velocity[index] + gradient
      parameters[index] -= configuration.learningRate * velocity[index]
    }
    return result.lossSum
  }
}
