/// Hyperparameters of stochastic gradient descent with momentum, using PyTorch's update rule.
///
/// Each step computes `g += weightDecay * w`, then `v = momentum * v + g`, with the
/// velocity `v` starting at zero. Plain momentum then applies `w -= learningRate * v`.
/// Nesterov momentum applies `w -= learningRate * (g + momentum * v)` instead, as
/// `torch.optim.SGD(nesterov=True)` does. Weight decay applies to every parameter, biases
/// included, as `torch.optim.SGD` does by default. Dampening is always 0.
///
/// NOTE: `ReferenceNetwork.trainStep` implements plain momentum only and ignores `nesterov`.
public struct SGDConfiguration: Sendable, Codable, Equatable {
  public var learningRate: Double
  public var momentum: Double
  public var weightDecay: Double
  /// Whether the step uses Nesterov momentum. Decoding a value without this key gives `false`.
  public var nesterov: Bool

  public init(
    learningRate: Double = 0.01, momentum: Double = 0.9, weightDecay: Double = 0,
    nesterov: Bool = false
  ) {
    self.learningRate = learningRate
    self.momentum = momentum
    self.weightDecay = weightDecay
    self.nesterov = nesterov
  }

  private enum CodingKeys: String, CodingKey {
    case learningRate, momentum, weightDecay, nesterov
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    learningRate = try container.decode(Double.self, forKey: .learningRate)
    momentum = try container.decode(Double.self, forKey: .momentum)
    weightDecay = try container.decode(Double.self, forKey: .weightDecay)
    nesterov = try container.decodeIfPresent(Bool.self, forKey: .nesterov) ?? false
  }
}

/// Applies one SGD step to `count` parameters in place.
///
/// - Parameters:
///   - parameters: `[count]`, updated in place.
///   - gradients: `[count]`, gradient of the mean loss, left unchanged.
///   - velocity: `[count]`, momentum buffer, updated in place.
func applySGD(
  configuration: SGDConfiguration, parameters: UnsafeMutablePointer<Float>,
  gradients: UnsafePointer<Float>, velocity: UnsafeMutablePointer<Float>, count: Int
) {
  let learningRate = Float(configuration.learningRate)
  let momentum = Float(configuration.momentum)
  let weightDecay = Float(configuration.weightDecay)
  // Two separate loops keep the common plain-momentum loop free of a per-element branch.
  if configuration.nesterov {
    for index in 0..<count {
      let gradient = gradients[index] + weightDecay * parameters[index]
      let updated = momentum * velocity[index] + gradient
      velocity[index] = updated
      parameters[index] -= learningRate * (gradient + momentum * updated)
    }
    return
  }
  for index in 0..<count {
    let gradient = gradients[index] + weightDecay * parameters[index]
    let step = momentum * velocity[index] + gradient
    velocity[index] = step
    parameters[index] -= learningRate * step
  }
}
