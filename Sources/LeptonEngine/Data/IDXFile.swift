import CZlib
import Foundation

/// The contents of one IDX file: unsigned-byte data with its dimensions.
public struct IDXArray: Sendable {
  /// Dimensions in file order, e.g. `[60000, 28, 28]` for images and `[60000]` for labels.
  public var dimensions: [Int]
  /// Row-major values, `dimensions.reduce(1, *)` of them.
  public var values: [UInt8]
}

/// Reader for the IDX format of MNIST and Fashion-MNIST, gzip-compressed or raw.
///
/// The header is a magic number `0x00 0x00 TYPE RANK` followed by RANK big-endian
/// 32-bit dimensions. Only TYPE `0x08` (unsigned byte) is used by these data sets.
public enum IDXFile {
  static let unsignedByteType: UInt8 = 0x08

  /// Reads and validates an IDX file of the given rank.
  public static func read(path: String, expectedRank: Int) throws -> IDXArray {
    let bytes = try readDecompressed(path: path)
    return try parse(bytes, path: path, expectedRank: expectedRank)
  }

  /// Parses IDX bytes that are already decompressed.
  static func parse(_ bytes: [UInt8], path: String, expectedRank: Int) throws -> IDXArray {
    guard bytes.count >= 4 else {
      throw DataError.truncatedHeader(path: path, byteCount: bytes.count)
    }
    let magic =
      UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8
      | UInt32(bytes[3])
    let expectedMagic = UInt32(unsignedByteType) << 8 | UInt32(expectedRank)
    guard bytes[0] == 0, bytes[1] == 0, bytes[2] == unsignedByteType,
      Int(bytes[3]) == expectedRank
    else {
      throw DataError.badMagic(path: path, found: magic, expected: expectedMagic)
    }

    let headerSize = 4 + 4 * expectedRank
    guard bytes.count >= headerSize else {
      throw DataError.truncatedHeader(path: path, byteCount: bytes.count)
    }
    var dimensions: [Int] = []
    for index in 0..<expectedRank {
      let offset = 4 + 4 * index
      let value =
        Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8
        | Int(bytes[offset + 3])
      dimensions.append(value)
    }

    // Guard the product against overflow before trusting it as a size.
    var expectedCount = 1
    for dimension in dimensions {
      let (product, overflow) = expectedCount.multipliedReportingOverflow(by: dimension)
      guard !overflow, product <= Int(Int32.max) else {
        throw DataError.badDimensions(path: path, dimensions: dimensions)
      }
      expectedCount = product
    }

    let payload = bytes.count - headerSize
    guard payload == expectedCount else {
      throw DataError.sizeMismatch(
        path: path, dimensions: dimensions, expectedBytes: expectedCount, foundBytes: payload)
    }
    return IDXArray(dimensions: dimensions, values: Array(bytes[headerSize...]))
  }

  /// Reads a whole file, inflating it when it starts with the gzip magic bytes.
  static func readDecompressed(path: String) throws -> [UInt8] {
    guard FileManager.default.fileExists(atPath: path) else {
      throw DataError.fileNotFound(path: path)
    }
    guard let handle = gzopen(path, "rb") else {
      throw DataError.unreadable(path: path, reason: String(cString: strerror(errno)))
    }
    defer { gzclose(handle) }
    var result: [UInt8] = []
    // 64 KiB keeps the per-call buffer small for the many tiny files of tests and fuzzing,
    // while a 47 MB MNIST file still takes under a thousand reads.
    let chunkSize = 1 << 16
    var chunk = [UInt8](repeating: 0, count: chunkSize)
    while true {
      let readCount = chunk.withUnsafeMutableBytes { buffer in
        gzread(handle, buffer.baseAddress, UInt32(chunkSize))
      }
      if readCount < 0 {
        throw DataError.corruptGzip(path: path, reason: gzipErrorMessage(handle))
      }
      if readCount == 0 { break }
      result.append(contentsOf: chunk[0..<Int(readCount)])
    }
    // gzread reports a truncated stream as end of file, so gzerror is checked to tell them apart.
    var errorNumber: Int32 = 0
    _ = gzerror(handle, &errorNumber)
    if errorNumber != Z_OK && errorNumber != Z_STREAM_END {
      throw DataError.corruptGzip(path: path, reason: gzipErrorMessage(handle))
    }
    return result
  }

  private static func gzipErrorMessage(_ handle: gzFile) -> String {
    var errorNumber: Int32 = 0
    guard let message = gzerror(handle, &errorNumber) else { return "zlib error \(errorNumber)" }
    return String(cString: message)
  }
}
