import Testing

@testable import LeptonEngine

/// Public behaviour of `Network`: presets, validation errors, seeding and NaN handling.
@Suite(.serialized)
struct NetworkAPITests {
  func makePreset(seed: UInt64 = 1, batchSize: Int = 8) throws -> Network {
    try Network(
      model: "fmnist-cnn", inputShape: [1, 28, 28], classCount: 10, batchSize: batchSize,
      seed: seed, optimizer: SGDConfiguration())
  }

  @Test func presetLayersAndParameterCount() throws {
    let network = try makePreset()
    // conv1 32*1*9+32, conv2 64*32*9+64, dense1 3136*128+128, dense2 128*10+10.
    #expect(network.parameterCount == 320 + 18_496 + 401_536 + 1_290)
    #expect(network.layers.map(\.outputShape).first == [32, 28, 28])
    #expect(network.layers.contains { $0.outputShape == [3136] })
    #expect(network.layers.last?.outputShape == [10])
    #expect(network.layers.reduce(0) { $0 + $1.parameterCount } == network.parameterCount)
  }

  @Test func unknownModelListsPresets() {
    let presets = ["fmnist-cnn", "fmnist-bn", "cifar-cnn", "lenet5"]
    #expect(throws: NetworkError.unknownModel(name: "resnet", presets: presets)) {
      _ = try Network(
        model: "resnet", inputShape: [1, 28, 28], classCount: 10, batchSize: 8, seed: 1,
        optimizer: SGDConfiguration())
    }
    let message = NetworkError.unknownModel(name: "resnet", presets: ["fmnist-cnn"]).description
    #expect(message.contains("fmnist-cnn"))
  }

  @Test func invalidShapesAreRejected() {
    for shape in [[28, 28], [1, 3, 3], [0, 28, 28]] {
      #expect(throws: NetworkError.self, "shape \(shape)") {
        _ = try Network(
          model: "fmnist-cnn", inputShape: shape, classCount: 10, batchSize: 8, seed: 1,
          optimizer: SGDConfiguration())
      }
    }
  }

  @Test func sameSeedSameWeights() throws {
    let first = try makePreset(seed: 42).parameterVector
    let second = try makePreset(seed: 42).parameterVector
    let other = try makePreset(seed: 43).parameterVector
    #expect(first == second)
    #expect(first != other)
  }

  @Test func heInitialisationScale() throws {
    let spec = try ModelSpec(model: "fmnist-cnn", inputShape: [1, 28, 28], classCount: 10)
    let parameters = spec.initialParameters(seed: 5)
    let denseLayer = try #require(spec.layers.first { $0.kind == .dense(units: 128) })
    let denseWeights = try #require(denseLayer.weights)
    let denseBias = try #require(denseLayer.bias)
    let weights = parameters[denseWeights.range]
    let variance = weights.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(weights.count)
    let expected = 2.0 / 3136
    // 401,408 samples put the sample variance within about 0.5% of the true one.
    #expect(abs(variance / expected - 1) < 0.02, "variance \(variance), expected \(expected)")
    let bias = parameters[denseBias.range]
    #expect(bias.allSatisfy { $0 == 0 })
  }

  @Test func invalidCountLabelAndBufferAreRejected() throws {
    let network = try makePreset()
    let images = [Float](repeating: 0, count: 8 * 784)
    var labels = [Int32](repeating: 1, count: 8)
    images.withUnsafeBufferPointer { imageBuffer in
      labels.withUnsafeBufferPointer { labelBuffer in
        #expect(throws: NetworkError.invalidBatchCount(count: 9, maximum: 8)) {
          _ = try network.trainStep(images: imageBuffer, labels: labelBuffer, count: 9)
        }
        #expect(throws: NetworkError.invalidBatchCount(count: 0, maximum: 8)) {
          _ = try network.trainStep(images: imageBuffer, labels: labelBuffer, count: 0)
        }
        let short = UnsafeBufferPointer(rebasing: imageBuffer[0..<100])
        #expect(throws: NetworkError.bufferTooSmall(name: "images", required: 784, actual: 100)) {
          _ = try network.trainStep(images: short, labels: labelBuffer, count: 1)
        }
      }
    }
    labels[3] = 10
    images.withUnsafeBufferPointer { imageBuffer in
      _ = labels.withUnsafeBufferPointer { labelBuffer in
        #expect(throws: NetworkError.invalidLabel(index: 3, label: 10, classCount: 10)) {
          _ = try network.trainStep(images: imageBuffer, labels: labelBuffer, count: 8)
        }
      }
    }
  }

  @Test func nanInputsDoNotCrash() throws {
    let network = try makePreset()
    let images = [Float](repeating: .nan, count: 8 * 784)
    let labels = [Int32](repeating: 2, count: 8)
    // oneDNN's fused ReLU maps NaN to 0 here, so the loss may be finite. The step must
    // only return normally.
    for _ in 0..<2 {
      _ = try images.withUnsafeBufferPointer { imageBuffer in
        try labels.withUnsafeBufferPointer { labelBuffer in
          try network.trainStep(images: imageBuffer, labels: labelBuffer, count: 8)
        }
      }
    }
  }

  @Test func nanWeightsGiveNaNLoss() throws {
    let network = try makePreset()
    network.parameterVector = [Float](repeating: .nan, count: network.parameterCount)
    let images = normalValues(8 * 784, seed: 11).map(Float.init)
    let labels = [Int32](repeating: 2, count: 8)
    for _ in 0..<2 {
      let result = try images.withUnsafeBufferPointer { imageBuffer in
        try labels.withUnsafeBufferPointer { labelBuffer in
          try network.trainStep(images: imageBuffer, labels: labelBuffer, count: 8)
        }
      }
      #expect(result.lossSum.isNaN)
      #expect(result.correct == 0)
    }
  }

  @Test func hugeLearningRateDiverges() throws {
    let network = try Network(
      model: "fmnist-cnn", inputShape: [1, 28, 28], classCount: 10, batchSize: 8, seed: 1,
      optimizer: SGDConfiguration(learningRate: 1e6, momentum: 0.9))
    let images = normalValues(8 * 784, seed: 12).map(Float.init)
    let labels = randomLabels(8, classes: 10, seed: 13)
    var losses: [Double] = []
    for _ in 0..<10 {
      let result = try images.withUnsafeBufferPointer { imageBuffer in
        try labels.withUnsafeBufferPointer { labelBuffer in
          try network.trainStep(images: imageBuffer, labels: labelBuffer, count: 8)
        }
      }
      losses.append(result.lossSum)
    }
    print("losses with learning rate 1e6: \(losses)")
    #expect(losses.contains { !$0.isFinite || $0 > 1e6 })
  }

  @Test func lossFallsOnRepeatedBatch() throws {
    let network = try makePreset()
    let images = normalValues(8 * 784, seed: 9).map(Float.init)
    let labels = randomLabels(8, classes: 10, seed: 10)
    var losses: [Double] = []
    for _ in 0..<20 {
      let result = try images.withUnsafeBufferPointer { imageBuffer in
        try labels.withUnsafeBufferPointer { labelBuffer in
          try network.trainStep(images: imageBuffer, labels: labelBuffer, count: 8)
        }
      }
      losses.append(result.lossSum)
    }
    print("loss on one repeated batch: first \(losses[0]), last \(losses[19])")
    #expect(losses[19] < 0.1 * losses[0])
  }

  @Test func primitivesUseOptimisedKernels() throws {
    let network = try makePreset()
    let implementations =
      try network.plan(count: 8, training: true).implementations
      + network.plan(count: 100, training: false).implementations
    #expect(implementations.contains { $0.hasPrefix("conv64k3p1 (layer 4) backward data") })
    #expect(implementations.count >= 20, "training and inference primitives: \(implementations)")
    for line in implementations {
      #expect(!line.contains("ref"), "reference kernel chosen: \(line)")
    }
  }
}
