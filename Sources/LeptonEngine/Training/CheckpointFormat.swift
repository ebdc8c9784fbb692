import CZlib
import Foundation

/// The byte layout of a `model.ckpt` file, format version 1. Integers are little-endian.
///
/// - Bytes 0..<8: the magic bytes `LEPTCKPT`.
/// - Bytes 8..<12: the format version, UInt32.
/// - Bytes 12..<16: the header length `H` in bytes, UInt32.
/// - Bytes 16..<20: the CRC-32 of the `H` header bytes, UInt32.
/// - Bytes 20..<(20 + H): the header, UTF-8 JSON padded with spaces so that the vectors
///   start at a multiple of 64 bytes.
/// - The rest: float32 vectors of parameters, running statistics, first moments and second
///   moments, in that order.
///
/// The header, `CheckpointHeader`, stores the vector lengths and the CRC-32 of all vector
/// bytes. Both checksums are zlib's `crc32`, the CRC-32 of gzip and PNG.
enum CheckpointFormat {
  static let magicText = "LEPTCKPT"
  static let magic = Array(magicText.utf8)
  static let version: UInt32 = 1
  /// Bytes before the header: magic, version, header length and header CRC-32.
  static let preambleSize = 20
  /// The vectors start at a multiple of this many bytes, so that the floats are aligned.
  static let vectorAlignment = 64

  /// Encodes `checkpoint` as the bytes of a checkpoint file.
  ///
  /// - Throws: `EncodingError` when the header has a value JSON cannot hold, such as a
  ///   NaN normalisation or learning rate.
  static func encode(_ checkpoint: Checkpoint) throws -> Data {
    let vectorList = [
      checkpoint.parameters, checkpoint.runningStatistics, checkpoint.firstMoment,
      checkpoint.secondMoment,
    ]
    var vectors = Data(count: 4 * vectorList.reduce(0) { $0 + $1.count })
    vectors.withUnsafeMutableBytes { raw in
      var offset = 0
      for vector in vectorList {
        for value in vector {
          raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: offset, as: UInt32.self)
          offset += 4
        }
      }
    }
    let header = CheckpointHeader(checkpoint, vectorCRC32: crc32(vectors))
    return assemble(header: try makeEncoder().encode(header), vectors: vectors)
  }

  /// Joins the preamble, the header padded with spaces and the vector bytes.
  static func assemble(header: Data, vectors: Data, version: UInt32 = version) -> Data {
    var padded = header
    let unpadded = preambleSize + header.count
    let padding = (vectorAlignment - unpadded % vectorAlignment) % vectorAlignment
    padded.append(contentsOf: [UInt8](repeating: UInt8(ascii: " "), count: padding))
    var data = Data(magic)
    for word in [version, UInt32(padded.count), crc32(padded)] {
      withUnsafeBytes(of: word.littleEndian) { data.append(contentsOf: $0) }
    }
    data.append(padded)
    data.append(vectors)
    return data
  }

  /// Validates the bytes of a checkpoint file and decodes them.
  ///
  /// The checks run in file order, so the error names the first fault: the magic, the
  /// version, the header's size and CRC-32, its JSON and values, the vector lengths
  /// against the model, the file size, then the vectors' CRC-32.
  static func decode(_ data: Data, path: String) throws -> Checkpoint {
    let bytes = [UInt8](data)
    let magicCount = min(magic.count, bytes.count)
    guard bytes[0..<magicCount].elementsEqual(magic[0..<magicCount]) else {
      throw CheckpointError.notACheckpoint(path: path)
    }
    guard bytes.count >= preambleSize else {
      throw CheckpointError.truncated(
        path: path, part: "file preamble", expectedBytes: preambleSize, actualBytes: bytes.count)
    }
    let fileVersion = readUInt32(bytes, at: 8)
    guard fileVersion == version else {
      throw CheckpointError.unsupportedVersion(
        path: path, version: fileVersion, supported: version)
    }
    let headerLength = Int(readUInt32(bytes, at: 12))
    let headerEnd = preambleSize + headerLength
    guard bytes.count >= headerEnd else {
      throw CheckpointError.truncated(
        path: path, part: "header", expectedBytes: headerEnd, actualBytes: bytes.count)
    }
    let headerBytes = bytes[preambleSize..<headerEnd]
    let storedHeaderCRC = readUInt32(bytes, at: 16)
    let headerCRC = headerBytes.withUnsafeBytes { crc32($0) }
    guard headerCRC == storedHeaderCRC else {
      throw CheckpointError.checksumMismatch(
        path: path, part: "header", stored: storedHeaderCRC, computed: headerCRC)
    }
    let header: CheckpointHeader
    do {
      header = try JSONDecoder().decode(CheckpointHeader.self, from: Data(headerBytes))
    } catch {
      throw CheckpointError.invalidHeader(path: path, reason: describe(error))
    }
    let lengths = try header.validate(path: path)

    let vectorsEnd = headerEnd + 4 * lengths.total
    guard bytes.count >= vectorsEnd else {
      throw CheckpointError.truncated(
        path: path, part: "vector data", expectedBytes: vectorsEnd, actualBytes: bytes.count)
    }
    guard bytes.count == vectorsEnd else {
      throw CheckpointError.trailingData(
        path: path, expectedBytes: vectorsEnd, actualBytes: bytes.count)
    }
    return try bytes.withUnsafeBytes { raw in
      let vectorBytes = UnsafeRawBufferPointer(rebasing: raw[headerEnd..<vectorsEnd])
      let vectorCRC = crc32(vectorBytes)
      guard vectorCRC == header.vectorCRC32 else {
        throw CheckpointError.checksumMismatch(
          path: path, part: "vector data", stored: header.vectorCRC32, computed: vectorCRC)
      }
      var offset = 0
      func nextVector(_ count: Int) -> [Float] {
        defer { offset += 4 * count }
        return readFloats(vectorBytes, at: offset, count: count)
      }
      return try header.makeCheckpoint(
        path: path, parameters: nextVector(lengths.parameters),
        runningStatistics: nextVector(lengths.runningStatistics),
        firstMoment: nextVector(lengths.firstMoment),
        secondMoment: nextVector(lengths.secondMoment))
    }
  }

  static func makeEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return encoder
  }

  /// Returns zlib's CRC-32 of `bytes`.
  static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
    var checksum = CZlib.crc32(0, nil, 0)
    var offset = 0
    // zlib takes a 32-bit length, so longer buffers go in chunks.
    while offset < bytes.count {
      let chunk = min(bytes.count - offset, 1 << 30)
      let start = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + chunk)])
      checksum = CZlib.crc32(
        checksum, start.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(chunk))
      offset += chunk
    }
    return UInt32(truncatingIfNeeded: checksum)
  }

  static func crc32(_ data: Data) -> UInt32 {
    data.withUnsafeBytes { crc32($0) }
  }

  private static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    bytes.withUnsafeBytes { raw in
      UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
  }

  private static func readFloats(_ raw: UnsafeRawBufferPointer, at offset: Int, count: Int)
    -> [Float]
  {
    [Float](unsafeUninitializedCapacity: count) { buffer, initializedCount in
      for index in 0..<count {
        let word = raw.loadUnaligned(fromByteOffset: offset + 4 * index, as: UInt32.self)
        buffer[index] = Float(bitPattern: UInt32(littleEndian: word))
      }
      initializedCount = count
    }
  }

  /// Describes a JSON decoding error in a few words, naming the field at fault.
  private static func describe(_ error: Error) -> String {
    func field(_ path: [CodingKey]) -> String {
      path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case DecodingError.keyNotFound(let key, let context):
      return "missing field '\(field(context.codingPath + [key]))'"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
      return "field '\(field(context.codingPath))' has the wrong type"
    case DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty:
      return "field '\(field(context.codingPath))' is invalid"
    default:
      return "not valid JSON"
    }
  }
}
