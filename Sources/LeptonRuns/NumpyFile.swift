import Foundation

/// Writer and reader for NumPy's `.npy` format, version 1.0, little-endian,
/// C order: enough for float32 score matrices and int64 label vectors.
public enum NumpyFile {
  static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

  /// Encodes float32 values with the given shape.
  public static func encode(float32 values: [Float], shape: [Int]) -> Data {
    var data = header(descriptor: "<f4", shape: shape)
    values.withUnsafeBytes { data.append(contentsOf: $0) }
    return data
  }

  /// Encodes int64 values with the given shape.
  public static func encode(int64 values: [Int64], shape: [Int]) -> Data {
    var data = header(descriptor: "<i8", shape: shape)
    values.withUnsafeBytes { data.append(contentsOf: $0) }
    return data
  }

  /// Builds the magic, version, header length and the padded header dictionary.
  /// The whole preamble is padded with spaces to a multiple of 64 bytes, as NumPy does.
  static func header(descriptor: String, shape: [Int]) -> Data {
    let shapeText =
      shape.count == 1
      ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    var dictionary = "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': \(shapeText), }"
    let preambleSize = magic.count + 2 + 2
    let unpadded = preambleSize + dictionary.utf8.count + 1
    let padding = (64 - unpadded % 64) % 64
    dictionary += String(repeating: " ", count: padding) + "\n"
    var data = Data(magic)
    data.append(contentsOf: [1, 0])
    let length = UInt16(dictionary.utf8.count)
    data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
    data.append(contentsOf: Array(dictionary.utf8))
    return data
  }

  /// A decoded array: its dtype descriptor, shape and raw little-endian payload.
  public struct Contents: Sendable {
    public var descriptor: String
    public var shape: [Int]
    public var payload: Data

    public var float32Values: [Float]? {
      guard descriptor == "<f4" else { return nil }
      return payload.withUnsafeBytes { Swift.Array($0.bindMemory(to: Float.self)) }
    }

    public var int64Values: [Int64]? {
      guard descriptor == "<i8" else { return nil }
      return payload.withUnsafeBytes { Swift.Array($0.bindMemory(to: Int64.self)) }
    }
  }

  /// Decodes a version 1 or 2 `.npy` file with a little-endian dtype in C order.
  public static func decode(_ data: Data, path: String) throws -> Contents {
    let bytes = [UInt8](data)
    guard bytes.count >= 10, Swift.Array(bytes[0..<6]) == magic else {
      throw RunError.invalidNumpy(path: path, reason: "missing the \\x93NUMPY magic bytes")
    }
    let major = bytes[6]
    let headerLength: Int
    let headerStart: Int
    if major == 1 {
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      headerStart = 10
    } else if major == 2 || major == 3, bytes.count >= 12 {
      headerLength =
        Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
      headerStart = 12
    } else {
      throw RunError.invalidNumpy(path: path, reason: "unsupported format version \(major)")
    }

    guard bytes.count >= headerStart + headerLength else {
      throw RunError.invalidNumpy(path: path, reason: "the header is truncated")
    }
    let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
    let descriptor = try field("descr", in: header, path: path)
    guard header.contains("'fortran_order': False") else {
      throw RunError.invalidNumpy(path: path, reason: "Fortran order is not supported")
    }
    let shape = try parseShape(header, path: path)

    let itemSize: Int
    switch descriptor {
    case "<f4": itemSize = 4
    case "<i8": itemSize = 8
    default:
      throw RunError.invalidNumpy(
        path: path, reason: "dtype \(descriptor) is not supported; use float32 or int64")
    }
    let count = shape.reduce(1, *)
    let payloadStart = headerStart + headerLength
    guard bytes.count - payloadStart == count * itemSize else {
      throw RunError.invalidNumpy(
        path: path,
        reason:
          "shape \(shape) needs \(count * itemSize) bytes, found \(bytes.count - payloadStart)")
    }
    return Contents(
      descriptor: descriptor, shape: shape, payload: data.subdata(in: payloadStart..<data.count))
  }

  private static func field(_ name: String, in header: String, path: String) throws -> String {
    guard let keyRange = header.range(of: "'\(name)': '"),
      let end = header[keyRange.upperBound...].firstIndex(of: "'")
    else {
      throw RunError.invalidNumpy(path: path, reason: "the header has no '\(name)' field")
    }
    return String(header[keyRange.upperBound..<end])
  }

  private static func parseShape(_ header: String, path: String) throws -> [Int] {
    guard let keyRange = header.range(of: "'shape': ("),
      let end = header[keyRange.upperBound...].firstIndex(of: ")")
    else {
      throw RunError.invalidNumpy(path: path, reason: "the header has no 'shape' field")
    }
    let parts = header[keyRange.upperBound..<end].split(separator: ",").map {
      $0.trimmingCharacters(in: .whitespaces)
    }.filter { !$0.isEmpty }
    var shape: [Int] = []
    for part in parts {
      guard let value = Int(part), value >= 0 else {
        throw RunError.invalidNumpy(path: path, reason: "invalid shape entry '\(part)'")
      }
      shape.append(value)
    }
    return shape
  }
}
