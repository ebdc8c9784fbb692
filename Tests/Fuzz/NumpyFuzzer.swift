import Foundation
@testable import LeptonRuns

/// Fuzzes the `.npy` reader with the bytes of one file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNumpy(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Data(UnsafeBufferPointer(start: data, count: size))
  let contents: NumpyFile.Contents
  do {
    contents = try NumpyFile.decode(bytes, path: "fuzz.npy")
  } catch let error as RunError {
    fuzzCheck(!error.description.isEmpty, "empty message for \(error)")
    return 0
  } catch {
    fuzzCheck(false, "NumpyFile threw \(type(of: error)), not RunError: \(error)")
    return 0
  }

  fuzzCheck(contents.shape.allSatisfy { $0 >= 0 }, "negative dimension in \(contents.shape)")
  guard let count = elementCount(contents.shape) else {
    fuzzCheck(false, "accepted shape \(contents.shape), whose element count overflows")
    return 0
  }
  let size = contents.scalarType.size
  fuzzCheck(
    contents.payload.count == count * size,
    "\(contents.payload.count) payload bytes for shape \(contents.shape) of \(size)-byte elements")
  fuzzCheck(
    NumpyFile.ScalarType(descriptor: contents.descriptor) == contents.scalarType,
    "descriptor \(contents.descriptor) does not give \(contents.scalarType)")

  let integers = contents.integerValues
  let floats = contents.floatingPointValues
  fuzzCheck((integers == nil) != (floats == nil), "\(contents.scalarType) has no single kind")
  fuzzCheck(
    (integers?.count ?? floats?.count) == count,
    "\(integers?.count ?? floats?.count ?? -1) elements for shape \(contents.shape)")
  if let values = contents.float32Values {
    fuzzCheck(values.count == count, "\(values.count) float32 values for \(contents.shape)")
  }
  if let values = contents.int64Values {
    fuzzCheck(values == integers, "int64Values and integerValues differ")
  }
  return 0
}
