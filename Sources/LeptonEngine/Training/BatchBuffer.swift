/// Preallocated storage for one training batch, refilled every step without allocating.
struct BatchBuffer {
  private var images: [Float]
  private var labels: [Int32]
  let imageSize: Int
  let normalization: Normalization

  init(batchSize: Int, imageSize: Int, normalization: Normalization) {
    self.images = [Float](repeating: 0, count: batchSize * imageSize)
    self.labels = [Int32](repeating: 0, count: batchSize)
    self.imageSize = imageSize
    self.normalization = normalization
  }

  /// Copies and normalises the samples at `order`'s indices into the first rows.
  mutating func fill(from split: ImageSplit, order: ArraySlice<Int32>) {
    let size = imageSize
    let normalization = normalization
    split.pixels.withUnsafeBufferPointer { pixels in
      images.withUnsafeMutableBufferPointer { destination in
        for (row, index) in order.enumerated() {
          let source = UnsafeBufferPointer(
            rebasing: pixels[(Int(index) * size)..<((Int(index) + 1) * size)])
          let target = UnsafeMutableBufferPointer(
            rebasing: destination[(row * size)..<((row + 1) * size)])
          normalization.apply(source, to: target)
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
