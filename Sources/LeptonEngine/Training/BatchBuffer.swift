/// Preallocated storage for one training batch, refilled every step without allocating.
struct BatchBuffer {
  private var images: [Float]
  private var labels: [Int32]
  /// `[channels, height, width]` of every image.
  let shape: (channels: Int, height: Int, width: Int)
  let imageSize: Int
  let normalization: Normalization
  let augmentation: Augmentation

  /// Creates a buffer for `batchSize` images of `shape` `[channels, height, width]`.
  init(
    batchSize: Int, shape: [Int], normalization: Normalization,
    augmentation: Augmentation = .none
  ) {
    let imageSize = shape.reduce(1, *)
    // `Network` accepts only three-dimensional shapes, so any other is cropped as one row.
    self.shape = shape.count == 3 ? (shape[0], shape[1], shape[2]) : (1, 1, imageSize)
    self.imageSize = imageSize
    self.images = [Float](repeating: 0, count: batchSize * imageSize)
    self.labels = [Int32](repeating: 0, count: batchSize)
    self.normalization = normalization
    self.augmentation = augmentation
  }

  /// Copies and normalises the samples at `order`'s indices into the first rows. With
  /// augmentation on, each image is cropped and flipped by a draw from `generator`, one
  /// draw per image in `order`'s order.
  mutating func fill(
    from split: ImageSplit, order: ArraySlice<Int32>, generator: inout Xoshiro256StarStar
  ) {
    let size = imageSize
    let normalization = normalization
    let augmentation = augmentation
    let shape = shape
    split.pixels.withUnsafeBufferPointer { pixels in
      images.withUnsafeMutableBufferPointer { destination in
        for (row, index) in order.enumerated() {
          let source = UnsafeBufferPointer(
            rebasing: pixels[(Int(index) * size)..<((Int(index) + 1) * size)])
          let target = UnsafeMutableBufferPointer(
            rebasing: destination[(row * size)..<((row + 1) * size)])
          if augmentation.isEnabled {
            augmentation.draw(using: &generator).apply(
              to: source, shape: shape, padding: augmentation.cropPadding,
              normalization: normalization, destination: target)
          } else {
            normalization.apply(source, to: target)
          }
        }
      }
    }
    for (row, index) in order.enumerated() {
      labels[row] = split.labels[Int(index)]
    }
  }

  func withBuffers<Result>(
    _ body: (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Int32>) throws -> Result
  ) rethrows -> Result {
    try images.withUnsafeBufferPointer { imageBuffer in
      try labels.withUnsafeBufferPointer { labelBuffer in
        try body(imageBuffer, labelBuffer)
      }
    }
  }
}
