import Foundation

@testable import LeptonEngine

/// Fuzzes the record reader of the CIFAR-10 and CIFAR-100 binary batches.
///
/// The first byte selects the format (bit 0: CIFAR-100) and the CIFAR-100 label kind
/// (bit 1: coarse). The rest is the content of one data file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCIFAR(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  guard size >= 1 else { return 0 }
  let control = data[0]
  let format: CIFARFormat = control & 0x01 != 0 ? .cifar100 : .cifar10
  let labelKind: CIFARLabelKind = control & 0x02 != 0 ? .coarse : .fine
  let body = Data(UnsafeRawBufferPointer(start: data + 1, count: size - 1))

  let reader = RecordReader(format: format, labelKind: labelKind, namesPath: "names.txt")
  // Earlier files' records are already in the arrays when a later file is appended.
  var pixels: [UInt8] = [1, 2, 3]
  var labels: [Int32] = [0]
  do {
    try reader.append(body, path: "fuzz.bin", pixels: &pixels, labels: &labels)
  } catch let error as DataError {
    fuzzCheck(!error.description.isEmpty, "empty message for \(error)")
    return 0
  } catch {
    fuzzCheck(false, "RecordReader threw \(type(of: error)), not DataError: \(error)")
    return 0
  }

  let recordCount = body.count / format.recordSize
  fuzzCheck(
    body.count % format.recordSize == 0, "accepted \(body.count) bytes of \(format) records")
  fuzzCheck(
    labels.count == 1 + recordCount, "\(labels.count - 1) labels for \(recordCount) records")
  fuzzCheck(
    pixels.count == 3 + recordCount * CIFARDataset.imageSize,
    "\(pixels.count - 3) pixel bytes for \(recordCount) records")
  let classCount = format.classCount(labelKind)
  fuzzCheck(labels.allSatisfy { (0..<Int32(classCount)).contains($0) }, "label out of range")
  let labelOffset = format.labelOffset(labelKind)
  for index in 0..<recordCount {
    let start = body.startIndex + index * format.recordSize
    fuzzCheck(
      Int32(body[start + labelOffset]) == labels[1 + index], "label of record \(index) differs")
    let pixelStart = start + format.labelByteCount
    fuzzCheck(
      pixels[3 + index * CIFARDataset.imageSize] == body[pixelStart],
      "first pixel of record \(index) differs")
  }
  return 0
}
