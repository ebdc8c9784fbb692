extension ImageSplit {
  /// Returns the number of samples that `fraction` of `count` holds out: the product
  /// rounded to the nearest integer, halves away from zero. The result may be 0 or
  /// `count`, which leave one part empty.
  public static func validationCount(fraction: Double, of count: Int) -> Int {
    guard fraction > 0, count > 0 else { return 0 }
    return min(count, Int((fraction * Double(count)).rounded()))
  }

  /// Splits the samples into a training part and a validation part of
  /// `validationCount` samples picked by a seeded shuffle. Both parts keep the samples
  /// in their original order. The same seed gives the same parts.
  public func holdingOut(validationCount: Int, seed: UInt64) -> (
    train: ImageSplit, validation: ImageSplit
  ) {
    let heldOut = max(0, min(count, validationCount))
    var generator = Xoshiro256StarStar(seed: seed ^ 0x2545_F491_4F6C_DD1D)
    var indices = Array(0..<count)
    indices.shuffle(using: &generator)
    let validationIndices = indices[..<heldOut].sorted()
    let trainIndices = indices[heldOut...].sorted()
    return (subset(trainIndices), subset(validationIndices))
  }

  /// Returns the samples at `indices`, in that order.
  func subset(_ indices: [Int]) -> ImageSplit {
    let size = imageSize
    var subsetPixels: [UInt8] = []
    subsetPixels.reserveCapacity(indices.count * size)
    for index in indices {
      subsetPixels.append(contentsOf: pixels[(index * size)..<((index + 1) * size)])
    }
    return ImageSplit(pixels: subsetPixels, labels: indices.map { labels[$0] }, shape: shape)
  }
}
