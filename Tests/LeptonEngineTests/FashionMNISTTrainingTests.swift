import CZlib
import Foundation
import Testing

@testable import LeptonEngine

/// End-to-end training of `fmnist-cnn` on Fashion-MNIST. It takes about a minute in a
/// release build, so it runs only when `LEPTON_TRAINING_TESTS=1` is set.
@Suite(
  .serialized,
  .enabled(if: ProcessInfo.processInfo.environment["LEPTON_TRAINING_TESTS"] == "1"))
struct FashionMNISTTrainingTests {
  static let directory = "/usr/share/datasets/fashion-mnist"

  /// Returns the decompressed bytes of a gzip file.
  static func gunzip(_ path: String) throws -> [UInt8] {
    guard let file = gzopen(path, "rb") else {
      throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
    }
    defer { gzclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let read = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
      if read < 0 { throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path]) }
      if read == 0 { break }
      bytes += chunk[0..<Int(read)]
    }
    return bytes
  }

  /// Returns images `[count, 784]` as bytes 0...255 and labels `[count]` of one split.
  static func load(split: String) throws -> (images: [UInt8], labels: [Int32]) {
    let images = try gunzip("\(directory)/\(split)-images-idx3-ubyte.gz")
    let labels = try gunzip("\(directory)/\(split)-labels-idx1-ubyte.gz")
    // IDX headers: 16 bytes for images (magic, count, rows, columns), 8 for labels.
    return (Array(images[16...]), labels[8...].map { Int32($0) })
  }

  @Test func twoEpochsReachTestAccuracy() throws {
    let train = try Self.load(split: "train")
    let test = try Self.load(split: "t10k")
    let mean = train.images.reduce(0.0) { $0 + Double($1) } / Double(train.images.count)
    let variance =
      train.images.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) }
      / Double(train.images.count)
    let deviation = variance.squareRoot()
    func normalise(_ bytes: [UInt8]) -> [Float] {
      bytes.map { Float((Double($0) - mean) / deviation) }
    }
    let trainImages = normalise(train.images)
    let testImages = normalise(test.images)
    let trainCount = train.labels.count
    let testCount = test.labels.count
    #expect(trainCount == 60_000)
    #expect(testCount == 10_000)

    let batchSize = 64
    let network = try Network(
      model: "fmnist-cnn", inputShape: [1, 28, 28], classCount: 10, batchSize: batchSize,
      seed: 1, optimizer: SGDConfiguration(learningRate: 0.01, momentum: 0.9))
    var generator = Xoshiro256StarStar(seed: 7)
    var batchImages = [Float](repeating: 0, count: batchSize * 784)
    var batchLabels = [Int32](repeating: 0, count: batchSize)
    for epoch in 1...2 {
      let order = (0..<trainCount).shuffled(using: &generator)
      var lossSum = 0.0
      var correct = 0
      let start = Date()
      var first = 0
      while first < trainCount {
        let count = min(batchSize, trainCount - first)
        for row in 0..<count {
          let index = order[first + row]
          batchImages.replaceSubrange(
            (row * 784)..<((row + 1) * 784), with: trainImages[(index * 784)..<((index + 1) * 784)])
          batchLabels[row] = train.labels[index]
        }
        let result = try batchImages.withUnsafeBufferPointer { images in
          try batchLabels.withUnsafeBufferPointer { labels in
            try network.trainStep(images: images, labels: labels, count: count)
          }
        }
        lossSum += result.lossSum
        correct += result.correct
        first += count
      }
      let seconds = Date().timeIntervalSince(start)
      print(
        "epoch \(epoch): train loss \(lossSum / Double(trainCount)), accuracy "
          + "\(Double(correct) / Double(trainCount)), \(Double(trainCount) / seconds) images/s")
    }

    var probabilities = [Float](repeating: 0, count: testCount * 10)
    let testLoss = try testImages.withUnsafeBufferPointer { images in
      try test.labels.withUnsafeBufferPointer { labels in
        try probabilities.withUnsafeMutableBufferPointer { output in
          try network.predict(
            images: images, labels: labels, count: testCount, probabilities: output)
        }
      }
    }
    var correct = 0
    for row in 0..<testCount {
      let scores = probabilities[(row * 10)..<((row + 1) * 10)]
      if let best = scores.indices.max(by: { scores[$0] < scores[$1] }),
        best - row * 10 == Int(test.labels[row])
      {
        correct += 1
      }
    }
    let accuracy = Double(correct) / Double(testCount)
    print("test loss \(testLoss / Double(testCount)), accuracy \(accuracy)")
    // NOTE: the 2-epoch test accuracy depends on the seed. Seeds 1, 2, 3 and 42 with this
    // shuffle gave 0.8927, 0.8988, 0.8892 and 0.8886, so 0.89 is close to the typical result.
    #expect(accuracy >= 0.89)
  }
}
