import Foundation
import Testing

@testable import LeptonRuns

/// Builds a `.npy` file with `header`'s preamble and the little-endian bytes of `values`.
func numpyData<Element>(_ values: [Element], descriptor: String, shape: [Int]) -> Data {
  var data = NumpyFile.header(descriptor: descriptor, shape: shape)
  values.withUnsafeBytes { data.append(contentsOf: $0) }
  return data
}

@Suite("NumPy dtypes and shapes")
struct NumpyTypeTests {
  @Test func readsEveryIntegerType() throws {
    let cases: [(Data, NumpyFile.ScalarType)] = [
      (numpyData([Int8(-3), 0, 7], descriptor: "|i1", shape: [3]), .int8),
      (numpyData([Int16(-3), 0, 7], descriptor: "<i2", shape: [3]), .int16),
      (numpyData([Int32(-3), 0, 7], descriptor: "<i4", shape: [3]), .int32),
      (numpyData([Int64(-3), 0, 7], descriptor: "<i8", shape: [3]), .int64),
    ]
    for (data, type) in cases {
      let contents = try NumpyFile.decode(data, path: "labels.npy")
      #expect(contents.scalarType == type)
      #expect(contents.integerValues == [-3, 0, 7], "\(type)")
      #expect(contents.floatingPointValues == nil, "\(type)")
    }
    let unsigned = try NumpyFile.decode(
      numpyData([UInt8(0), 200, 255], descriptor: "|u1", shape: [3]), path: "labels.npy")
    #expect(unsigned.scalarType == .uint8)
    #expect(unsigned.integerValues == [0, 200, 255])
  }

  @Test func readsFloat32AndFloat64() throws {
    let single = try NumpyFile.decode(
      numpyData([Float(0.25), -1.5, 3], descriptor: "<f4", shape: [3]), path: "s.npy")
    #expect(single.floatingPointValues == [0.25, -1.5, 3])
    #expect(single.integerValues == nil)
    let double = try NumpyFile.decode(
      numpyData([0.1, 0.2, 0.3, 0.4], descriptor: "<f8", shape: [2, 2]), path: "d.npy")
    #expect(double.scalarType == .float64)
    #expect(double.shape == [2, 2])
    #expect(double.floatingPointValues == [0.1, 0.2, 0.3, 0.4])
  }

  @Test func readsPayloadAtOddOffset() throws {
    // A version 2 header is 2 bytes longer, so the payload can start at an
    // offset that is not a multiple of 8.
    var data = Data(NumpyFile.magic + [2, 0])
    let dictionary = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n"
    let length = UInt32(dictionary.utf8.count)
    data.append(contentsOf: withUnsafeBytes(of: length.littleEndian, Array.init))
    data.append(contentsOf: Array(dictionary.utf8))
    [1.5, -2.0].withUnsafeBytes { data.append(contentsOf: $0) }
    #expect((12 + dictionary.utf8.count) % 8 != 0)
    let contents = try NumpyFile.decode(data, path: "v2.npy")
    #expect(contents.floatingPointValues == [1.5, -2.0])
  }

  @Test func rejectsFortranOrder() throws {
    var data = numpyData([Float(1), 2, 3, 4], descriptor: "<f4", shape: [2, 2])
    let flag = try #require(data.range(of: Data("'fortran_order': False".utf8)))
    data.replaceSubrange(flag, with: Data("'fortran_order': True ".utf8))
    #expect(
      throws: RunError.invalidNumpy(
        path: "f.npy",
        reason: "the array is in Fortran order; save it in C order, "
          + "as with numpy.save(path, numpy.ascontiguousarray(array))")
    ) {
      try NumpyFile.decode(data, path: "f.npy")
    }
  }

  @Test func rejectsBigEndianWithFix() {
    let data = numpyData([Int32(1)], descriptor: ">i4", shape: [1])
    #expect(
      throws: RunError.invalidNumpy(
        path: "b.npy",
        reason: "dtype >i4 is big-endian; convert it with array.astype('<i4') "
          + "before saving")
    ) {
      try NumpyFile.decode(data, path: "b.npy")
    }
  }

  @Test func rejectsExtraBytes() {
    var data = numpyData([Int64(1), 2], descriptor: "<i8", shape: [2])
    data.append(0)
    #expect(
      throws: RunError.invalidNumpy(
        path: "x.npy",
        reason: "the size is wrong: shape [2] of int64 needs 16 bytes of data, "
          + "found 17")
    ) {
      try NumpyFile.decode(data, path: "x.npy")
    }
  }

  @Test func rejectsOverflowingShape() {
    let data = NumpyFile.header(
      descriptor: "<f8", shape: [Int.max / 2, 4])
    #expect(
      throws: RunError.invalidNumpy(
        path: "o.npy",
        reason: "the file is truncated: shape [\(Int.max / 2), 4] of float64 "
          + "needs more than Int.max bytes of data, found 0")
    ) {
      try NumpyFile.decode(data, path: "o.npy")
    }
  }
}
