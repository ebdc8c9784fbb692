import CZlib
import Foundation
import Testing

@testable import LeptonEngine

/// Builds IDX files in a fresh temporary directory.
struct IDXFixture {
  let directory: String

  init() throws {
    directory = NSTemporaryDirectory() + "lepton-idx-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

  static func imageBytes(count: Int, height: Int, width: Int, magic: [UInt8] = [0, 0, 8, 3])
    -> [UInt8]
  {
    var bytes = magic
    for dimension in [count, height, width] { bytes += bigEndian(dimension) }
    for index in 0..<(count * height * width) { bytes.append(UInt8(index % 256)) }
    return bytes
  }

  static func labelBytes(_ labels: [UInt8]) -> [UInt8] {
    [0, 0, 8, 1] + bigEndian(labels.count) + labels
  }

  static func bigEndian(_ value: Int) -> [UInt8] {
    [
      UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF),
      UInt8(value & 0xFF),
    ]
  }

  func writeRaw(_ bytes: [UInt8], name: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
  }

  func writeGzip(_ bytes: [UInt8], name: String) throws {
    let handle = try #require(gzopen(path(name), "wb"))
    let written = bytes.withUnsafeBytes { gzwrite(handle, $0.baseAddress, UInt32(bytes.count)) }
    gzclose(handle)
    #expect(Int(written) == bytes.count)
  }

  /// Writes a complete, valid data set: 6 training and 4 test images of 3x2 pixels.
  func writeValidSet(gzip: Bool) throws {
    let suffix = gzip ? ".gz" : ""
    let write = gzip ? writeGzip : writeRaw
    try write(Self.imageBytes(count: 6, height: 3, width: 2), "train-images-idx3-ubyte" + suffix)
    try write(Self.labelBytes([0, 1, 2, 0, 1, 2]), "train-labels-idx1-ubyte" + suffix)
    try write(Self.imageBytes(count: 4, height: 3, width: 2), "t10k-images-idx3-ubyte" + suffix)
    try write(Self.labelBytes([2, 1, 0, 1]), "t10k-labels-idx1-ubyte" + suffix)
  }

  func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

@Suite("IDX reader")
struct IDXReaderTests {
  @Test("reads gzip and raw files alike", arguments: [true, false])
  func readsValidSet(gzip: Bool) throws {
    let fixture = try IDXFixture()
    defer { fixture.remove() }
    try fixture.writeValidSet(gzip: gzip)

    let dataset = try IDXDataset.load(directory: fixture.directory)
    #expect(dataset.train.count == 6)
    #expect(dataset.test.count == 4)
    #expect(dataset.train.shape == [1, 3, 2])
    #expect(dataset.train.labels == [0, 1, 2, 0, 1, 2])
    #expect(dataset.test.labels == [2, 1, 0, 1])
    #expect(Array(dataset.train.pixels.prefix(7)) == [0, 1, 2, 3, 4, 5, 6])
    #expect(dataset.classNames == ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"])
  }

  @Test func readsClassNamesFile() throws {
    let fixture = try IDXFixture()
    defer { fixture.remove() }
    try fixture.writeValidSet(gzip: false)
    try "cat\ndog\n\nbird\n".write(
      toFile: fixture.path("classes.txt"), atomically: true, encoding: .utf8)
    let dataset = try IDXDataset.load(directory: fixture.directory)
    #expect(dataset.classNames == ["cat", "dog", "bird"])
  }

  @Test func rejectsTooFewClassNames() throws {
    let fixture = try IDXFixture()
    defer { fixture.remove() }
    try fixture.writeValidSet(gzip: false)
    try "cat\n".write(toFile: fixture.path("classes.txt"), atomically: true, encoding: .utf8)
    #expect(throws: DataError.tooFewClassNames(path: fixture.path("classes.txt"), found: 1)) {
      try IDXDataset.load(directory: fixture.directory)
    }
  }

  @Test func rejectsWrongMagic() throws {
    let fixture = try IDXFixture()
    defer { fixture.remove() }
    try fixture.writeValidSet(gzip: false)
    // A label file where an image file belongs.
    try fixture.writeRaw(IDXFixture.labelBytes([0, 1]), name: "train-images-idx3-ubyte")
    let path = fixture.path("train-images-idx3-ubyte")
    #expect(throws: DataError.badMagic(path: path, found: 0x0801, expected: 0x0803)) {
      try IDXDataset.load(directory: fixture.directory)
    }
    let message = DataError.badMagic(path: path, found: 0x0801, expected: 0x0803).description
    #expect(message.contains(path))
    #expect(message.contains("0x00000801"))
  }

  @Test func rejectsTruncatedPayload() throws {
    let fixture = try IDXFixture()
    defer { fixture.remove() }
    try fixture.writeValidSet(gzip: false)
    let bytes = IDXFixture.imageBytes(count: 6, height: 3, width: 2)
    try fixture.writeRaw(Array(bytes.dropLast(5)), name: "train-images-idx3-ubyte")
    #expect(
      throws: DataError.sizeMismatch(
        path: fixture.path("train-images-idx3-ubyte"), dimensions: [6, 3, 2], expectedBytes: 36,
        foundBytes: 31)
    ) {
      try IDXDataset.load(directory: fixture.directory)
    }
  }

  @Test func rejectsTruncatedHeader() throws {
    let fixture = try IDXFixture()
    defer { fixture.remove() }
    try fixture.writeValidSet(gzip: false)
    try fixture.writeRaw([0, 0, 8, 3, 0, 0], name: "train-images-idx3-ubyte")
    #expect(
      throws: DataError.truncatedHeader(path: fixture.path("train-images-idx3-ubyte"), byteCount: 6)
    ) {
      try IDXDataset.load(directory: fixture.directory)
    }
  }

  @Test func rejectsCountMismatch() throws {
    let fixture = try IDXFixture()
    defer { fixture.remove() }
    try fixture.writeValidSet(gzip: false)
    try fixture.writeRaw(IDXFixture.labelBytes([0, 1, 2]), name: "t10k-labels-idx1-ubyte")
    #expect(
      throws: DataError.countMismatch(
        imagesPath: fixture.path("t10k-images-idx3-ubyte"), imageCount: 4,
        labelsPath: fixture.path("t10k-labels-idx1-ubyte"), labelCount: 3)
    ) {
      try IDXDataset.load(directory: fixture.directory)
    }
  }

  @Test func rejectsLabelOutOfRange() throws {
    let fixture = try IDXFixture()
    defer { fixture.remove() }
    try fixture.writeValidSet(gzip: false)
    // One corrupt byte must not add 191 classes.
    try fixture.writeRaw(IDXFixture.labelBytes([2, 1, 200, 1]), name: "t10k-labels-idx1-ubyte")
    let path = fixture.path("t10k-labels-idx1-ubyte")
    #expect(throws: DataError.labelOutOfRange(path: path, index: 2, label: 200, classCount: 10)) {
      try IDXDataset.load(directory: fixture.directory)
    }
  }

  @Test func classNamesFileSetsClassCount() throws {
    let fixture = try IDXFixture()
    defer { fixture.remove() }
    try fixture.writeValidSet(gzip: false)
    try "a\nb\n".write(toFile: fixture.path("classes.txt"), atomically: true, encoding: .utf8)
    let path = fixture.path("train-labels-idx1-ubyte")
    #expect(throws: DataError.labelOutOfRange(path: path, index: 2, label: 2, classCount: 2)) {
      try IDXDataset.load(directory: fixture.directory)
    }
  }

  @Test func rejectsEmptySet() throws {
    let fixture = try IDXFixture()
    defer { fixture.remove() }
    try fixture.writeValidSet(gzip: false)
    try fixture.writeRaw(
      IDXFixture.imageBytes(count: 0, height: 3, width: 2), name: "t10k-images-idx3-ubyte")
    try fixture.writeRaw(IDXFixture.labelBytes([]), name: "t10k-labels-idx1-ubyte")
    #expect(throws: DataError.emptySet(path: fixture.path("t10k-images-idx3-ubyte"))) {
      try IDXDataset.load(directory: fixture.directory)
    }
  }

  @Test func rejectsMismatchedImageSizes() throws {
    let fixture = try IDXFixture()
    defer { fixture.remove() }
    try fixture.writeValidSet(gzip: false)
    try fixture.writeRaw(
      IDXFixture.imageBytes(count: 4, height: 2, width: 2), name: "t10k-images-idx3-ubyte")
    #expect(
      throws: DataError.shapeMismatch(
        path: fixture.path("t10k-images-idx3-ubyte"), found: [1, 2, 2], expected: [1, 3, 2])
    ) {
      try IDXDataset.load(directory: fixture.directory)
    }
  }

  @Test func rejectsTruncatedGzip() throws {
    let fixture = try IDXFixture()
    defer { fixture.remove() }
    try fixture.writeValidSet(gzip: true)
    let path = fixture.path("train-images-idx3-ubyte.gz")
    let compressed = try Data(contentsOf: URL(fileURLWithPath: path))
    try compressed.prefix(compressed.count - 12).write(to: URL(fileURLWithPath: path))
    #expect {
      try IDXDataset.load(directory: fixture.directory)
    } throws: { error in
      guard case .corruptGzip(let failedPath, _) = error as? DataError else { return false }
      return failedPath == path
    }
  }

  @Test func rejectsCorruptGzip() throws {
    let fixture = try IDXFixture()
    defer { fixture.remove() }
    try fixture.writeValidSet(gzip: true)
    let path = fixture.path("train-labels-idx1-ubyte.gz")
    var compressed = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    // Flip bits in the deflate stream, after the 10-byte gzip header.
    for index in 12..<min(compressed.count - 8, 20) { compressed[index] ^= 0xA5 }
    try Data(compressed).write(to: URL(fileURLWithPath: path))
    #expect {
      try IDXDataset.load(directory: fixture.directory)
    } throws: { error in
      guard let dataError = error as? DataError else { return false }
      switch dataError {
      case .corruptGzip(let failedPath, _): return failedPath == path
      // A flipped bit can also decode to a stream whose header no longer parses.
      case .badMagic(let failedPath, _, _), .sizeMismatch(let failedPath, _, _, _):
        return failedPath == path
      default: return false
      }
    }
  }

  @Test func reportsMissingFile() throws {
    let fixture = try IDXFixture()
    defer { fixture.remove() }
    try fixture.writeValidSet(gzip: false)
    try FileManager.default.removeItem(atPath: fixture.path("t10k-labels-idx1-ubyte"))
    let expected = DataError.missingFile(
      directory: fixture.directory,
      candidates: ["t10k-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte"])
    #expect(throws: expected) {
      try IDXDataset.load(directory: fixture.directory)
    }
    #expect(expected.description.contains("t10k-labels-idx1-ubyte.gz"))
  }

  @Test func reportsMissingDirectory() {
    #expect(throws: DataError.directoryNotFound(path: "/nonexistent/lepton-data")) {
      try IDXDataset.load(directory: "/nonexistent/lepton-data")
    }
  }
}

@Suite("Data preparation")
struct DataPreparationTests {
  @Test func normalizationMatchesDirectFormula() {
    let pixels: [UInt8] = [0, 255, 128, 64, 10, 200]
    let normalization = Normalization.measure(pixels)
    let scaled = pixels.map { Double($0) / 255 }
    let mean = scaled.reduce(0, +) / Double(scaled.count)
    let variance = scaled.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(scaled.count)
    #expect(abs(Double(normalization.mean) - mean) < 1e-6)
    #expect(abs(Double(normalization.standardDeviation) - variance.squareRoot()) < 1e-6)

    let split = ImageSplit(pixels: pixels, labels: [0], shape: [1, 2, 3])
    let normalized = normalization.normalizedImages(of: split)
    let normalizedMean = normalized.reduce(0, +) / Float(normalized.count)
    #expect(abs(normalizedMean) < 1e-5)
  }

  @Test func shuffleIsSeededPermutation() {
    let shuffler = EpochShuffler(count: 1000, seed: 7)
    let first = shuffler.order(epoch: 1)
    #expect(first == EpochShuffler(count: 1000, seed: 7).order(epoch: 1))
    #expect(first != shuffler.order(epoch: 2))
    #expect(first != EpochShuffler(count: 1000, seed: 8).order(epoch: 1))
    #expect(Set(first).count == 1000)
    #expect(first.min() == 0)
    #expect(first.max() == 999)
  }

  @Test func limitKeepsFirstSamples() {
    let split = ImageSplit(pixels: Array(0..<12), labels: [0, 1, 2], shape: [1, 2, 2])
    let limited = split.prefix(2)
    #expect(limited.count == 2)
    #expect(limited.pixels == Array(0..<8))
    #expect(split.prefix(5).count == 3)
    #expect(split.prefix(nil).count == 3)
  }
}
