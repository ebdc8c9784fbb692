import Foundation

/// Images and labels of one split, with pixels as bytes straight from the file.
public struct ImageSplit: Sendable {
  /// `[count, channels, height, width]`, values 0...255.
  public var pixels: [UInt8]
  /// `[count]`, each in `0..<classCount`.
  public var labels: [Int32]
  /// `[channels, height, width]`.
  public var shape: [Int]

  public var count: Int { labels.count }
  public var imageSize: Int { shape.reduce(1, *) }

  public init(pixels: [UInt8], labels: [Int32], shape: [Int]) {
    self.pixels = pixels
    self.labels = labels
    self.shape = shape
  }

  /// Returns the first `limit` samples, or all of them when `limit` is nil or larger.
  public func prefix(_ limit: Int?) -> ImageSplit {
    guard let limit, limit < count else { return self }
    return ImageSplit(
      pixels: Array(pixels[0..<(limit * imageSize)]), labels: Array(labels[0..<limit]),
      shape: shape)
  }
}

/// A training and a test split with their class names.
public struct ImageDataset: Sendable {
  /// A short name for logs and titles, such as `fashion-mnist`.
  public var name: String
  public var directory: String
  public var classNames: [String]
  public var train: ImageSplit
  public var test: ImageSplit

  public var classCount: Int { classNames.count }

  public init(
    name: String, directory: String, classNames: [String], train: ImageSplit, test: ImageSplit
  ) {
    self.name = name
    self.directory = directory
    self.classNames = classNames
    self.train = train
    self.test = test
  }
}

/// Per-channel-free normalisation `(pixel / 255 - mean) / standardDeviation`.
public struct Normalization: Sendable, Codable, Equatable {
  public var mean: Float
  public var standardDeviation: Float

  public init(mean: Float, standardDeviation: Float) {
    self.mean = mean
    self.standardDeviation = standardDeviation
  }

  /// Measures the mean and standard deviation of the pixels scaled to 0...1.
  public static func measure(_ pixels: [UInt8]) -> Normalization {
    guard !pixels.isEmpty else { return Normalization(mean: 0, standardDeviation: 1) }
    // A histogram keeps the sums exact in integers, whatever the number of pixels.
    var histogram = [Int](repeating: 0, count: 256)
    pixels.withUnsafeBufferPointer { buffer in
      for value in buffer { histogram[Int(value)] += 1 }
    }
    var sum = 0.0
    var sumOfSquares = 0.0
    for (value, count) in histogram.enumerated() where count > 0 {
      let scaled = Double(value) / 255
      sum += scaled * Double(count)
      sumOfSquares += scaled * scaled * Double(count)
    }
    let n = Double(pixels.count)
    let mean = sum / n
    let variance = max(0, sumOfSquares / n - mean * mean)
    let deviation = variance > 0 ? variance.squareRoot() : 1
    return Normalization(mean: Float(mean), standardDeviation: Float(deviation))
  }

  /// Converts bytes to normalised floats; `destination` has `source.count` elements.
  @inlinable
  public func apply(
    _ source: UnsafeBufferPointer<UInt8>, to destination: UnsafeMutableBufferPointer<Float>
  ) {
    let scale = 1 / (255 * standardDeviation)
    let offset = mean / standardDeviation
    for index in 0..<source.count {
      destination[index] = Float(source[index]) * scale - offset
    }
  }

  /// Returns one pixel normalised, bit for bit as `apply` converts it.
  @inlinable
  public func normalize(_ pixel: UInt8) -> Float {
    let scale = 1 / (255 * standardDeviation)
    let offset = mean / standardDeviation
    return Float(pixel) * scale - offset
  }

  /// Returns every image of `split` normalised, `[count, channels, height, width]`.
  public func normalizedImages(of split: ImageSplit) -> [Float] {
    var result = [Float](repeating: 0, count: split.pixels.count)
    split.pixels.withUnsafeBufferPointer { source in
      result.withUnsafeMutableBufferPointer { destination in
        apply(source, to: destination)
      }
    }
    return result
  }
}
