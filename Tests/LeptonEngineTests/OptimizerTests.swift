import Foundation
import Testing

@testable import LeptonEngine

/// Checks the SGD, Adam and AdamW update rules against hand computations from PyTorch's
/// formulas, then one Adam step through the oneDNN `Network`.
struct OptimizerTests {
  static let start: [Float] = [1.0, -2.0, 0.5]
  static let gradient: [Float] = [0.1, -0.2, 0.3]

  /// Runs `steps` updates of `configuration` on `start` with the fixed `gradient` and returns
  /// the parameters after each step.
  func runSteps(_ configuration: OptimizerConfiguration, steps: Int) -> [[Float]] {
    let count = Self.start.count
    let state = OptimizerState(count: count)
    var parameters = Self.start
    var history: [[Float]] = []
    for _ in 0..<steps {
      parameters.withUnsafeMutableBufferPointer { weights in
        Self.gradient.withUnsafeBufferPointer { gradients in
          guard let weightBase = weights.baseAddress, let gradientBase = gradients.baseAddress
          else { return }
          state.apply(configuration, parameters: weightBase, gradients: gradientBase)
        }
      }
      history.append(parameters)
    }
    return history
  }

  func expectClose(
    _ actual: [Float], _ expected: [Double], tolerance: Double, _ label: String
  ) {
    #expect(actual.count == expected.count, "\(label): length")
    for (index, (value, target)) in zip(actual, expected).enumerated() {
      #expect(
        abs(Double(value) - target) <= tolerance,
        "\(label)[\(index)]: \(value), expected \(target)")
    }
  }

  @Test func nesterovFirstTwoSteps() {
    // momentum 0.9, lr 0.1, weight decay 0, so v1 = g and w1 = w0 - lr * (g + 0.9 * g).
    // Then v2 = 0.9 * g + g = 1.9 g and w2 = w1 - lr * (g + 0.9 * 1.9 g) = w1 - 0.271 g.
    let configuration = SGDConfiguration(
      learningRate: 0.1, momentum: 0.9, weightDecay: 0, nesterov: true)
    let history = runSteps(.sgd(configuration), steps: 2)
    let firstStep = [1.0 - 0.019, -2.0 + 0.038, 0.5 - 0.057]
    let secondStep = [firstStep[0] - 0.0271, firstStep[1] + 0.0542, firstStep[2] - 0.0813]
    expectClose(history[0], firstStep, tolerance: 1e-6, "step 1")
    expectClose(history[1], secondStep, tolerance: 1e-6, "step 2")
  }

  @Test func nesterovWithWeightDecay() {
    // Element 0 only: w0 = 1, g = 0.1, weight decay 0.5, momentum 0.9, lr 0.1.
    // Step 1: d = 0.1 + 0.5 * 1 = 0.6, v1 = 0.6, w1 = 1 - 0.1 * (0.6 + 0.54) = 0.886.
    // Step 2: d = 0.1 + 0.443 = 0.543, v2 = 0.54 + 0.543 = 1.083,
    // w2 = 0.886 - 0.1 * (0.543 + 0.9747) = 0.73423.
    let configuration = SGDConfiguration(
      learningRate: 0.1, momentum: 0.9, weightDecay: 0.5, nesterov: true)
    let history = runSteps(.sgd(configuration), steps: 2)
    #expect(abs(Double(history[0][0]) - 0.886) <= 1e-6, "step 1: \(history[0][0])")
    #expect(abs(Double(history[1][0]) - 0.73423) <= 1e-6, "step 2: \(history[1][0])")
  }

  @Test func plainMomentumUnchanged() {
    // Without Nesterov, w1 = w0 - lr * g and w2 = w1 - lr * 1.9 g.
    let history = runSteps(.sgd(SGDConfiguration(learningRate: 0.1, momentum: 0.9)), steps: 2)
    expectClose(history[0], [0.99, -1.98, 0.47], tolerance: 1e-6, "step 1")
    expectClose(history[1], [0.971, -1.942, 0.413], tolerance: 1e-6, "step 2")
  }

  @Test func adamFirstThreeSteps() {
    // With a fixed gradient and no weight decay, the corrected moments are
    // m / (1 - 0.9^t) = g and v / (1 - 0.999^t) = g^2 at every step t, because
    // m_t = (1 - 0.9^t) g and v_t = (1 - 0.999^t) g^2. So each step subtracts
    // lr * g / (|g| + 1e-8).
    let learningRate = 0.01
    let history = runSteps(.adam(AdamConfiguration(learningRate: learningRate)), steps: 3)
    for step in 1...3 {
      let expected = zip(Self.start, Self.gradient).map { weight, gradient in
        let g = Double(gradient)
        return Double(weight) - Double(step) * learningRate * g / (abs(g) + 1e-8)
      }
      expectClose(history[step - 1], expected, tolerance: 1e-6, "step \(step)")
    }
    // Step 3 written out for the first element: 1 - 3 * 0.01 * 0.1 / (0.1 + 1e-8).
    #expect(abs(Double(history[2][0]) - 0.97000000300) <= 1e-6)
  }

  @Test func adamWithL2FirstThreeSteps() {
    // Weight decay 0.1 adds 0.1 * w to the gradient, so the moments change each step:
    // d = g + 0.1 w, m = 0.9 m + 0.1 d, v = 0.999 v + 0.001 d^2,
    // w -= lr / (1 - 0.9^t) * m / (sqrt(v) / sqrt(1 - 0.999^t) + 1e-8).
    let learningRate = 0.1
    let weightDecay = 0.1
    let history = runSteps(
      .adam(AdamConfiguration(learningRate: learningRate, weightDecay: weightDecay)), steps: 3)
    var weights = Self.start.map(Double.init)
    var first = [Double](repeating: 0, count: weights.count)
    var second = [Double](repeating: 0, count: weights.count)
    for step in 1...3 {
      for index in weights.indices {
        let d = Double(Self.gradient[index]) + weightDecay * weights[index]
        first[index] = 0.9 * first[index] + 0.1 * d
        second[index] = 0.999 * second[index] + 0.001 * d * d
        let firstHat = first[index] / (1 - pow(0.9, Double(step)))
        let secondRoot = second[index].squareRoot() / (1 - pow(0.999, Double(step))).squareRoot()
        weights[index] -= learningRate * firstHat / (secondRoot + 1e-8)
      }
      expectClose(history[step - 1], weights, tolerance: 1e-6, "step \(step)")
    }
    // Step 1 written out for the first element: d = 0.2, so w1 = 1 - 0.1 * 0.2 / (0.2 + 1e-8).
    #expect(abs(Double(history[0][0]) - 0.900000005) <= 1e-6)
  }

  @Test func adamWFirstThreeSteps() {
    // Decoupled decay leaves the gradient fixed, so as in plain Adam each step subtracts
    // lr * g / (|g| + 1e-8), after first scaling w by 1 - lr * 0.01.
    let learningRate = 0.1
    let history = runSteps(.adamW(learningRate: learningRate), steps: 3)
    var weights = Self.start.map(Double.init)
    for step in 1...3 {
      for index in weights.indices {
        let g = Double(Self.gradient[index])
        weights[index] =
          weights[index] * (1 - learningRate * 0.01) - learningRate * g / (abs(g) + 1e-8)
      }
      expectClose(history[step - 1], weights, tolerance: 1e-6, "step \(step)")
    }
    // Step 1 for the first element: 1 * 0.999 - 0.1 * 0.1 / (0.1 + 1e-8) = 0.89900001.
    #expect(abs(Double(history[0][0]) - 0.89900001) <= 1e-6)
  }

  @Test func adamWDefaultsMatchPyTorch() {
    let adam = AdamConfiguration()
    let adamW = AdamConfiguration.adamW()
    #expect(adam.learningRate == 0.001)
    #expect(adam.beta1 == 0.9)
    #expect(adam.beta2 == 0.999)
    #expect(adam.epsilon == 1e-8)
    #expect(adam.weightDecay == 0)
    #expect(!adam.decoupledWeightDecay)
    #expect(adamW.weightDecay == 0.01)
    #expect(adamW.decoupledWeightDecay)
  }

  @Test func learningRateSetterKeepsSettings() {
    var configuration = OptimizerConfiguration.adamW(learningRate: 0.1)
    configuration.learningRate = 0.05
    #expect(configuration == .adamW(learningRate: 0.05))
    var sgd = OptimizerConfiguration.sgd(SGDConfiguration(momentum: 0.5, nesterov: true))
    sgd.learningRate = 0.2
    #expect(sgd == .sgd(SGDConfiguration(learningRate: 0.2, momentum: 0.5, nesterov: true)))
  }

  @Test func sgdDecodesWithoutNesterovKey() throws {
    let json = Data(#"{"learningRate":0.1,"momentum":0.8,"weightDecay":0.001}"#.utf8)
    let decoded = try JSONDecoder().decode(SGDConfiguration.self, from: json)
    #expect(decoded == SGDConfiguration(learningRate: 0.1, momentum: 0.8, weightDecay: 0.001))
  }

  /// Builds the small two-block model used by the agreement tests, with Adam.
  func makeAdamNetwork(_ configuration: AdamConfiguration) throws -> Network {
    let spec = try ModelSpec(
      name: "small", specification: "conv6k3p1-relu-pool2-conv10k3p1-relu-pool2-dense7-relu-dense4",
      inputShape: [2, 12, 10], classCount: 4)
    return try Network(spec: spec, batchSize: 5, seed: 11, optimizer: .adam(configuration))
  }

  func trainOnce(_ network: Network, seed: UInt64) throws {
    let spec = network.spec
    let images = normalValues(5 * spec.imageCount, seed: seed).map(Float.init)
    let labels = randomLabels(5, classes: spec.classCount, seed: seed + 1)
    _ = try images.withUnsafeBufferPointer { imageBuffer in
      try labels.withUnsafeBufferPointer { labelBuffer in
        try network.trainStep(images: imageBuffer, labels: labelBuffer, count: 5)
      }
    }
  }

  @Test func networkAdamStepMatchesUpdate() throws {
    let configuration = AdamConfiguration(learningRate: 0.01, weightDecay: 0.001)
    let network = try makeAdamNetwork(configuration)
    let start = network.parameterVector
    try trainOnce(network, seed: 900)
    let gradients = network.gradientVector
    let updated = network.parameterVector

    // The first step of the pure update from the same start and gradient.
    var expected = start
    var first = [Float](repeating: 0, count: start.count)
    var second = [Float](repeating: 0, count: start.count)
    expected.withUnsafeMutableBufferPointer { weights in
      gradients.withUnsafeBufferPointer { gradientBuffer in
        first.withUnsafeMutableBufferPointer { firstBuffer in
          second.withUnsafeMutableBufferPointer { secondBuffer in
            guard let weightBase = weights.baseAddress,
              let gradientBase = gradientBuffer.baseAddress,
              let firstBase = firstBuffer.baseAddress, let secondBase = secondBuffer.baseAddress
            else { return }
            applyAdam(
              configuration: configuration, step: 1, parameters: weightBase,
              gradients: gradientBase, firstMoment: firstBase, secondMoment: secondBase,
              count: start.count)
          }
        }
      }
    }
    let difference = maxDifference(updated.map(Double.init), expected.map(Double.init))
    #expect(difference <= 1e-6, "network and pure update differ by \(difference)")

    // Adam's first step moves each parameter by lr * d / (|d| + 1e-8), where d adds the L2
    // term. Where |d| > 1e-4, that is lr within 1e-4 relative.
    var checked = 0
    for index in start.indices {
      let d = Double(gradients[index]) + 0.001 * Double(start[index])
      guard abs(d) > 1e-4 else { continue }
      checked += 1
      let moved = Double(start[index]) - Double(updated[index])
      let direction = d > 0 ? 1.0 : -1.0
      #expect(abs(moved - 0.01 * direction) <= 2e-6, "parameter \(index) moved \(moved)")
    }
    #expect(checked > start.count / 2, "only \(checked) parameters had a usable gradient")
  }

  @Test func switchingOptimizerResetsState() throws {
    let configuration = AdamConfiguration(learningRate: 0.01)
    let network = try makeAdamNetwork(configuration)
    try trainOnce(network, seed: 910)
    network.optimizerConfiguration = .sgd(SGDConfiguration(learningRate: 0.1, momentum: 0.9))
    network.optimizerConfiguration = .adam(configuration)
    // After the reset, the next step is a first Adam step again: each parameter with a
    // clear gradient moves by about the learning rate.
    let start = network.parameterVector
    try trainOnce(network, seed: 920)
    let gradients = network.gradientVector
    let updated = network.parameterVector
    var checked = 0
    for index in start.indices where abs(gradients[index]) > 1e-4 {
      checked += 1
      let moved = Double(start[index]) - Double(updated[index])
      #expect(abs(abs(moved) - 0.01) <= 2e-6, "parameter \(index) moved \(moved)")
    }
    #expect(checked > start.count / 2, "only \(checked) parameters had a usable gradient")
  }

  @Test func networkLearningRateSetter() throws {
    let network = try makeAdamNetwork(AdamConfiguration(learningRate: 0.01))
    network.learningRate = 0.003
    #expect(network.optimizerConfiguration == .adam(AdamConfiguration(learningRate: 0.003)))
    network.optimizer = SGDConfiguration(learningRate: 0.2)
    #expect(network.learningRate == 0.2)
    #expect(network.optimizerConfiguration == .sgd(SGDConfiguration(learningRate: 0.2)))
  }
}
