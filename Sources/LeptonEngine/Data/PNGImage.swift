import CPNG
import Foundation

/// An image decoded from a PNG file, with one byte per sample.
///
/// Decoding uses the simplified API of libpng 1.6, which accepts every PNG colour type,
/// bit depth and interlace method:
/// - Grayscale files, with or without alpha, give 1 channel. Colour files (RGB, RGBA
///   and palette, even a palette of only grays) give 3 channels in RGB order.
/// - Alpha is dropped, not composited, so each pixel keeps the colour stored in the file.
///   A fully transparent pixel keeps its colour too.
/// - 16-bit samples are scaled to 8 bits, `round(value / 257)`. By default libpng
///   treats a 16-bit file without a `gAMA` or `sRGB` chunk as linear light and applies
///   the sRGB curve, so the decoder sets `PNG_IMAGE_FLAG_16BIT_sRGB` to prevent that.
/// - Samples below 8 bits are scaled up, so a 1-bit white pixel is 255.
///
/// NOTE: libpng converts a file whose `gAMA` chunk differs from sRGB (such as gamma 1.0)
/// to sRGB, so its bytes differ from the stored samples.
public struct PNGImage: Sendable, Equatable {
  public var width: Int
  public var height: Int
  /// 1 for grayscale files, 3 for colour ones.
  public var channels: Int
  /// Interleaved samples `[height, width, channels]`, top row first.
  public var pixels: [UInt8]

  /// `[channels, height, width]`, the per-image shape of `ImageSplit`.
  public var shape: [Int] { [channels, height, width] }

  /// The 8 bytes that start every PNG file.
  static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  /// The largest decoded image, in bytes, that the decoder allocates: 1 GiB.
  ///
  /// The width and height come from the file header, so this bound stops a damaged or
  /// hostile header from requesting terabytes before libpng reads any pixel data.
  static let maxDecodedByteCount = 1 << 30

  /// Reads and decodes the PNG file at `path`.
  ///
  /// - Throws: `DataError.unreadable` when the file cannot be read, `.notPNG` when it
  ///   does not start with the PNG signature, `.corruptPNG` with libpng's message when
  ///   the data is truncated or damaged, and `.pngTooLarge` above 1 GiB of samples.
  public init(contentsOfFile path: String) throws {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw DataError.unreadable(path: path, reason: error.localizedDescription)
    }
    try self.init(pngData: [UInt8](data), path: path)
  }

  /// Decodes the bytes of a PNG file. `path` only names the file in errors.
  public init(pngData bytes: [UInt8], path: String) throws {
    guard bytes.count >= Self.signature.count,
      bytes.prefix(Self.signature.count).elementsEqual(Self.signature)
    else {
      throw DataError.notPNG(path: path)
    }

    // libpng reads from the buffer until png_image_finish_read returns, so both calls run
    // while the array's storage is pinned.
    let (width, height, channels, decodedChannels, decoded) = try bytes.withUnsafeBytes {
      try Self.decode($0, path: path)
    }
    let hasAlpha = decodedChannels > channels
    let decodedByteCount = decoded.count
    self.width = width
    self.height = height
    self.channels = channels
    if hasAlpha {
      var pixels: [UInt8] = []
      pixels.reserveCapacity(width * height * channels)
      for start in stride(from: 0, to: decodedByteCount, by: decodedChannels) {
        pixels.append(contentsOf: decoded[start..<(start + channels)])
      }
      self.pixels = pixels
    } else {
      self.pixels = decoded
    }
  }

  /// Decodes the PNG file in `buffer` to interleaved samples: 1 or 3 channels, plus alpha
  /// when the file has it.
  private static func decode(_ buffer: UnsafeRawBufferPointer, path: String) throws -> (
    width: Int, height: Int, channels: Int, decodedChannels: Int, decoded: [UInt8]
  ) {
    // libpng requires `opaque` to be nil and `version` to be set before the first call.
    var image = png_image()
    image.version = UInt32(PNG_IMAGE_VERSION)
    // png_image_free is safe after png_image_finish_read, which frees the state itself.
    defer { png_image_free(&image) }

    let begun = png_image_begin_read_from_memory(&image, buffer.baseAddress, buffer.count)
    guard begun != 0 else {
      throw DataError.corruptPNG(path: path, reason: Self.message(of: image))
    }

    // The file's format is known now. Asking for alpha when the file has it makes
    // libpng return the stored colours, because without an alpha channel in the
    // output it would composite onto black.
    let isColor = image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
    let hasAlpha = image.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
    let channels = isColor ? 3 : 1
    let decodedChannels = channels + (hasAlpha ? 1 : 0)
    image.format =
      (isColor ? UInt32(PNG_FORMAT_FLAG_COLOR) : 0) | (hasAlpha ? UInt32(PNG_FORMAT_FLAG_ALPHA) : 0)
    image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)

    let width = Int(image.width)
    let height = Int(image.height)
    let (pixelCount, pixelOverflow) = width.multipliedReportingOverflow(by: height)
    let (decodedByteCount, byteOverflow) = pixelCount.multipliedReportingOverflow(
      by: decodedChannels)
    guard !pixelOverflow, !byteOverflow, decodedByteCount <= Self.maxDecodedByteCount else {
      throw DataError.pngTooLarge(
        path: path, width: width, height: height, maxBytes: Self.maxDecodedByteCount)
    }

    var decoded = [UInt8](repeating: 0, count: decodedByteCount)
    let rowStride = Int32(width * decodedChannels)
    let finished = decoded.withUnsafeMutableBytes { buffer in
      png_image_finish_read(&image, nil, buffer.baseAddress, rowStride, nil)
    }
    guard finished != 0 else {
      throw DataError.corruptPNG(path: path, reason: Self.message(of: image))
    }
    return (width, height, channels, decodedChannels, decoded)
  }

  /// Appends the samples in planar `[channels, height, width]` order, the layout of
  /// `ImageSplit.pixels`.
  public func appendPlanar(to destination: inout [UInt8]) {
    let planeSize = width * height
    destination.reserveCapacity(destination.count + planeSize * channels)
    pixels.withUnsafeBufferPointer { source in
      for channel in 0..<channels {
        for position in 0..<planeSize {
          destination.append(source[position * channels + channel])
        }
      }
    }
  }

  /// Returns libpng's error text, which it stores in the fixed 64-byte `message` field.
  private static func message(of image: png_image) -> String {
    let text = withUnsafeBytes(of: image.message) { buffer in
      String(decoding: buffer.prefix(while: { $0 != 0 }), as: UTF8.self)
    }
    return text.isEmpty ? "libpng reported no message" : text
  }
}
