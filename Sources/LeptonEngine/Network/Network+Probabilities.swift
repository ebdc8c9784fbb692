extension Network {
  /// Returns softmax probabilities `[count, classCount]` for every image of a split,
  /// predicting `batchSize` images at a time in inference mode.
  ///
  /// - Parameters:
  ///   - images: Normalised images `[count, channels, height, width]`.
  ///   - labels: `[count]`, each in `0..<classCount`. They only enter the loss, which this
  ///     method does not return.
  public func probabilities(images: [Float], labels: [Int32], batchSize: Int) throws -> [Float] {
    let count = labels.count
    let classCount = spec.classCount
    let imageSize = spec.imageCount
    guard images.count == count * imageSize else {
      throw NetworkError.bufferTooSmall(
        name: "images", required: count * imageSize, actual: images.count)
    }
    var probabilities = [Float](repeating: 0, count: count * classCount)
    try images.withUnsafeBufferPointer { allImages in
      try labels.withUnsafeBufferPointer { allLabels in
        try probabilities.withUnsafeMutableBufferPointer { allProbabilities in
          var first = 0
          while first < count {
            let chunk = min(max(batchSize, 1), count - first)
            let imageSlice = UnsafeBufferPointer(
              rebasing: allImages[(first * imageSize)..<((first + chunk) * imageSize)])
            let labelSlice = UnsafeBufferPointer(rebasing: allLabels[first..<(first + chunk)])
            let output = UnsafeMutableBufferPointer(
              rebasing: allProbabilities[(first * classCount)..<((first + chunk) * classCount)])
            _ = try predict(
              images: imageSlice, labels: labelSlice, count: chunk, probabilities: output)
            first += chunk
          }
        }
      }
    }
    return probabilities
  }
}
