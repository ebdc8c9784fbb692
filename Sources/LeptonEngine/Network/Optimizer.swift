import Foundation

/// Hyperparameters of Adam and AdamW, with the defaults of `torch.optim.Adam`.
///
/// Each step `t` (counted from 1) updates the first moment `m = beta1 * m + (1 - beta1) * g`
/// and the second moment `v = beta2 * v + (1 - beta2) * g * g`, both starting at zero. It then
/// applies `w -= learningRate / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)`.
/// With `decoupledWeightDecay` false (Adam), weight decay is L2: `g += weightDecay * w` before
/// the moments. With it true (AdamW), each step first applies
/// `w *= 1 - learningRate * weightDecay`. The AMSGrad variant is not supported.
public struct AdamConfiguration: Sendable, Codable, Equatable {
  public var learningRate: Double
  /// Decay rate of the first-moment average.
  public var beta1: Double
  /// Decay rate of the second-moment average.
  public var beta2: Double
  /// Term added to the denominator for numerical stability.
  public var epsilon: Double
  public var weightDecay: Double
  /// Whether weight decay shrinks the weights directly (AdamW) instead of adding to the gradient.
  public var decoupledWeightDecay: Bool

  /// Creates Adam settings. The defaults match `torch.optim.Adam`.
  public init(
    learningRate: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999,
    epsilon: Double = 1e-8, weightDecay: Double = 0, decoupledWeightDecay: Bool = false
  ) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.decoupledWeightDecay = decoupledWeightDecay
  }

  /// Returns AdamW settings. The defaults match `torch.optim.AdamW`, whose weight decay is 0.01.
  public static func adamW(
    learningRate: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999,
    epsilon: Double = 1e-8, weightDecay: Double = 0.01
  ) -> AdamConfiguration {
    AdamConfiguration(
      learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
      weightDecay: weightDecay, decoupledWeightDecay: true)
  }
}

/// The optimiser that `Network.trainStep` applies, with its hyperparameters.
public enum OptimizerConfiguration: Sendable, Codable, Equatable {
  case sgd(SGDConfiguration)
  /// Adam or AdamW, depending on `AdamConfiguration.decoupledWeightDecay`.
  case adam(AdamConfiguration)

  /// Returns AdamW with the defaults of `torch.optim.AdamW` unless given.
  public static func adamW(
    learningRate: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999,
    epsilon: Double = 1e-8, weightDecay: Double = 0.01
  ) -> OptimizerConfiguration {
    .adam(
      .adamW(
        learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
        weightDecay: weightDecay))
  }

  /// Learning rate of the next step. Setting it keeps the optimiser's other settings.
  public var learningRate: Double {
    get {
      switch self {
      case .sgd(let configuration): configuration.learningRate
      case .adam(let configuration): configuration.learningRate
      }
    }
    set {
      switch self {
      case .sgd(var configuration):
        configuration.learningRate = newValue
        self = .sgd(configuration)
      case .adam(var configuration):
        configuration.learningRate = newValue
        self = .adam(configuration)
      }
    }
  }

  /// Checks whether `other` is the same algorithm, so that its state (momentum and moments)
  /// carries over. Adam and AdamW count as different algorithms.
  func sharesState(with other: OptimizerConfiguration) -> Bool {
    switch (self, other) {
    case (.sgd, .sgd): true
    case (.adam(let lhs), .adam(let rhs)): lhs.decoupledWeightDecay == rhs.decoupledWeightDecay
    default: false
    }
  }
}

/// Applies one Adam or AdamW step to `count` parameters in place.
///
/// - Parameters:
///   - step: Number of this step, counted from 1, used for the bias corrections.
///   - parameters: `[count]`, updated in place.
///   - gradients: `[count]`, gradient of the mean loss, left unchanged.
///   - firstMoment: `[count]`, the average `m`, updated in place.
///   - secondMoment: `[count]`, the average `v`, updated in place.
func applyAdam(
  configuration: AdamConfiguration, step: Int, parameters: UnsafeMutablePointer<Float>,
  gradients: UnsafePointer<Float>, firstMoment: UnsafeMutablePointer<Float>,
  secondMoment: UnsafeMutablePointer<Float>, count: Int
) {
  precondition(step >= 1, "Adam steps are counted from 1, got \(step)")
  // The bias corrections are computed in Double once per step, as PyTorch does in Python floats.
  let learningRate = configuration.learningRate
  let firstCorrection = 1 - pow(configuration.beta1, Double(step))
  let secondCorrection = 1 - pow(configuration.beta2, Double(step))
  let stepSize = Float(learningRate / firstCorrection)
  let inverseSecondRoot = Float(1 / secondCorrection.squareRoot())
  let beta1 = Float(configuration.beta1)
  let beta2 = Float(configuration.beta2)
  // `1 - beta` is taken in Double, as PyTorch does. In Float, 1 - Float(0.999) is off by about
  // 1e-5 relative, which would disagree with the Double bias correction.
  let firstWeight = Float(1 - configuration.beta1)
  let secondWeight = Float(1 - configuration.beta2)
  let epsilon = Float(configuration.epsilon)
  let decoupled = configuration.decoupledWeightDecay
  let couplingDecay = decoupled ? 0 : Float(configuration.weightDecay)
  let shrink = decoupled ? Float(1 - learningRate * configuration.weightDecay) : 1
  for index in 0..<count {
    let weight = parameters[index] * shrink
    let gradient = gradients[index] + couplingDecay * parameters[index]
    let first = beta1 * firstMoment[index] + firstWeight * gradient
    let second = beta2 * secondMoment[index] + secondWeight * gradient * gradient
    firstMoment[index] = first
    secondMoment[index] = second
    parameters[index] =
      weight - stepSize * first / (second.squareRoot() * inverseSecondRoot + epsilon)
  }
}

/// Per-parameter state of the optimiser in `Network`, allocated once at full size.
final class OptimizerState {
  let count: Int
  /// SGD's momentum buffer, or Adam's first moment `[count]`.
  let firstBuffer: UnsafeMutablePointer<Float>
  /// Adam's second moment `[count]`, unused by SGD.
  let secondBuffer: UnsafeMutablePointer<Float>
  /// Number of steps applied since the last reset. Restoring a checkpoint sets the saved count.
  var stepCount = 0

  init(count: Int) {
    self.count = count
    firstBuffer = allocateFloats(count)
    secondBuffer = allocateFloats(count)
  }

  deinit {
    firstBuffer.deallocate()
    secondBuffer.deallocate()
  }

  /// Zeroes both buffers and the step count, as a freshly built optimiser starts.
  func reset() {
    firstBuffer.update(repeating: 0, count: count)
    secondBuffer.update(repeating: 0, count: count)
    stepCount = 0
  }

  /// Applies one step of `configuration` to `parameters` `[count]` using `gradients` `[count]`.
  func apply(
    _ configuration: OptimizerConfiguration, parameters: UnsafeMutablePointer<Float>,
    gradients: UnsafePointer<Float>
  ) {
    stepCount += 1
    switch configuration {
    case .sgd(let sgd):
      applySGD(
        configuration: sgd, parameters: parameters, gradients: gradients, velocity: firstBuffer,
        count: count)
    case .adam(let adam):
      applyAdam(
        configuration: adam, step: stepCount, parameters: parameters, gradients: gradients,
        firstMoment: firstBuffer, secondMoment: secondBuffer, count: count)
    }
  }
}
