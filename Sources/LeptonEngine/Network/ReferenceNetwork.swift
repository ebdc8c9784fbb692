/// The network of a `ModelSpec` built from `ReferenceLayers`, in `Double`, with the same
/// flat parameter layout and SGD rule as `Network`. It is the test oracle for whole steps
/// and the baseline of `Benchmark`.
struct ReferenceNetwork {
  let spec: ModelSpec
  /// Parameters `[spec.parameterCount]` in `ModelSpec` order.
  var parameters: [Double]
  /// Momentum buffer `[spec.parameterCount]`.
  var velocity: [Double]
  /// Running means and variances `[spec.bufferCount]`, as `Network.bufferVector`.
  var buffers: [Double]
  /// Dropout masks by layer index, in plain NCHW order, each value 0 or `1 / (1 - rate)`.
  /// A dropout layer without a mask keeps every value.
  var dropoutMasks: [Int: [Double]] = [:]

  init(spec: ModelSpec, parameters: [Double], buffers: [Double]? = nil) {
    precondition(parameters.count == spec.parameterCount, "parameter vector length mismatch")
    self.spec = spec
    self.parameters = parameters
    self.velocity = [Double](repeating: 0, count: parameters.count)
    self.buffers = buffers ?? spec.initialBuffers().map(Double.init)
  }

  /// Activations of one forward pass, kept for the backward pass.
  struct ForwardTrace {
    /// Input of each layer, so `values[i + 1]` is the output of layer `i`.
    var values: [[Double]] = []
    /// Argmax input index of each max pooling output, by layer index.
    var poolArgmax: [Int: [Int]] = [:]
    /// Statistics of each batch normalisation, by layer index.
    var batchNorms: [Int: ReferenceLayers.BatchNormTrace] = [:]

    var logits: [Double] { values.last ?? [] }
  }

  private func slice(_ range: ParameterSlice?) -> [Double] {
    guard let range else { return [] }
    return Array(parameters[range.range])
  }

  /// Runs the network on `batch` images `[batch, channels, height, width]`, with batch
  /// statistics and dropout masks when `training`, and running statistics otherwise.
  func forward(images: [Double], batch: Int, training: Bool = true) -> ForwardTrace {
    var trace = ForwardTrace()
    var current = images
    trace.values.append(current)
    for (index, layer) in spec.layers.enumerated() {
      let shape = layer.inputShape
      let spatial = shape.count == 3 ? shape[1] * shape[2] : 1
      switch layer.kind {
      case .convolution(_, let kernel, let stride, let padding):
        current = ReferenceLayers.convolutionForward(
          geometry(layer, batch: batch, kernel: kernel, stride: stride, padding: padding),
          input: current, weights: slice(layer.weights), bias: slice(layer.bias))
      case .batchNorm:
        var statistics: (mean: [Double], variance: [Double])?
        if !training, let range = layer.runningStatistics {
          let values = Array(buffers[range.range])
          let channels = layer.channels
          statistics = (Array(values[0..<channels]), Array(values[channels...]))
        }
        let result = ReferenceLayers.batchNormForward(
          input: current, batch: batch, channels: layer.channels, spatial: spatial,
          scale: slice(layer.weights), shift: slice(layer.bias),
          epsilon: Double(LayerBuilder.batchNormEpsilon), statistics: statistics)
        trace.batchNorms[index] = result.trace
        current = result.output
      case .relu:
        current = ReferenceLayers.reluForward(current)
      case .maxPool(let kernel, let stride):
        let pooled = ReferenceLayers.maxPoolForward(
          input: current, batch: batch, channels: shape[0], height: shape[1], width: shape[2],
          kernel: kernel, stride: stride)
        trace.poolArgmax[index] = pooled.argmax
        current = pooled.output
      case .averagePool(let kernel, let stride):
        current = ReferenceLayers.averagePoolForward(
          input: current, planes: batch * shape[0], height: shape[1], width: shape[2],
          kernelHeight: kernel, kernelWidth: kernel, stride: stride)
      case .globalAveragePool:
        current = ReferenceLayers.averagePoolForward(
          input: current, planes: batch * shape[0], height: shape[1], width: shape[2],
          kernelHeight: shape[1], kernelWidth: shape[2], stride: 1)
      case .flatten:
        break
      case .dense(let units):
        current = ReferenceLayers.denseForward(
          input: current, weights: slice(layer.weights), bias: slice(layer.bias), batch: batch,
          inputs: layer.inputCount, outputs: units)
      case .dropout:
        if training, let mask = dropoutMasks[index] {
          current = zip(current, mask).map { $0 * $1 }
        }
      }
      trace.values.append(current)
    }
    return trace
  }

  private func geometry(
    _ layer: ResolvedLayer, batch: Int, kernel: Int, stride: Int, padding: Int
  ) -> ConvGeometry {
    ConvGeometry(
      batch: batch, inputChannels: layer.inputShape[0], height: layer.inputShape[1],
      width: layer.inputShape[2], outputChannels: layer.outputShape[0], kernelSize: kernel,
      padding: padding, stride: stride)
  }

  /// Returns the summed loss, the probabilities `[batch, classCount]` and the gradient of
  /// the mean loss with respect to every parameter `[parameterCount]`, in training mode.
  func lossAndGradients(images: [Double], labels: [Int32])
    -> (lossSum: Double, probabilities: [Double], gradients: [Double], trace: ForwardTrace)
  {
    let batch = labels.count
    let trace = forward(images: images, batch: batch)
    let loss = ReferenceLayers.softmaxCrossEntropy(
      logits: trace.logits, labels: labels, classes: spec.classCount)
    var gradients = [Double](repeating: 0, count: parameters.count)
    func store(_ values: [Double], at range: ParameterSlice?) {
      guard let range else { return }
      gradients.replaceSubrange(range.range, with: values)
    }

    var gradient = loss.logitGradient
    for (index, layer) in spec.layers.enumerated().reversed() {
      let input = trace.values[index]
      let output = trace.values[index + 1]
      let shape = layer.inputShape
      let spatial = shape.count == 3 ? shape[1] * shape[2] : 1
      switch layer.kind {
      case .convolution(_, let kernel, let stride, let padding):
        let result = ReferenceLayers.convolutionBackward(
          geometry(layer, batch: batch, kernel: kernel, stride: stride, padding: padding),
          input: input, weights: slice(layer.weights), outputGradient: gradient)
        store(result.weights, at: layer.weights)
        store(result.bias, at: layer.bias)
        gradient = result.input
      case .batchNorm:
        guard let batchNorm = trace.batchNorms[index] else { continue }
        let result = ReferenceLayers.batchNormBackward(
          outputGradient: gradient, trace: batchNorm, batch: batch, channels: layer.channels,
          spatial: spatial, scale: slice(layer.weights),
          epsilon: Double(LayerBuilder.batchNormEpsilon))
        store(result.scale, at: layer.weights)
        store(result.shift, at: layer.bias)
        gradient = result.input
      case .relu:
        gradient = ReferenceLayers.reluBackward(output: output, outputGradient: gradient)
      case .maxPool:
        gradient = ReferenceLayers.maxPoolBackward(
          outputGradient: gradient, argmax: trace.poolArgmax[index] ?? [],
          inputCount: input.count)
      case .averagePool(let kernel, let stride):
        gradient = ReferenceLayers.averagePoolBackward(
          outputGradient: gradient, planes: batch * shape[0], height: shape[1], width: shape[2],
          kernelHeight: kernel, kernelWidth: kernel, stride: stride)
      case .globalAveragePool:
        gradient = ReferenceLayers.averagePoolBackward(
          outputGradient: gradient, planes: batch * shape[0], height: shape[1], width: shape[2],
          kernelHeight: shape[1], kernelWidth: shape[2], stride: 1)
      case .flatten:
        break
      case .dense(let units):
        let result = ReferenceLayers.denseBackward(
          input: input, weights: slice(layer.weights), outputGradient: gradient, batch: batch,
          inputs: layer.inputCount, outputs: units)
        store(result.weights, at: layer.weights)
        store(result.bias, at: layer.bias)
        gradient = result.input
      case .dropout:
        if let mask = dropoutMasks[index] {
          gradient = zip(gradient, mask).map { $0 * $1 }
        }
      }
    }
    return (loss.lossSum, loss.probabilities, gradients, trace)
  }

  /// Runs one SGD step with the rule of `applySGD`, updates the running statistics as
  /// PyTorch does, and returns the summed loss.
  mutating func trainStep(
    images: [Double], labels: [Int32], configuration: SGDConfiguration
  ) -> Double {
    let result = lossAndGradients(images: images, labels: labels)
    for index in parameters.indices {
      let gradient = result.gradients[index] + configuration.weightDecay * parameters[index]
      velocity[index] = configuration.momentum * velocity[index] + gradient
      parameters[index] -= configuration.learningRate * velocity[index]
    }
    let momentum = Double(LayerBuilder.batchNormMomentum)
    for (index, layer) in spec.layers.enumerated() {
      guard let range = layer.runningStatistics, let batchNorm = result.trace.batchNorms[index]
      else { continue }
      let channels = layer.channels
      let shape = layer.inputShape
      let perChannel = labels.count * (shape.count == 3 ? shape[1] * shape[2] : 1)
      let unbiased = perChannel > 1 ? Double(perChannel) / Double(perChannel - 1) : 1
      for channel in 0..<channels {
        let meanIndex = range.offset + channel
        let varianceIndex = meanIndex + channels
        buffers[meanIndex] += momentum * (batchNorm.mean[channel] - buffers[meanIndex])
        buffers[varianceIndex] +=
          momentum * (batchNorm.variance[channel] * unbiased - buffers[varianceIndex])
      }
    }
    return result.lossSum
  }
}
