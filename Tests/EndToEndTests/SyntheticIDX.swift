import Foundation

/// Writes a small, learnable data set in the IDX format: square images, 28x28
/// unless given, whose class is drawn as a bright horizontal band at a
/// class-specific height, over seeded noise.
enum SyntheticIDX {
  static let classCount = 10
  static let side = 28

  /// Writes the four IDX files. `side` must be at least 23 to fit the lowest band.
  static func write(
    to directory: String, trainCount: Int, testCount: Int, seed: UInt64 = 1,
    side: Int = SyntheticIDX.side
  ) throws {
    var state = seed
    func nextByte() -> UInt8 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(truncatingIfNeeded: state >> 56)
    }
    for (prefix, count) in [("train", trainCount), ("t10k", testCount)] {
      var pixels: [UInt8] = []
      var labels: [UInt8] = []
      pixels.reserveCapacity(count * side * side)
      for index in 0..<count {
        let label = index % classCount
        labels.append(UInt8(label))
        let bandTop = 1 + label * 2 + Int(nextByte() % 2)
        for row in 0..<side {
          for _ in 0..<side {
            let noise = nextByte() / 4
            pixels.append((bandTop...(bandTop + 2)).contains(row) ? 200 &+ noise / 2 : noise)
          }
        }
      }
      try header(magic: 0x0803, dimensions: [count, side, side], payload: pixels)
        .write(to: URL(fileURLWithPath: "\(directory)/\(prefix)-images-idx3-ubyte"))
      try header(magic: 0x0801, dimensions: [count], payload: labels)
        .write(to: URL(fileURLWithPath: "\(directory)/\(prefix)-labels-idx1-ubyte"))
    }
  }

  private static func header(magic: UInt32, dimensions: [Int], payload: [UInt8]) -> Data {
    var data = Data()
    for value in [Int(magic)] + dimensions {
      data.append(contentsOf: withUnsafeBytes(of: UInt32(value).bigEndian) { Array($0) })
    }
    data.append(contentsOf: payload)
    return data
  }
}
