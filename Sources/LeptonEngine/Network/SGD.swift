/// Hyperparameters of stochastic gradient descent with momentum, using PyTorch's update rule.
///
/// Each step computes `g += weightDecay * w`, then `v = momentum * v + g` and
/// `w -= learningRate * v`, with the velocity `v` starting at zero. Weight decay applies
/// to every parameter, biases included, as `torch.optim.SGD` does by default.
public struct SGDConfiguration: Sendable, Codable, Equatable {
  public var learningRate: Double
  public var momentum: Double
  public var weightDecay: Double

  public init(learningRate: Double = 0.01, momentum: Double = 0.9, weightDecay: Double = 0) {
    self.learningRate = learningRate
    self.momentum = momentum
    self.weightDecay = weightDecay
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
  for index in 0..<count {
    let gradient = gradients[index] + weightDecay * parameters[index]
    let step = momentum * velocity[index] + gradient
    velocity[index] = step
    parameters[index] -= learningRate * step
  }
}
