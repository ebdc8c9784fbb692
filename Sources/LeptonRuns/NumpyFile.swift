import Foundation

/// Writer and reader for NumPy's `.npy` format, version 1.0, little-endian,
/// C order. It writes float32 and int64 arrays and reads the integer and
/// floating-point dtypes of `ScalarType`.
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

  /// Element types that `decode` reads, all little-endian.
  public enum ScalarType: String, Sendable, CaseIterable {
    case int8, int16, int32, int64, uint8, float32, float64

    /// Reads a descriptor such as `<i8`. NumPy writes one-byte types with the
    /// `|` (not applicable) byte order, and `<` or `=` also mean
    /// little-endian on the little-endian machines Lepton runs on.
    init?(descriptor: String) {
      guard let order = descriptor.first, "<|=".contains(order) else { return nil }
      switch descriptor.dropFirst() {
      case "i1": self = .int8
      case "i2": self = .int16
      case "i4": self = .int32
      case "i8": self = .int64
      case "u1": self = .uint8
      case "f4": self = .float32
      case "f8": self = .float64
      default: return nil
      }
    }

    /// Bytes per element.
    public var size: Int {
      switch self {
      case .int8, .uint8: return 1
      case .int16: return 2
      case .int32, .float32: return 4
      case .int64, .float64: return 8
      }
    }
  }

  /// A decoded array: its dtype descriptor, shape and raw little-endian payload.
  public struct Contents: Sendable {
    public var descriptor: String
    public var scalarType: ScalarType
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

    /// Every element widened to Int64, or nil for a floating-point dtype.
    public var integerValues: [Int64]? {
      switch scalarType {
      case .int8: return elements(Int8.self).map(Int64.init)
      case .int16: return elements(Int16.self).map(Int64.init)
      case .int32: return elements(Int32.self).map(Int64.init)
      case .int64: return elements(Int64.self)
      case .uint8: return elements(UInt8.self).map(Int64.init)
      case .float32, .float64: return nil
      }
    }

    /// Every element widened to Double, or nil for an integer dtype.
    public var floatingPointValues: [Double]? {
      switch scalarType {
      case .float32: return elements(Float.self).map(Double.init)
      case .float64: return elements(Double.self)
      default: return nil
      }
    }

    /// Loads the payload as little-endian `Element`s. The payload may start at
    /// any offset of the file, so the loads are unaligned.
    private func elements<Element: FixedWidthInteger>(_ type: Element.Type) -> [Element] {
      payload.withUnsafeBytes { bytes in
        stride(from: 0, to: bytes.count, by: MemoryLayout<Element>.size).map {
          Element(littleEndian: bytes.loadUnaligned(fromByteOffset: $0, as: Element.self))
        }
      }
    }

    private func elements<Element: BinaryFloatingPoint>(_ type: Element.Type) -> [Element] {
      payload.withUnsafeBytes { bytes in
        stride(from: 0, to: bytes.count, by: MemoryLayout<Element>.size).map {
          bytes.loadUnaligned(fromByteOffset: $0, as: Element.self)
        }
      }
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
    guard let scalarType = ScalarType(descriptor: descriptor) else {
      throw RunError.invalidNumpy(path: path, reason: unsupportedTypeReason(descriptor))
    }
    guard !header.contains("'fortran_order': True") else {
      throw RunError.invalidNumpy(
        path: path,
        reason: "the array is in Fortran order; save it in C order, "
          + "as with numpy.save(path, numpy.ascontiguousarray(array))")
    }
    guard header.contains("'fortran_order': False") else {
      throw RunError.invalidNumpy(path: path, reason: "the header has no 'fortran_order' field")
    }
    let shape = try parseShape(header, path: path)

    let payloadStart = headerStart + headerLength
    let payloadSize = bytes.count - payloadStart
    let (count, countOverflow) = shape.reduce((1, false)) { partial, dimension in
      let product = partial.0.multipliedReportingOverflow(by: dimension)
      return (product.partialValue, partial.1 || product.overflow)
    }
    let (expectedSize, sizeOverflow) = count.multipliedReportingOverflow(by: scalarType.size)
    guard !countOverflow, !sizeOverflow, payloadSize == expectedSize else {
      let overflow = countOverflow || sizeOverflow
      let needed = overflow ? "more than Int.max" : String(expectedSize)
      let truncated = overflow || payloadSize < expectedSize
      let problem = truncated ? "the file is truncated" : "the size is wrong"
      throw RunError.invalidNumpy(
        path: path,
        reason:
          "\(problem): shape \(shape) of \(scalarType.rawValue) needs \(needed) bytes of data, "
          + "found \(payloadSize)")
    }
    return Contents(
      descriptor: descriptor, scalarType: scalarType, shape: shape,
      payload: data.subdata(in: payloadStart..<data.count))
  }

  /// Names the dtype and the accepted ones. A big-endian dtype gets the
  /// conversion that fixes it.
  private static func unsupportedTypeReason(_ descriptor: String) -> String {
    let accepted = ScalarType.allCases.map(\.rawValue).joined(separator: ", ")
    if descriptor.first == ">", ScalarType(descriptor: "<" + descriptor.dropFirst()) != nil {
      return "dtype \(descriptor) is big-endian; convert it with "
        + "array.astype('<\(descriptor.dropFirst())') before saving"
    }
    return "dtype \(descriptor) is not supported; use one of \(accepted)"
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
