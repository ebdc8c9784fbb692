/// Throughput of one model measured by `Benchmark.run`.
public struct BenchmarkResult: Sendable, Codable, Equatable {
  public var model: String
  public var trainBatchSize: Int
  public var evaluationBatchSize: Int
  /// Median training throughput over the repeats, in images per second.
  public var trainImagesPerSecond: Double
  /// Median inference throughput over the repeats, in images per second.
  public var evalImagesPerSecond: Double
  /// Median wall time of one training step at `trainBatchSize`, in milliseconds.
  public var trainStepMilliseconds: Double
  /// Training throughput of each repeat, in images per second.
  public var trainSamples: [Double]
  /// Inference throughput of each repeat, in images per second.
  public var evalSamples: [Double]
  /// Training throughput of the plain-loop `Double` reference implementation in the same
  /// run, in images per second, or nil when the baseline was skipped.
  public var referenceTrainImagesPerSecond: Double?

  /// `trainImagesPerSecond / referenceTrainImagesPerSecond`, or nil without a baseline.
  public var speedupOverReference: Double? {
    referenceTrainImagesPerSecond.map { trainImagesPerSecond / $0 }
  }
}

/// Times training and inference of a model on synthetic or provided data.
public enum Benchmark {
  /// Measures training at `trainBatchSize` and inference at `evaluationBatchSize`.
  ///
  /// Each of `repeats` repeats times `trainSteps` training steps and `evaluationCalls`
  /// `predict` calls. Before them, `warmupSteps` training steps and one `predict` run
  /// untimed. The result reports the median repeat.
  ///
  /// - Parameters:
  ///   - images: Normalised images `[count, channels, height, width]` to cycle through, or nil
  ///     to use standard normal noise.
  ///   - labels: Labels `[count]` of `images`, or nil for uniform random labels.
  ///   - referenceImages: Images timed in one step of the plain-loop reference
  ///     implementation, which ran at 20 to 30 images/s in a release build on a 2-core
  ///     AVX-512 CPU. 0 skips the baseline.
  public static func run(
    model: String = "fmnist-cnn", inputShape: [Int] = [1, 28, 28], classCount: Int = 10,
    trainBatchSize: Int = 64, evaluationBatchSize: Int = 1000, trainSteps: Int = 50,
    evaluationCalls: Int = 2, warmupSteps: Int = 5, repeats: Int = 5,
    referenceImages: Int = 16, images: [Float]? = nil, labels: [Int32]? = nil, seed: UInt64 = 1
  ) throws -> BenchmarkResult {
    guard trainSteps >= 1, evaluationCalls >= 1, repeats >= 1, warmupSteps >= 0 else {
      throw NetworkError.invalidConfiguration(
        "benchmark steps, calls and repeats must be at least 1 and warm-up steps at least 0")
    }
    let network = try Network(
      model: model, inputShape: inputShape, classCount: classCount, batchSize: trainBatchSize,
      seed: seed, optimizer: SGDConfiguration())
    let imageSize = network.spec.imageCount
    let poolCount = max(trainBatchSize, evaluationBatchSize)
    let data = try benchmarkData(
      images: images, labels: labels, imageSize: imageSize, classCount: classCount,
      minimumCount: poolCount, seed: seed)

    var probabilities = [Float](repeating: 0, count: evaluationBatchSize * classCount)
    return try data.images.withUnsafeBufferPointer { imageBuffer in
      try data.labels.withUnsafeBufferPointer { labelBuffer in
        try probabilities.withUnsafeMutableBufferPointer { output in
          var batchIndex = 0
          let batchesInPool = data.labels.count / trainBatchSize
          func trainOnce() throws {
            let first = (batchIndex % batchesInPool) * trainBatchSize
            batchIndex += 1
            _ = try network.trainStep(
              images: UnsafeBufferPointer(rebasing: imageBuffer[(first * imageSize)...]),
              labels: UnsafeBufferPointer(rebasing: labelBuffer[first...]), count: trainBatchSize)
          }
          func predictOnce() throws {
            _ = try network.predict(
              images: imageBuffer, labels: labelBuffer, count: evaluationBatchSize,
              probabilities: output)
          }

          for _ in 0..<warmupSteps { try trainOnce() }
          try predictOnce()
          var trainSamples: [Double] = []
          var evalSamples: [Double] = []
          for _ in 0..<repeats {
            let trainSeconds = try measureSeconds { for _ in 0..<trainSteps { try trainOnce() } }
            trainSamples.append(Double(trainSteps * trainBatchSize) / trainSeconds)
            let evalSeconds = try measureSeconds {
              for _ in 0..<evaluationCalls { try predictOnce() }
            }
            evalSamples.append(Double(evaluationCalls * evaluationBatchSize) / evalSeconds)
          }
          let trainMedian = median(trainSamples)
          return BenchmarkResult(
            model: model, trainBatchSize: trainBatchSize,
            evaluationBatchSize: evaluationBatchSize, trainImagesPerSecond: trainMedian,
            evalImagesPerSecond: median(evalSamples),
            trainStepMilliseconds: 1000 * Double(trainBatchSize) / trainMedian,
            trainSamples: trainSamples, evalSamples: evalSamples,
            referenceTrainImagesPerSecond: try referenceThroughput(
              network: network, images: data.images, labels: data.labels,
              count: min(referenceImages, data.labels.count)))
        }
      }
    }
  }

  /// Returns the provided data after checking it, or seeded synthetic data.
  private static func benchmarkData(
    images: [Float]?, labels: [Int32]?, imageSize: Int, classCount: Int, minimumCount: Int,
    seed: UInt64
  ) throws -> (images: [Float], labels: [Int32]) {
    if let images, let labels {
      guard labels.count >= minimumCount, images.count >= labels.count * imageSize else {
        throw NetworkError.invalidConfiguration(
          "benchmark data has \(labels.count) labels and \(images.count) floats, but at least "
            + "\(minimumCount) images of \(imageSize) floats are required")
      }
      return (images, labels)
    }
    var generator = Xoshiro256StarStar(seed: seed ^ 0x5EED)
    let syntheticImages = (0..<(minimumCount * imageSize)).map { _ in
      Float(generator.nextNormal())
    }
    let syntheticLabels = (0..<minimumCount).map { _ in
      Int32(generator.next() % UInt64(classCount))
    }
    return (syntheticImages, syntheticLabels)
  }

  /// Returns the training images per second of `ReferenceNetwork` on one batch of `count`.
  private static func referenceThroughput(
    network: Network, images: [Float], labels: [Int32], count: Int
  ) throws -> Double? {
    guard count >= 1 else { return nil }
    var reference = ReferenceNetwork(
      spec: network.spec, parameters: network.parameterVector.map(Double.init))
    let batchImages = images.prefix(count * network.spec.imageCount).map(Double.init)
    let batchLabels = Array(labels.prefix(count))
    let seconds = try measureSeconds {
      _ = reference.trainStep(
        images: batchImages, labels: batchLabels, configuration: network.optimizer)
    }
    return Double(count) / seconds
  }

  private static func measureSeconds(_ body: () throws -> Void) throws -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    let elapsed = start.duration(to: clock.now).components
    return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
  }

  private static func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
}
