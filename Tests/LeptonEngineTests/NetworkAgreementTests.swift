import Testing

@testable import LeptonEngine

/// Compares the oneDNN network with `ReferenceNetwork` from identical parameters: forward
/// probabilities, loss, gradients and one SGD step. The network computes in `Float` and
/// the reference in `Double`, so the tolerances are scaled to each quantity's magnitude.
@Suite(.serialized)
struct NetworkAgreementTests {
  struct Case {
    var spec: ModelSpec
    var batchSize: Int
    var count: Int
    /// Largest gradient difference allowed, relative to the largest gradient.
    var gradientTolerance = 1e-4
  }

  static func smallCase(count: Int) throws -> Case {
    // 6 and 10 channels are not multiples of oneDNN's 8- or 16-channel blocks, which
    // exercises the padded blocked layouts.
    let spec = try ModelSpec(
      name: "small", specification: "conv6k3p1-relu-pool2-conv10k3p1-relu-pool2-dense7-relu-dense4",
      inputShape: [2, 12, 10], classCount: 4)
    return Case(spec: spec, batchSize: 5, count: count)
  }

  /// Batch normalisation after convolutions and after a dense layer, a strided convolution
  /// and average pooling.
  static func batchNormCase(count: Int) throws -> Case {
    let spec = try ModelSpec(
      name: "batch-norm",
      specification: "conv6k3p1-bn-relu-conv10k3s2p1-bn-relu-avgpool2-dense7-bn-relu-dense4",
      inputShape: [2, 12, 10], classCount: 4)
    return Case(spec: spec, batchSize: 5, count: count)
  }

  /// Returns a model with a 5x5 kernel, overlapping max pooling, global average pooling and
  /// dropout.
  static func poolingCase(count: Int) throws -> Case {
    let spec = try ModelSpec(
      name: "pooling",
      specification: "conv6k5p2-relu-pool3s2-conv8k3-relu-gap-dense9-relu-dropout0.5-dense4",
      inputShape: [3, 13, 11], classCount: 4)
    return Case(spec: spec, batchSize: 5, count: count)
  }

  static func presetCase(_ name: String = "fmnist-cnn", count: Int) throws -> Case {
    let spec = try ModelSpec(model: name, inputShape: [1, 28, 28], classCount: 10)
    // Five batch normalisations over 3 images divide by small batch deviations, which
    // magnifies Float rounding in the deepest gradients to about 1.3e-4 of the largest.
    let tolerance = spec.bufferCount > 0 ? 1e-3 : 1e-4
    return Case(spec: spec, batchSize: 4, count: count, gradientTolerance: tolerance)
  }

  /// Runs one training step on both implementations and checks every output.
  func checkTrainingStep(_ testCase: Case, seed: UInt64) throws {
    let spec = testCase.spec
    let count = testCase.count
    let configuration = SGDConfiguration(learningRate: 0.05, momentum: 0.9, weightDecay: 0.01)
    let network = try Network(
      spec: spec, batchSize: testCase.batchSize, seed: seed, optimizer: configuration)
    let start = network.parameterVector
    let images = normalValues(count * spec.imageCount, seed: seed + 1).map(Float.init)
    let labels = randomLabels(count, classes: spec.classCount, seed: seed + 2)

    var probabilities = [Float](repeating: 0, count: count * spec.classCount)
    let predictedLoss = try images.withUnsafeBufferPointer { imageBuffer in
      try labels.withUnsafeBufferPointer { labelBuffer in
        try probabilities.withUnsafeMutableBufferPointer { output in
          try network.predict(
            images: imageBuffer, labels: labelBuffer, count: count, probabilities: output)
        }
      }
    }
    let result = try images.withUnsafeBufferPointer { imageBuffer in
      try labels.withUnsafeBufferPointer { labelBuffer in
        try network.trainStep(images: imageBuffer, labels: labelBuffer, count: count)
      }
    }

    // Before the step, running statistics are mean 0 and variance 1, so inference-mode
    // probabilities come from the reference in inference mode. Training-mode values (loss,
    // accuracy, gradients) come from the reference with the network's dropout masks.
    var reference = ReferenceNetwork(spec: spec, parameters: start.map(Double.init))
    let plan = try network.plan(count: count, training: true)
    for (index, mask) in plan.dropoutMasks {
      reference.dropoutMasks[index] = mask.prefix(count * spec.layers[index].inputCount)
        .map(Double.init)
    }
    let inference = reference.forward(
      images: images.map(Double.init), batch: count, training: false)
    let expectedInference = ReferenceLayers.softmaxCrossEntropy(
      logits: inference.logits, labels: labels, classes: spec.classCount)
    let expected = reference.lossAndGradients(
      images: images.map(Double.init), labels: labels)
    let expectedLoss = reference.trainStep(
      images: images.map(Double.init), labels: labels, configuration: configuration)

    let probabilityDifference = maxDifference(
      probabilities.map(Double.init), expectedInference.probabilities)
    print("\(spec.name) n=\(count): probabilities max difference \(probabilityDifference)")
    #expect(probabilityDifference < 1e-4)
    let lossTolerance = 1e-4 * Double(count)
    print("\(spec.name) n=\(count): loss \(result.lossSum) vs \(expectedLoss)")
    #expect(abs(result.lossSum - expectedLoss) < lossTolerance)
    #expect(abs(predictedLoss - expectedInference.lossSum) < lossTolerance)
    let expectedCorrect = (0..<count).filter { row in
      let scores = expected.probabilities[(row * spec.classCount)..<((row + 1) * spec.classCount)]
      return scores.firstIndex(of: scores.max() ?? 0).map { $0 % spec.classCount }
        == Int(labels[row])
    }.count
    #expect(result.correct == expectedCorrect)

    let gradients = network.gradientVector.map(Double.init)
    let gradientScale = max(maxMagnitude(expected.gradients), 1)
    let gradientDifference = maxDifference(gradients, expected.gradients)
    print(
      "\(spec.name) n=\(count): gradients max difference \(gradientDifference)"
        + " (max magnitude \(gradientScale))")
    #expect(gradientDifference < testCase.gradientTolerance * gradientScale)
    for (index, layer) in spec.layers.enumerated() {
      guard let weights = layer.weights, let bias = layer.bias else { continue }
      let range = weights.offset..<(bias.offset + bias.count)
      let difference = maxDifference(Array(gradients[range]), Array(expected.gradients[range]))
      #expect(
        difference < testCase.gradientTolerance * gradientScale,
        "layer \(index + 1) \(layer.kind.token) gradients differ by \(difference)")
    }
    let runningDifference = maxDifference(
      network.bufferVector.map(Double.init), reference.buffers)
    print("\(spec.name) n=\(count): running statistics max difference \(runningDifference)")
    #expect(runningDifference < 1e-5)

    let updated = network.parameterVector.map(Double.init)
    let parameterDifference = maxDifference(updated, reference.parameters)
    print("\(spec.name) n=\(count): parameters after SGD max difference \(parameterDifference)")
    #expect(parameterDifference < 1e-5)
    #expect(maxDifference(updated, start.map(Double.init)) > 1e-4, "the step changed nothing")

    // Inference after the step uses the updated running statistics.
    var after = [Float](repeating: 0, count: count * spec.classCount)
    _ = try images.withUnsafeBufferPointer { imageBuffer in
      try labels.withUnsafeBufferPointer { labelBuffer in
        try after.withUnsafeMutableBufferPointer { output in
          try network.predict(
            images: imageBuffer, labels: labelBuffer, count: count, probabilities: output)
        }
      }
    }
    let expectedAfter = ReferenceLayers.softmaxCrossEntropy(
      logits: reference.forward(images: images.map(Double.init), batch: count, training: false)
        .logits,
      labels: labels, classes: spec.classCount)
    let afterDifference = maxDifference(after.map(Double.init), expectedAfter.probabilities)
    print("\(spec.name) n=\(count): inference after the step max difference \(afterDifference)")
    #expect(afterDifference < 1e-4)
  }

  @Test func smallModelFullBatch() throws {
    try checkTrainingStep(try Self.smallCase(count: 5), seed: 100)
  }

  @Test func smallModelPartialBatch() throws {
    try checkTrainingStep(try Self.smallCase(count: 3), seed: 200)
  }

  @Test func batchNormModelFullBatch() throws {
    try checkTrainingStep(try Self.batchNormCase(count: 5), seed: 110)
  }

  @Test func batchNormModelPartialBatch() throws {
    try checkTrainingStep(try Self.batchNormCase(count: 2), seed: 210)
  }

  @Test func poolingAndDropoutModel() throws {
    try checkTrainingStep(try Self.poolingCase(count: 5), seed: 120)
  }

  @Test(arguments: ["fmnist-bn", "lenet5"])
  func otherPresets(name: String) throws {
    try checkTrainingStep(try Self.presetCase(name, count: 3), seed: 130)
  }

  @Test func presetModelFullBatch() throws {
    try checkTrainingStep(try Self.presetCase(count: 4), seed: 300)
  }

  @Test func presetModelSingleImage() throws {
    try checkTrainingStep(try Self.presetCase(count: 1), seed: 400)
  }

  @Test func momentumAcrossTwoSteps() throws {
    let testCase = try Self.smallCase(count: 5)
    let spec = testCase.spec
    let configuration = SGDConfiguration(learningRate: 0.1, momentum: 0.9, weightDecay: 0)
    let network = try Network(spec: spec, batchSize: 5, seed: 7, optimizer: configuration)
    var reference = ReferenceNetwork(
      spec: spec, parameters: network.parameterVector.map(Double.init))
    for step in 0..<2 {
      let images = normalValues(5 * spec.imageCount, seed: 500 + UInt64(step)).map(Float.init)
      let labels = randomLabels(5, classes: spec.classCount, seed: 600 + UInt64(step))
      _ = reference.trainStep(
        images: images.map(Double.init), labels: labels, configuration: configuration)
      _ = try images.withUnsafeBufferPointer { imageBuffer in
        try labels.withUnsafeBufferPointer { labelBuffer in
          try network.trainStep(images: imageBuffer, labels: labelBuffer, count: 5)
        }
      }
    }
    let difference = maxDifference(network.parameterVector.map(Double.init), reference.parameters)
    print("two SGD steps with momentum: parameters max difference \(difference)")
    #expect(difference < 1e-5)
  }

  @Test func predictSplitsLargeRequests() throws {
    let spec = try Self.smallCase(count: 1).spec
    let network = try Network(spec: spec, batchSize: 5, seed: 8, optimizer: SGDConfiguration())
    let count = Network.maximumInferenceBatch + 37
    let images = normalValues(count * spec.imageCount, seed: 700).map(Float.init)
    let labels = randomLabels(count, classes: spec.classCount, seed: 701)
    var probabilities = [Float](repeating: -1, count: count * spec.classCount)
    let lossSum = try images.withUnsafeBufferPointer { imageBuffer in
      try labels.withUnsafeBufferPointer { labelBuffer in
        try probabilities.withUnsafeMutableBufferPointer { output in
          try network.predict(
            images: imageBuffer, labels: labelBuffer, count: count, probabilities: output)
        }
      }
    }
    // Check the last rows, which come from the second chunk, against the reference.
    let tail = 37
    let reference = ReferenceNetwork(
      spec: spec, parameters: network.parameterVector.map(Double.init))
    let expected = reference.lossAndGradients(
      images: images.suffix(tail * spec.imageCount).map(Double.init),
      labels: Array(labels.suffix(tail)))
    let difference = maxDifference(
      probabilities.suffix(tail * spec.classCount).map(Double.init), expected.probabilities)
    print("predict second chunk: probabilities max difference \(difference)")
    #expect(difference < 1e-4)
    #expect(lossSum.isFinite)
    #expect(!probabilities.contains(-1), "every probability must be written")
  }
}
