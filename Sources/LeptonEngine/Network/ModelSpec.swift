import Foundation

/// A contiguous range of the flat parameter vector.
struct ParameterSlice: Equatable {
  var offset: Int
  var count: Int

  var range: Range<Int> { offset..<(offset + count) }
}

/// One layer of a model specification string, before shapes are known.
public enum LayerKind: Equatable, Sendable {
  /// A 2-D convolution with a square kernel, equal stride on both axes and symmetric zero
  /// padding, with a bias per filter.
  case convolution(filters: Int, kernel: Int, stride: Int, padding: Int)
  /// Batch normalisation over the channel axis (or the feature axis after a flatten), with a
  /// learned scale and shift and running statistics for inference.
  case batchNorm
  case relu
  /// Max pooling with a square window and no padding.
  case maxPool(kernel: Int, stride: Int)
  /// Average pooling with a square window and no padding.
  case averagePool(kernel: Int, stride: Int)
  /// Average over all spatial positions of each channel: `[C, H, W]` to `[C, 1, 1]`.
  case globalAveragePool
  /// Reshapes `[C, H, W]` to `[C * H * W]`. A dense layer after a 3-D shape adds one.
  case flatten
  /// A fully connected layer with `units` outputs and a bias per output.
  case dense(units: Int)
  /// Zeroes each value with probability `rate` during training and scales the others by
  /// `1 / (1 - rate)`. Inference passes values through.
  case dropout(rate: Double)

  /// The token that writes this layer in a specification string, such as `conv32k3p1`.
  public var token: String {
    switch self {
    case .convolution(let filters, let kernel, let stride, let padding):
      return "conv\(filters)k\(kernel)" + (stride == 1 ? "" : "s\(stride)")
        + (padding == 0 ? "" : "p\(padding)")
    case .batchNorm: return "bn"
    case .relu: return "relu"
    case .maxPool(let kernel, let stride):
      return "pool\(kernel)" + (stride == kernel ? "" : "s\(stride)")
    case .averagePool(let kernel, let stride):
      return "avgpool\(kernel)" + (stride == kernel ? "" : "s\(stride)")
    case .globalAveragePool: return "gap"
    case .flatten: return "flatten"
    case .dense(let units): return "dense\(units)"
    case .dropout(let rate): return "dropout\(formatRate(rate))"
    }
  }
}

/// Formats a dropout rate without trailing zeros, such as `0.5` or `0.25`.
private func formatRate(_ rate: Double) -> String {
  var text = String(format: "%.4f", rate)
  while text.hasSuffix("0") { text.removeLast() }
  if text.hasSuffix(".") { text.removeLast() }
  return text
}

/// A layer with its shapes and its places in the parameter and buffer vectors.
struct ResolvedLayer: Equatable {
  var kind: LayerKind
  /// Input without the batch axis: `[channels, height, width]` or `[features]`.
  var inputShape: [Int]
  /// Output without the batch axis.
  var outputShape: [Int]
  /// Weights `[out, in, k, k]` or `[out, in]` for convolutions and dense layers, and the
  /// scale `[channels]` for batch normalisation.
  var weights: ParameterSlice?
  /// Biases `[out]`, or the shift `[channels]` for batch normalisation. It follows `weights`.
  var bias: ParameterSlice?
  /// Running mean then running variance `[2, channels]` of a batch normalisation.
  var runningStatistics: ParameterSlice?
  /// Whether the ReLU that follows this convolution or dense layer is computed inside it.
  var fusesReLU = false
  /// Whether this ReLU is computed inside the layer before it and so runs no step of its own.
  var isFusedAway = false

  var inputCount: Int { inputShape.reduce(1, *) }
  var outputCount: Int { outputShape.reduce(1, *) }
  var parameterCount: Int { (weights?.count ?? 0) + (bias?.count ?? 0) }
  /// Channels of a 3-D input, or features of a 1-D one.
  var channels: Int { inputShape[0] }
}

/// The architecture of a network: a sequence of layers from an image `[C, H, W]` to
/// `classCount` logits.
///
/// Parameters live in one flat vector, layer by layer: weights then bias of a convolution or
/// dense layer, scale then shift of a batch normalisation, the order PyTorch's
/// `parameters()` lists them. Running statistics live in a second vector.
struct ModelSpec: Equatable {
  /// The preset name, or the specification string the user gave.
  var name: String
  /// Input image `[channels, height, width]`.
  var inputShape: [Int]
  var layers: [ResolvedLayer]
  var parameterCount: Int
  /// Length of the running-statistics vector.
  var bufferCount: Int

  var classCount: Int { layers.last?.outputShape[0] ?? 0 }
  var imageCount: Int { inputShape.reduce(1, *) }

  /// The largest size that a layer's numbers, its output or the model's parameters may
  /// have, in elements: 2^31 - 1.
  ///
  /// The numbers in a specification are unbounded, so this stops their products from
  /// overflowing `Int`. A float32 array of this size takes 8 GiB.
  static let maxElementCount = Int(Int32.max)

  /// The layers as a specification string, which rebuilds this model.
  var specification: String { layers.map(\.kind.token).joined(separator: "-") }

  /// Names of the presets, in the order `lepton models` lists them.
  static let presetNames = ["fmnist-cnn", "fmnist-bn", "cifar-cnn", "lenet5"]

  /// Returns the specification string of a preset, ending in a dense layer of `classCount`.
  static func presetSpecification(_ name: String, classCount: Int) -> String? {
    let body: String
    switch name {
    case "fmnist-cnn":
      body = "conv32k3p1-relu-pool2-conv64k3p1-relu-pool2-dense128-relu"
    case "fmnist-bn":
      body =
        "conv32k3p1-bn-relu-conv32k3p1-bn-relu-pool2-conv64k3p1-bn-relu-conv64k3p1-bn-relu-pool2"
        + "-dense256-bn-relu-dropout0.3"
    case "cifar-cnn":
      body =
        "conv32k3p1-bn-relu-conv32k3p1-bn-relu-pool2-conv64k3p1-bn-relu-conv64k3p1-bn-relu-pool2"
        + "-conv128k3p1-bn-relu-conv128k3p1-bn-relu-pool2-gap-dropout0.2"
    case "lenet5":
      body = "conv6k5p2-relu-avgpool2-conv16k5-relu-avgpool2-dense120-relu-dense84-relu"
    default:
      return nil
    }
    return body + "-dense\(classCount)"
  }

  /// Returns what a preset is for, as `lepton models` shows it.
  static func presetSummary(_ name: String) -> String {
    switch name {
    case "fmnist-cnn": return "two conv blocks and a dense layer; the quick reference"
    case "fmnist-bn": return "four convs with batch norm, dense 256, dropout; most accurate"
    case "cifar-cnn": return "six convs with batch norm and global average pooling, for RGB"
    case "lenet5": return "LeCun's LeNet-5 with ReLU and average pooling"
    default: return ""
    }
  }

  /// Builds a preset by name, or parses `model` as a specification string when it is not one.
  init(model: String, inputShape: [Int], classCount: Int) throws {
    if let preset = ModelSpec.presetSpecification(model, classCount: classCount) {
      try self.init(
        name: model, specification: preset, inputShape: inputShape, classCount: classCount)
    } else if ModelSpec.looksLikeSpecification(model) {
      try self.init(
        name: model, specification: model, inputShape: inputShape, classCount: classCount)
    } else {
      throw NetworkError.unknownModel(name: model, presets: ModelSpec.presetNames)
    }
  }

  /// Parses `specification`, tokens joined by `-`, and works out every shape.
  ///
  /// - Throws: `NetworkError.invalidModelSpec` naming the token at fault.
  init(name: String, specification: String, inputShape: [Int], classCount: Int) throws {
    guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else {
      throw NetworkError.invalidConfiguration(
        "input shape \(inputShape) must be [channels, height, width] with positive sizes")
    }
    guard classCount >= 2 else {
      throw NetworkError.invalidConfiguration("class count \(classCount) must be at least 2")
    }
    let tokens = specification.split(separator: "-", omittingEmptySubsequences: false)
      .map(String.init)
    var kinds: [LayerKind] = []
    for token in tokens {
      guard let kind = ModelSpec.parseToken(token) else {
        throw NetworkError.invalidModelSpec(
          specification: specification, token: token,
          reason: "not a layer; see `lepton help models` for the grammar")
      }
      kinds.append(kind)
    }
    try self.init(
      name: name, kinds: kinds, inputShape: inputShape, classCount: classCount,
      text: specification)
  }

  /// Returns whether `model` has at least one layer token, so that errors are about its tokens
  /// rather than an unknown preset name such as `fmnist-bnn`.
  static func looksLikeSpecification(_ model: String) -> Bool {
    model.split(separator: "-").contains { parseToken(String($0)) != nil }
  }

  /// Works out the shapes and parameter places of `kinds`, adding a flatten before the first
  /// dense layer that follows a 3-D shape.
  ///
  /// - Parameter text: The specification as the user wrote it, quoted in errors.
  init(
    name: String, kinds: [LayerKind], inputShape: [Int], classCount: Int, text: String? = nil
  ) throws {
    let specification = text ?? kinds.map(\.token).joined(separator: "-")
    // Errors quote each token as written, such as dropout1.0 rather than dropout1.
    var written = text.map { $0.split(separator: "-").map(String.init) } ?? []
    if written.count != kinds.count { written = kinds.map(\.token) }
    func fail(_ token: String, _ reason: String) -> NetworkError {
      .invalidModelSpec(specification: specification, token: token, reason: reason)
    }
    /// Returns the product of `factors`, or throws when it exceeds `maxElementCount`.
    func elementCount(_ factors: [Int], of what: String, token: String) throws -> Int {
      var product = 1
      for factor in factors {
        let (next, overflow) = product.multipliedReportingOverflow(by: factor)
        guard !overflow, next <= Self.maxElementCount else {
          throw fail(
            token, "\(what) \(factors) has more than \(Self.maxElementCount) elements")
        }
        product = next
      }
      return product
    }
    let (imageSize, imageOverflow) = inputShape.reduce((1, false)) { partial, size in
      let product = partial.0.multipliedReportingOverflow(by: size)
      return (product.partialValue, partial.1 || product.overflow)
    }
    guard !imageOverflow, imageSize <= Self.maxElementCount else {
      throw NetworkError.invalidConfiguration(
        "input shape \(inputShape) has more than \(Self.maxElementCount) elements")
    }

    var layers: [ResolvedLayer] = []
    var shape = inputShape
    var parameterOffset = 0
    var bufferOffset = 0
    for (kind, token) in zip(kinds, written) {
      if case .dense = kind, shape.count == 3 {
        let flatSize = try elementCount(shape, of: "the input", token: token)
        layers.append(ResolvedLayer(kind: .flatten, inputShape: shape, outputShape: [flatSize]))
        shape = [flatSize]
      }
      var layer = ResolvedLayer(kind: kind, inputShape: shape, outputShape: shape)
      switch kind {
      case .convolution(let filters, let kernel, let stride, let padding):
        guard shape.count == 3 else {
          throw fail(token, "a convolution needs a [channels, height, width] input, not \(shape)")
        }
        guard filters >= 1, kernel >= 1, stride >= 1, padding >= 0, padding < kernel else {
          throw fail(
            token, "filters, kernel and stride must be at least 1 and padding below the kernel")
        }
        // With these bounds and the output check below, the sums and products of sizes
        // fit in Int.
        guard filters <= Self.maxElementCount, kernel <= Self.maxElementCount,
          stride <= Self.maxElementCount
        else {
          throw fail(
            token, "filters, kernel and stride must be at most \(Self.maxElementCount)")
        }
        let height = (shape[1] + 2 * padding - kernel) / stride + 1
        let width = (shape[2] + 2 * padding - kernel) / stride + 1
        guard shape[1] + 2 * padding >= kernel, shape[2] + 2 * padding >= kernel else {
          throw fail(
            token, "the \(kernel)x\(kernel) kernel is larger than the padded input \(shape)")
        }
        layer.outputShape = [filters, height, width]
        _ = try elementCount(layer.outputShape, of: "the output", token: token)
        let weightCount = try elementCount(
          [filters, shape[0], kernel, kernel], of: "the weight shape", token: token)
        layer.weights = ParameterSlice(offset: parameterOffset, count: weightCount)
        layer.bias = ParameterSlice(offset: parameterOffset + weightCount, count: filters)
        parameterOffset += weightCount + filters
      case .batchNorm:
        let channels = shape[0]
        layer.weights = ParameterSlice(offset: parameterOffset, count: channels)
        layer.bias = ParameterSlice(offset: parameterOffset + channels, count: channels)
        layer.runningStatistics = ParameterSlice(offset: bufferOffset, count: 2 * channels)
        parameterOffset += 2 * channels
        bufferOffset += 2 * channels
      case .relu:
        break
      case .maxPool(let kernel, let stride), .averagePool(let kernel, let stride):
        guard shape.count == 3 else {
          throw fail(token, "pooling needs a [channels, height, width] input, not \(shape)")
        }
        guard kernel >= 1, stride >= 1 else {
          throw fail(token, "the window and stride must be at least 1")
        }
        guard shape[1] >= kernel, shape[2] >= kernel else {
          throw fail(token, "the \(kernel)x\(kernel) window is larger than the input \(shape)")
        }
        layer.outputShape = [
          shape[0], (shape[1] - kernel) / stride + 1, (shape[2] - kernel) / stride + 1,
        ]
      case .globalAveragePool:
        guard shape.count == 3 else {
          throw fail(token, "global average pooling needs a [channels, height, width] input")
        }
        layer.outputShape = [shape[0], 1, 1]
      case .flatten:
        guard shape.count == 3 else { throw fail(token, "the input \(shape) is already flat") }
        layer.outputShape = [try elementCount(shape, of: "the input", token: token)]
      case .dense(let units):
        guard units >= 1 else { throw fail(token, "a dense layer needs at least 1 unit") }
        layer.outputShape = [units]
        let weightCount = try elementCount(
          [units, shape[0]], of: "the weight shape", token: token)
        layer.weights = ParameterSlice(offset: parameterOffset, count: weightCount)
        layer.bias = ParameterSlice(offset: parameterOffset + weightCount, count: units)
        parameterOffset += weightCount + units
      case .dropout(let rate):
        guard rate >= 0, rate < 1 else {
          throw fail(token, "the dropout rate must be at least 0 and below 1")
        }
      }
      guard parameterOffset <= Self.maxElementCount else {
        throw fail(token, "the model has more than \(Self.maxElementCount) parameters")
      }
      layers.append(layer)
      shape = layer.outputShape
    }
    guard let last = layers.last, case .dense(let units) = last.kind else {
      throw fail(
        written.last ?? "", "the model must end with a dense layer of \(classCount) units")
    }
    guard units == classCount else {
      throw fail(
        written.last ?? last.kind.token,
        "the data has \(classCount) classes; end the model with dense\(classCount)")
    }
    // A ReLU right after a convolution or dense layer runs inside that layer.
    for index in layers.indices.dropFirst() where layers[index].kind == .relu {
      switch layers[index - 1].kind {
      case .convolution, .dense:
        layers[index - 1].fusesReLU = true
        layers[index].isFusedAway = true
      default:
        break
      }
    }
    self.name = name
    self.inputShape = inputShape
    self.layers = layers
    self.parameterCount = parameterOffset
    self.bufferCount = bufferOffset
  }

  /// Parses one token such as `conv32k3s2p1`, `pool2`, `dropout0.5`, or returns nil.
  static func parseToken(_ token: String) -> LayerKind? {
    switch token {
    case "bn", "batchnorm": return .batchNorm
    case "relu": return .relu
    case "gap": return .globalAveragePool
    case "flatten": return .flatten
    default: break
    }
    if token.hasPrefix("dropout") {
      guard let rate = Double(token.dropFirst("dropout".count)), rate.isFinite else { return nil }
      return .dropout(rate: rate)
    }
    for (prefix, letters) in [
      ("conv", "ksp"), ("maxpool", "s"), ("avgpool", "s"), ("pool", "s"), ("dense", ""),
    ] where token.hasPrefix(prefix) {
      guard let fields = parseNumbers(token.dropFirst(prefix.count), letters: letters),
        let first = fields[""]
      else { return nil }
      switch prefix {
      case "conv":
        return .convolution(
          filters: first, kernel: fields["k"] ?? 3, stride: fields["s"] ?? 1,
          padding: fields["p"] ?? 0)
      case "avgpool": return .averagePool(kernel: first, stride: fields["s"] ?? first)
      case "dense": return .dense(units: first)
      default: return .maxPool(kernel: first, stride: fields["s"] ?? first)
      }
    }
    return nil
  }

  /// Splits `32k3p1` into `["": 32, "k": 3, "p": 1]`, allowing each of `letters` once, in order.
  private static func parseNumbers(_ text: Substring, letters: String) -> [String: Int]? {
    var fields: [String: Int] = [:]
    var key = ""
    var digits = ""
    var allowed = Array(letters)
    func store() -> Bool {
      guard let value = Int(digits), fields[key] == nil else { return false }
      fields[key] = value
      return true
    }
    for character in text {
      if character.isASCII && character.isNumber {
        digits.append(character)
      } else {
        guard let position = allowed.firstIndex(of: character), store() else { return nil }
        allowed.removeFirst(position + 1)
        key = String(character)
        digits = ""
      }
    }
    return store() ? fields : nil
  }

  /// One summary per layer, named by its token, with its output shape and parameter count.
  var layerSummaries: [LayerSummary] {
    layers.map {
      LayerSummary(
        name: $0.kind.token, outputShape: $0.outputShape, parameterCount: $0.parameterCount)
    }
  }

  /// Returns He-initialised parameters: convolution and dense weights drawn from
  /// N(0, 2 / fanIn) with fanIn = inputs x kernel area, zero biases, batch-norm scale 1 and
  /// shift 0.
  func initialParameters(seed: UInt64) -> [Float] {
    var generator = Xoshiro256StarStar(seed: seed)
    var parameters = [Float](repeating: 0, count: parameterCount)
    for layer in layers {
      guard let weights = layer.weights else { continue }
      let fanIn: Int
      switch layer.kind {
      case .convolution(_, let kernel, _, _): fanIn = layer.channels * kernel * kernel
      case .dense: fanIn = layer.inputCount
      default:
        for index in weights.range { parameters[index] = 1 }
        continue
      }
      let deviation = (2 / Double(fanIn)).squareRoot()
      for index in weights.range {
        parameters[index] = Float(generator.nextNormal() * deviation)
      }
    }
    return parameters
  }

  /// Returns the starting running statistics: mean 0 and variance 1 for every channel.
  func initialBuffers() -> [Float] {
    var buffers = [Float](repeating: 0, count: bufferCount)
    for layer in layers {
      guard let statistics = layer.runningStatistics else { continue }
      let channels = statistics.count / 2
      for index in 0..<channels { buffers[statistics.offset + channels + index] = 1 }
    }
    return buffers
  }
}
