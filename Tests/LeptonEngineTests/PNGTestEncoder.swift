import CZlib
import Foundation

/// A PNG encoder for tests that writes the chunks itself and compresses with zlib.
///
/// Being independent of libpng, it checks the decoder against a second implementation.
/// It also writes files that libpng's simplified writer cannot: 16-bit samples without
/// a `gAMA` chunk, sub-byte bit depths, and palettes with a `tRNS` chunk. Every row
/// uses filter type 0 (none), and images are never interlaced.
enum PNGTestEncoder {
  /// The PNG colour types, with their `IHDR` codes.
  enum ColorType: UInt8 {
    case gray = 0
    case rgb = 2
    case palette = 3
    case grayAlpha = 4
    case rgba = 6

    var samplesPerPixel: Int {
      switch self {
      case .gray, .palette: return 1
      case .grayAlpha: return 2
      case .rgb: return 3
      case .rgba: return 4
      }
    }
  }

  struct EncodingError: Error, CustomStringConvertible {
    let description: String
  }

  /// Encodes an image as PNG bytes.
  ///
  /// - Parameters:
  ///   - samples: `[height, width, samplesPerPixel]` values, each below `2^bitDepth`.
  ///     A palette image has one palette index per pixel.
  ///   - bitDepth: 1, 2, 4, 8 or 16, as the PNG specification allows for `colorType`.
  ///   - palette: RGB triples for a palette image, written as the `PLTE` chunk.
  ///   - transparency: the `tRNS` chunk's bytes, one alpha per palette entry.
  ///   - gamma: the `gAMA` chunk's value, the file gamma times 100000.
  static func encode(
    width: Int, height: Int, colorType: ColorType, bitDepth: Int = 8, samples: [Int],
    palette: [UInt8] = [], transparency: [UInt8] = [], gamma: UInt32? = nil
  ) throws -> [UInt8] {
    let rowSampleCount = width * colorType.samplesPerPixel
    guard samples.count == height * rowSampleCount else {
      throw EncodingError(
        description: "expected \(height * rowSampleCount) samples, got \(samples.count)")
    }
    guard samples.allSatisfy({ $0 >= 0 && $0 < 1 << bitDepth }) else {
      throw EncodingError(description: "a sample does not fit in \(bitDepth) bits")
    }

    var scanlines: [UInt8] = []
    for row in 0..<height {
      scanlines.append(0)
      let rowSamples = samples[(row * rowSampleCount)..<((row + 1) * rowSampleCount)]
      scanlines += pack(Array(rowSamples), bitDepth: bitDepth)
    }

    var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    let header =
      bigEndian(UInt32(width)) + bigEndian(UInt32(height))
      + [UInt8(bitDepth), colorType.rawValue, 0, 0, 0]
    appendChunk("IHDR", header, to: &file)
    if let gamma { appendChunk("gAMA", bigEndian(gamma), to: &file) }
    if !palette.isEmpty { appendChunk("PLTE", palette, to: &file) }
    if !transparency.isEmpty { appendChunk("tRNS", transparency, to: &file) }
    appendChunk("IDAT", try deflate(scanlines), to: &file)
    appendChunk("IEND", [], to: &file)
    return file
  }

  /// Packs one row of samples: 16-bit ones big-endian, sub-byte ones from the most
  /// significant bit, with the last byte padded with zero bits.
  private static func pack(_ samples: [Int], bitDepth: Int) -> [UInt8] {
    switch bitDepth {
    case 16:
      return samples.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    case 8:
      return samples.map { UInt8($0) }
    default:
      var bytes = [UInt8](repeating: 0, count: (samples.count * bitDepth + 7) / 8)
      for (index, sample) in samples.enumerated() {
        let bitOffset = index * bitDepth
        bytes[bitOffset / 8] |= UInt8(sample << (8 - bitDepth - bitOffset % 8))
      }
      return bytes
    }
  }

  private static func bigEndian(_ value: UInt32) -> [UInt8] {
    [
      UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF),
      UInt8(value & 0xFF),
    ]
  }

  /// Appends length, type, data and the CRC-32 of type and data.
  private static func appendChunk(_ type: String, _ data: [UInt8], to file: inout [UInt8]) {
    let typeAndData = Array(type.utf8) + data
    let crc = typeAndData.withUnsafeBufferPointer { buffer in
      crc32(0, buffer.baseAddress, UInt32(buffer.count))
    }
    file += bigEndian(UInt32(data.count)) + typeAndData + bigEndian(UInt32(crc))
  }

  /// Compresses `bytes` as a zlib stream, the format of PNG image data.
  private static func deflate(_ bytes: [UInt8]) throws -> [UInt8] {
    var compressedCount = compressBound(UInt(bytes.count))
    var compressed = [UInt8](repeating: 0, count: Int(compressedCount))
    let status = compressed.withUnsafeMutableBufferPointer { destination in
      bytes.withUnsafeBufferPointer { source in
        compress2(
          destination.baseAddress, &compressedCount, source.baseAddress, UInt(source.count),
          Z_BEST_COMPRESSION)
      }
    }
    guard status == Z_OK else { throw EncodingError(description: "compress2 returned \(status)") }
    return Array(compressed.prefix(Int(compressedCount)))
  }
}
