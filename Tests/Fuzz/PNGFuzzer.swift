import LeptonEngine

/// Fuzzes the libpng-based decoder of image-folder data sets with the bytes of one file.
///
/// NOTE: Debian's libpng is not instrumented, so libFuzzer's coverage feedback stops at
/// the libpng calls and mutations are not guided through the PNG chunk parser.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
  let image: PNGImage
  do {
    image = try PNGImage(pngData: bytes, path: "fuzz.png")
  } catch let error as DataError {
    fuzzCheck(!error.description.isEmpty, "empty message for \(error)")
    return 0
  } catch {
    fuzzCheck(false, "PNGImage threw \(type(of: error)), not DataError: \(error)")
    return 0
  }

  fuzzCheck(image.channels == 1 || image.channels == 3, "\(image.channels) channels")
  fuzzCheck(image.width > 0 && image.height > 0, "size \(image.width)x\(image.height)")
  fuzzCheck(
    image.pixels.count == image.width * image.height * image.channels,
    "\(image.pixels.count) samples for \(image.shape)")
  var planar: [UInt8] = []
  image.appendPlanar(to: &planar)
  fuzzCheck(planar.count == image.pixels.count, "planar copy has \(planar.count) samples")
  if let first = image.pixels.first {
    fuzzCheck(planar[0] == first, "planar copy starts with a different sample")
  }
  return 0
}
