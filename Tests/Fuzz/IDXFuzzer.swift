import Foundation

@testable import LeptonEngine

/// Fuzzes the IDX reader of MNIST-style data sets.
///
/// The first byte selects the case: bits 0-1 give the expected rank (1 to 4), and bit 2
/// set sends the rest through `IDXFile.read`, which writes it to a file first so that
/// zlib's gzip reader runs (gzopen also reads files without the gzip magic as they
/// are). Otherwise the rest goes to `IDXFile.parse` as decompressed bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  guard size >= 1 else { return 0 }
  let control = data[0]
  let expectedRank = Int(control & 0x03) + 1
  let body = UnsafeRawBufferPointer(start: data + 1, count: size - 1)

  let array: IDXArray
  do {
    if control & 0x04 != 0 {
      let path = writeScratchFile(body, name: "input.idx")
      array = try IDXFile.read(path: path, expectedRank: expectedRank)
    } else {
      array = try IDXFile.parse([UInt8](body), path: "fuzz.idx", expectedRank: expectedRank)
    }
  } catch let error as DataError {
    fuzzCheck(!error.description.isEmpty, "empty message for \(error)")
    return 0
  } catch {
    fuzzCheck(false, "IDXFile threw \(type(of: error)), not DataError: \(error)")
    return 0
  }

  fuzzCheck(
    array.dimensions.count == expectedRank,
    "rank \(array.dimensions.count), expected \(expectedRank)")
  fuzzCheck(array.dimensions.allSatisfy { $0 >= 0 }, "negative dimension in \(array.dimensions)")
  fuzzCheck(
    elementCount(array.dimensions) == array.values.count,
    "\(array.values.count) values for dimensions \(array.dimensions)")
  return 0
}
