/// A contiguous range of the flat parameter vector.
struct ParameterSlice: Equatable {
  var offset: Int
  var count: Int
}

/// A 2-D convolution with stride 1, followed by ReLU and a max pooling of stride `poolSize`.
struct ConvBlockSpec: Equatable {
  var inputChannels: Int
  var outputChannels: Int
  var kernelSize: Int
  var padding: Int
  var poolSize: Int
  /// Input image `[channels, height, width]`.
  var inputShape: [Int]

  var convolutionHeight: Int { inputShape[1] + 2 * padding - kernelSize + 1 }
  var convolutionWidth: Int { inputShape[2] + 2 * padding - kernelSize + 1 }
  var pooledHeight: Int { convolutionHeight / poolSize }
  var pooledWidth: Int { convolutionWidth / poolSize }
  /// Convolution output `[outputChannels, convolutionHeight, convolutionWidth]`.
  var convolutionShape: [Int] { [outputChannels, convolutionHeight, convolutionWidth] }
  /// Pooling output `[outputChannels, pooledHeight, pooledWidth]`.
  var pooledShape: [Int] { [outputChannels, pooledHeight, pooledWidth] }
  /// Weights `[outputChannels, inputChannels, kernelSize, kernelSize]`.
  var weightCount: Int { outputChannels * inputChannels * kernelSize * kernelSize }
}

/// A fully connected layer `y = x W^T + b` with `W` of shape `[outputs, inputs]`.
struct DenseSpec: Equatable {
  var inputs: Int
  var outputs: Int
  /// Whether ReLU follows the layer. It is false for the output layer, which produces logits.
  var appliesReLU: Bool
}

/// The architecture of a network: convolution blocks, a flatten, then dense layers.
///
/// Parameters live in one flat vector in the order conv weights, conv bias per block, then
/// dense weights, dense bias per layer, as PyTorch's `parameters()` lists them.
struct ModelSpec: Equatable {
  var name: String
  /// Input image `[channels, height, width]`.
  var inputShape: [Int]
  var convBlocks: [ConvBlockSpec]
  var denseLayers: [DenseSpec]

  var classCount: Int { denseLayers.last?.outputs ?? 0 }
  /// Per-image length of the flattened output of the last convolution block.
  var flattenedCount: Int { denseLayers.first?.inputs ?? 0 }
  var imageCount: Int { inputShape.reduce(1, *) }

  /// Names of the presets accepted by `init(preset:inputShape:classCount:)`.
  static let presetNames = ["fmnist-cnn"]

  /// Builds a named preset for images of `inputShape` `[channels, height, width]`.
  init(preset: String, inputShape: [Int], classCount: Int) throws {
    guard ModelSpec.presetNames.contains(preset) else {
      throw NetworkError.unknownModel(name: preset, presets: ModelSpec.presetNames)
    }
    // fmnist-cnn is conv 3x3 pad 1 (32), ReLU, max pool 2, conv 3x3 pad 1 (64), ReLU,
    // max pool 2, flatten, dense 128, ReLU, dense classCount.
    try self.init(
      name: preset, inputShape: inputShape, convChannels: [32, 64], hiddenWidths: [128],
      classCount: classCount)
  }

  /// Builds a network of 3x3 "same" convolutions with 2x2 pooling and ReLU dense layers.
  init(
    name: String, inputShape: [Int], convChannels: [Int], hiddenWidths: [Int], classCount: Int
  ) throws {
    guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else {
      throw NetworkError.invalidConfiguration(
        "input shape \(inputShape) must be [channels, height, width] with positive sizes")
    }
    guard classCount >= 2 else {
      throw NetworkError.invalidConfiguration("class count \(classCount) must be at least 2")
    }
    var blocks: [ConvBlockSpec] = []
    var shape = inputShape
    for channels in convChannels {
      let block = ConvBlockSpec(
        inputChannels: shape[0], outputChannels: channels, kernelSize: 3, padding: 1, poolSize: 2,
        inputShape: shape)
      guard block.pooledHeight >= 1, block.pooledWidth >= 1 else {
        throw NetworkError.invalidConfiguration(
          "input shape \(inputShape) is too small for \(convChannels.count) 2x2 poolings")
      }
      blocks.append(block)
      shape = block.pooledShape
    }
    var dense: [DenseSpec] = []
    var width = shape.reduce(1, *)
    for hidden in hiddenWidths {
      dense.append(DenseSpec(inputs: width, outputs: hidden, appliesReLU: true))
      width = hidden
    }
    dense.append(DenseSpec(inputs: width, outputs: classCount, appliesReLU: false))
    self.name = name
    self.inputShape = inputShape
    self.convBlocks = blocks
    self.denseLayers = dense
  }

  /// Weight and bias slices of each convolution block, in block order.
  var convParameterSlices: [(weights: ParameterSlice, bias: ParameterSlice)] {
    parameterSlices.prefix(convBlocks.count).map { $0 }
  }

  /// Weight and bias slices of each dense layer, in layer order.
  var denseParameterSlices: [(weights: ParameterSlice, bias: ParameterSlice)] {
    parameterSlices.suffix(denseLayers.count).map { $0 }
  }

  private var parameterSlices: [(weights: ParameterSlice, bias: ParameterSlice)] {
    var offset = 0
    var slices: [(weights: ParameterSlice, bias: ParameterSlice)] = []
    let sizes =
      convBlocks.map { ($0.weightCount, $0.outputChannels) }
      + denseLayers.map { ($0.inputs * $0.outputs, $0.outputs) }
    for (weightCount, biasCount) in sizes {
      let weights = ParameterSlice(offset: offset, count: weightCount)
      let bias = ParameterSlice(offset: offset + weightCount, count: biasCount)
      slices.append((weights, bias))
      offset += weightCount + biasCount
    }
    return slices
  }

  var parameterCount: Int {
    convBlocks.reduce(0) { $0 + $1.weightCount + $1.outputChannels }
      + denseLayers.reduce(0) { $0 + $1.inputs * $1.outputs + $1.outputs }
  }

  /// One summary per layer as the user sees them: conv, relu, pool, flatten, dense, relu.
  var layerSummaries: [LayerSummary] {
    var summaries: [LayerSummary] = []
    for (index, block) in convBlocks.enumerated() {
      let kernel = "\(block.kernelSize)x\(block.kernelSize)"
      summaries.append(
        LayerSummary(
          name: "conv\(index + 1) \(kernel) \(block.inputChannels)->\(block.outputChannels)",
          outputShape: block.convolutionShape,
          parameterCount: block.weightCount + block.outputChannels))
      summaries.append(
        LayerSummary(name: "relu", outputShape: block.convolutionShape, parameterCount: 0))
      summaries.append(
        LayerSummary(
          name: "maxpool \(block.poolSize)x\(block.poolSize)", outputShape: block.pooledShape,
          parameterCount: 0))
    }
    summaries.append(
      LayerSummary(name: "flatten", outputShape: [flattenedCount], parameterCount: 0))
    for (index, layer) in denseLayers.enumerated() {
      summaries.append(
        LayerSummary(
          name: "dense\(index + 1) \(layer.inputs)->\(layer.outputs)",
          outputShape: [layer.outputs], parameterCount: layer.inputs * layer.outputs + layer.outputs
        ))
      if layer.appliesReLU {
        summaries.append(
          LayerSummary(name: "relu", outputShape: [layer.outputs], parameterCount: 0))
      }
    }
    return summaries
  }

  /// Returns He-initialised parameters: weights drawn from N(0, 2 / fanIn) with
  /// fanIn = inputs x kernel area, and zero biases.
  func initialParameters(seed: UInt64) -> [Float] {
    var generator = Xoshiro256StarStar(seed: seed)
    var parameters = [Float](repeating: 0, count: parameterCount)
    let fanIns =
      convBlocks.map { $0.inputChannels * $0.kernelSize * $0.kernelSize }
      + denseLayers.map(\.inputs)
    for ((weights, _), fanIn) in zip(parameterSlices, fanIns) {
      let deviation = (2 / Double(fanIn)).squareRoot()
      for index in weights.offset..<(weights.offset + weights.count) {
        parameters[index] = Float(generator.nextNormal() * deviation)
      }
    }
    return parameters
  }
}
