import CDNNL

/// One step of a plan: a oneDNN primitive, or Swift code that reads and writes host memory.
protocol PlanStep: AnyObject {
  var name: String { get }
  func run(_ context: DNNLContext) throws
}

extension Primitive: PlanStep {
  func run(_ context: DNNLContext) throws { try execute(context) }
}

/// Swift code run between primitives, after every earlier primitive has finished.
final class HostStep: PlanStep {
  let name: String
  private let body: () throws -> Void

  init(_ name: String, _ body: @escaping () throws -> Void) {
    self.name = name
    self.body = body
  }

  func run(_ context: DNNLContext) throws {
    try context.wait()
    try body()
  }
}

/// Vectors a plan reads and writes, owned by the `Network`.
struct NetworkStorage {
  /// Parameters `[parameterCount]` in `ModelSpec` order.
  let parameters: UnsafeMutablePointer<Float>
  /// Gradient of the mean loss `[parameterCount]`.
  let gradients: UnsafeMutablePointer<Float>
  /// Running means and variances of the batch normalisations `[bufferCount]`.
  let buffers: UnsafeMutablePointer<Float>
  /// Draws the dropout masks.
  let random: RandomSource
}

/// A generator shared by every plan of one network, so that masks never repeat across
/// batch sizes.
final class RandomSource {
  var generator: Xoshiro256StarStar

  init(seed: UInt64) { generator = Xoshiro256StarStar(seed: seed) }

  /// Returns a uniform float in [0, 1) from the top 24 bits of the next output.
  @inline(__always)
  func nextUnit() -> Float { Float(generator.next() >> 40) * 0x1p-24 }
}

/// Every primitive and buffer of the network for one batch size and one mode (training or
/// inference), built once and run many times without allocating.
///
/// `values[0]` is the input in the layout the first layer uses and `values[i + 1]` is the
/// output of layer `i`. A training plan also has `gradients[i]`, the gradient of the loss
/// with respect to `values[i]`, for every value that needs one. A ReLU computed inside the
/// layer before it, or a dropout in inference, shares the memory of its input.
final class BatchPlan {
  let batchSize: Int
  let training: Bool
  /// Images `[batch, channels, height, width]`, plain NCHW, which the caller fills.
  let input: DNNLMemory
  private(set) var values: [DNNLMemory] = []
  private(set) var valueGradients: [DNNLMemory?] = []
  private(set) var forwardSteps: [PlanStep] = []
  private(set) var backwardSteps: [PlanStep] = []
  /// Softmax probabilities `[batch, classCount]`.
  let probabilities: UnsafeMutablePointer<Float>
  /// The dropout mask of each dropout layer by layer index, `0` or `1 / (1 - rate)` per
  /// value, from the last training step.
  private(set) var dropoutMasks: [Int: UnsafeMutableBufferPointer<Float>] = [:]

  /// Logits `[batch, classCount]`, plain row-major.
  var logits: UnsafeMutablePointer<Float> {
    guard let last = values.last else { preconditionFailure("a plan has at least one layer") }
    return last.floats
  }

  /// Gradient of the mean loss with respect to the logits, for the loss to write.
  var logitGradient: UnsafeMutablePointer<Float>? { valueGradients.last??.floats }

  init(
    spec: ModelSpec, batchSize: Int, training: Bool, storage: NetworkStorage,
    context: DNNLContext
  ) throws {
    self.batchSize = batchSize
    self.training = training
    let shape = spec.inputShape
    input = try DNNLMemory(
      descriptor: try memoryDescriptor4D(batchSize, shape[0], shape[1], shape[2], dnnl_nchw),
      context: context, name: "input images")
    probabilities = allocateFloats(batchSize * spec.classCount)

    let builder = LayerBuilder(
      spec: spec, batchSize: batchSize, training: training, storage: storage, context: context)
    values = [input]
    var backwardByLayer: [[PlanStep]] = []
    // A layer needs the gradient of its input only when an earlier layer learns something.
    var earlierLayerLearns = false
    for (index, layer) in spec.layers.enumerated() {
      let built = try builder.build(
        layer: layer, index: index, input: values[index], needsInputGradient: earlierLayerLearns)
      values.append(built.output)
      forwardSteps += built.forward
      backwardByLayer.append(built.backward)
      if let mask = built.dropoutMask { dropoutMasks[index] = mask }
      earlierLayerLearns = earlierLayerLearns || layer.parameterCount > 0
    }
    if training {
      valueGradients = builder.gradients(count: values.count)
      for steps in backwardByLayer.reversed() { backwardSteps += steps }
    }
    ownedBuffers = builder.ownedBuffers
  }

  /// Host buffers that the steps use, released with the plan.
  private var ownedBuffers: [UnsafeMutableBufferPointer<Float>] = []

  deinit {
    forwardSteps = []
    backwardSteps = []
    for buffer in ownedBuffers { buffer.deallocate() }
    probabilities.deallocate()
  }

  func forward(_ context: DNNLContext) throws {
    for step in forwardSteps { try step.run(context) }
    try context.wait()
  }

  func backward(_ context: DNNLContext) throws {
    for step in backwardSteps { try step.run(context) }
    try context.wait()
  }

  /// `name: implementation` of every oneDNN primitive in execution order, such as
  /// `conv1 forward: brg:avx512_core`.
  var implementations: [String] {
    (forwardSteps + backwardSteps).compactMap { step in
      (step as? Primitive).map { "\($0.name): \($0.implementation)" }
    }
  }
}

/// Returns `count` zeroed floats, which the caller deallocates.
func allocateFloats(_ count: Int) -> UnsafeMutablePointer<Float> {
  let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
  buffer.initialize(repeating: 0, count: max(count, 1))
  return buffer
}
