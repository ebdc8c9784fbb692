import Foundation
import Testing

@testable import LeptonEngine

/// Builds small CIFAR binary files in a fresh temporary directory.
struct CIFARFixture {
  let root: String
  /// The folder that receives the files: `root` or one of its sub-folders.
  let directory: String

  init(subFolder: String? = nil) throws {
    let root = NSTemporaryDirectory() + "lepton-cifar-\(UUID().uuidString)"
    self.root = root
    if let subFolder {
      directory = (root as NSString).appendingPathComponent(subFolder)
    } else {
      directory = root
    }
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

  /// Returns 3072 pixel bytes where channel `c` at position `p` is `(seed + 100 * c + p) % 256`.
  static func pixels(seed: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(3072)
    for channel in 0..<3 {
      for position in 0..<1024 { bytes.append(UInt8((seed + 100 * channel + position) % 256)) }
    }
    return bytes
  }

  /// Returns CIFAR-10 records, one per label, with pixel seeds `firstSeed`, `firstSeed + 1`, ...
  static func cifar10Records(labels: [UInt8], firstSeed: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    for (offset, label) in labels.enumerated() {
      bytes.append(label)
      bytes += pixels(seed: firstSeed + offset)
    }
    return bytes
  }

  /// Returns CIFAR-100 records from `(coarse, fine)` label pairs.
  static func cifar100Records(labels: [(coarse: UInt8, fine: UInt8)], firstSeed: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    for (offset, label) in labels.enumerated() {
      bytes += [label.coarse, label.fine]
      bytes += pixels(seed: firstSeed + offset)
    }
    return bytes
  }

  static let cifar10Names = [
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
  ]

  /// Training labels of batch `number` (1 to 5): two records per batch.
  static func cifar10TrainLabels(batch number: Int) -> [UInt8] {
    [UInt8(number - 1), UInt8(number + 4)]
  }

  static let cifar10TestLabels: [UInt8] = [9, 0, 4]

  static let cifar100TrainLabels: [(coarse: UInt8, fine: UInt8)] = [(0, 99), (19, 3), (7, 42)]
  static let cifar100TestLabels: [(coarse: UInt8, fine: UInt8)] = [(5, 50), (12, 0)]

  func write(_ bytes: [UInt8], name: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
  }

  func writeText(_ text: String, name: String) throws {
    try text.write(toFile: path(name), atomically: true, encoding: .utf8)
  }

  /// Writes five training batches of 2 records, a test batch of 3 and the class names.
  ///
  /// Batch `k` uses pixel seeds from `10 * k`, and the test batch from 100.
  func writeCIFAR10() throws {
    for batch in 1...5 {
      try write(
        Self.cifar10Records(labels: Self.cifar10TrainLabels(batch: batch), firstSeed: 10 * batch),
        name: "data_batch_\(batch).bin")
    }
    try write(
      Self.cifar10Records(labels: Self.cifar10TestLabels, firstSeed: 100), name: "test_batch.bin")
    // Trailing blank lines must not count as class names.
    try writeText(Self.cifar10Names.joined(separator: "\n") + "\n\n", name: "batches.meta.txt")
  }

  /// Writes 3 training and 2 test records with both class names files.
  func writeCIFAR100() throws {
    try write(
      Self.cifar100Records(labels: Self.cifar100TrainLabels, firstSeed: 1), name: "train.bin")
    try write(
      Self.cifar100Records(labels: Self.cifar100TestLabels, firstSeed: 200), name: "test.bin")
    let fineNames = (0..<100).map { "fine\($0)" }.joined(separator: "\n")
    let coarseNames = (0..<20).map { "coarse\($0)" }.joined(separator: "\n")
    try writeText(fineNames + "\n", name: "fine_label_names.txt")
    try writeText(coarseNames + "\n", name: "coarse_label_names.txt")
  }

  func remove() { try? FileManager.default.removeItem(atPath: root) }
}

@Suite("CIFAR reader")
struct CIFARReaderTests {
  @Test func loadsCIFAR10Batches() throws {
    let fixture = try CIFARFixture()
    defer { fixture.remove() }
    try fixture.writeCIFAR10()

    let dataset = try CIFARDataset.load(directory: fixture.directory)
    #expect(dataset.name == "cifar-10")
    #expect(dataset.directory == fixture.directory)
    #expect(dataset.classNames == CIFARFixture.cifar10Names)
    #expect(dataset.train.shape == [3, 32, 32])
    #expect(dataset.test.shape == [3, 32, 32])
    #expect(dataset.train.count == 10)
    #expect(dataset.test.count == 3)
    #expect(dataset.train.pixels.count == 10 * 3072)
    #expect(dataset.test.pixels.count == 3 * 3072)
    // Batches are concatenated in order 1 to 5.
    #expect(dataset.train.labels == [0, 5, 1, 6, 2, 7, 3, 8, 4, 9])
    #expect(dataset.test.labels == [9, 0, 4])
  }

  @Test func keepsChannelPlanesInOrder() throws {
    let fixture = try CIFARFixture()
    defer { fixture.remove() }
    try fixture.writeCIFAR10()

    let dataset = try CIFARDataset.load(directory: fixture.directory)
    let pixels = dataset.train.pixels
    // First image, seed 10: red, green and blue planes start at 0, 1024 and 2048.
    #expect(pixels[0] == 10)
    #expect(pixels[1] == 11)
    #expect(pixels[32] == 42)
    #expect(pixels[1024] == 110)
    #expect(pixels[2048] == 210)
    #expect(pixels[3071] == UInt8((10 + 200 + 1023) % 256))
    // The label byte is not copied, so the second image (seed 11) starts at 3072.
    #expect(pixels[3072] == 11)
    // The third image is the first record of data_batch_2.bin (seed 20).
    #expect(pixels[2 * 3072] == 20)
    #expect(Array(dataset.test.pixels.prefix(3)) == [100, 101, 102])
  }

  @Test func readsCIFAR100FineLabels() throws {
    let fixture = try CIFARFixture()
    defer { fixture.remove() }
    try fixture.writeCIFAR100()

    let dataset = try CIFARDataset.load(directory: fixture.directory)
    #expect(dataset.name == "cifar-100")
    #expect(dataset.classCount == 100)
    #expect(dataset.classNames.first == "fine0")
    #expect(dataset.classNames.last == "fine99")
    #expect(dataset.train.labels == [99, 3, 42])
    #expect(dataset.test.labels == [50, 0])
    #expect(dataset.train.shape == [3, 32, 32])
    #expect(dataset.train.pixels.count == 3 * 3072)
    // Both label bytes are skipped: the second image (seed 2) starts at 3072.
    #expect(dataset.train.pixels[0] == 1)
    #expect(dataset.train.pixels[3072] == 2)
    #expect(dataset.test.pixels[1024] == UInt8((200 + 100) % 256))
  }

  @Test func readsCIFAR100CoarseLabels() throws {
    let fixture = try CIFARFixture()
    defer { fixture.remove() }
    try fixture.writeCIFAR100()

    let dataset = try CIFARDataset.load(directory: fixture.directory, labelKind: .coarse)
    #expect(dataset.classCount == 20)
    #expect(dataset.classNames.first == "coarse0")
    #expect(dataset.classNames.last == "coarse19")
    #expect(dataset.train.labels == [0, 19, 7])
    #expect(dataset.test.labels == [5, 12])
    #expect(dataset.train.pixels[3072] == 2)
  }

  @Test("finds the archive sub-folder", arguments: CIFARFormat.allCases)
  func findsArchiveSubFolder(format: CIFARFormat) throws {
    let fixture = try CIFARFixture(subFolder: format.archiveFolder)
    defer { fixture.remove() }
    switch format {
    case .cifar10: try fixture.writeCIFAR10()
    case .cifar100: try fixture.writeCIFAR100()
    }

    #expect(CIFARDataset.matches(directory: fixture.root))
    #expect(CIFARDataset.detectFormat(directory: fixture.root) == format)
    let dataset = try CIFARDataset.load(directory: fixture.root)
    #expect(dataset.name == format.rawValue)
    #expect(dataset.directory == fixture.directory)
    #expect(dataset.train.count > 0)
  }

  @Test func matchesOnlyCompleteSets() throws {
    let fixture = try CIFARFixture()
    defer { fixture.remove() }
    #expect(!CIFARDataset.matches(directory: fixture.directory))
    #expect(CIFARDataset.detectFormat(directory: fixture.directory) == nil)

    try fixture.writeCIFAR10()
    #expect(CIFARDataset.matches(directory: fixture.directory))
    #expect(CIFARDataset.detectFormat(directory: fixture.directory) == .cifar10)

    try FileManager.default.removeItem(atPath: fixture.path("test_batch.bin"))
    #expect(!CIFARDataset.matches(directory: fixture.directory))
    #expect(!CIFARDataset.matches(directory: "/nonexistent/lepton-cifar"))
  }

  @Test func rejectsTruncatedFile() throws {
    let fixture = try CIFARFixture()
    defer { fixture.remove() }
    try fixture.writeCIFAR10()
    let bytes = CIFARFixture.cifar10Records(labels: [1, 2], firstSeed: 0)
    try fixture.write(Array(bytes.dropLast(100)), name: "data_batch_4.bin")

    let path = fixture.path("data_batch_4.bin")
    let expected = DataError.recordSizeMismatch(path: path, byteCount: 6046, recordSize: 3073)
    #expect(throws: expected) {
      try CIFARDataset.load(directory: fixture.directory)
    }
    #expect(expected.description.contains(path))
    #expect(expected.description.contains("Copy it again"))
  }

  @Test func rejectsTruncatedCIFAR100File() throws {
    let fixture = try CIFARFixture()
    defer { fixture.remove() }
    try fixture.writeCIFAR100()
    // A CIFAR-10 record is one byte short of a CIFAR-100 record.
    try fixture.write(CIFARFixture.cifar10Records(labels: [1], firstSeed: 0), name: "test.bin")
    #expect(
      throws: DataError.recordSizeMismatch(
        path: fixture.path("test.bin"), byteCount: 3073, recordSize: 3074)
    ) {
      try CIFARDataset.load(directory: fixture.directory)
    }
  }

  @Test func rejectsEmptyFile() throws {
    let fixture = try CIFARFixture()
    defer { fixture.remove() }
    try fixture.writeCIFAR10()
    try fixture.write([], name: "test_batch.bin")
    #expect(throws: DataError.emptySet(path: fixture.path("test_batch.bin"))) {
      try CIFARDataset.load(directory: fixture.directory)
    }
  }

  @Test func reportsMissingBatch() throws {
    let fixture = try CIFARFixture()
    defer { fixture.remove() }
    try fixture.writeCIFAR10()
    try FileManager.default.removeItem(atPath: fixture.path("data_batch_3.bin"))

    let expected = DataError.missingCIFARFiles(
      directory: fixture.directory, missing: ["data_batch_3.bin"],
      expected: [
        "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
        "data_batch_5.bin", "test_batch.bin", "batches.meta.txt",
      ])
    #expect(throws: expected) {
      try CIFARDataset.load(directory: fixture.directory)
    }
    #expect(expected.description.contains("missing data_batch_3.bin"))
    #expect(expected.description.contains("batches.meta.txt"))
  }

  @Test func reportsMissingCoarseNames() throws {
    let fixture = try CIFARFixture()
    defer { fixture.remove() }
    try fixture.writeCIFAR100()
    try FileManager.default.removeItem(atPath: fixture.path("coarse_label_names.txt"))

    // Fine labels do not need the coarse names.
    #expect(try CIFARDataset.load(directory: fixture.directory).classCount == 100)
    #expect(
      throws: DataError.missingCIFARFiles(
        directory: fixture.directory, missing: ["coarse_label_names.txt"],
        expected: ["train.bin", "test.bin", "coarse_label_names.txt"])
    ) {
      try CIFARDataset.load(directory: fixture.directory, labelKind: .coarse)
    }
  }

  @Test func reportsDirectoryWithoutCIFARFiles() throws {
    let fixture = try CIFARFixture()
    defer { fixture.remove() }
    try fixture.writeText("a\nb\n", name: "classes.txt")

    let expected = DataError.cifarDataNotFound(directory: fixture.directory)
    #expect(throws: expected) {
      try CIFARDataset.load(directory: fixture.directory)
    }
    #expect(expected.description.contains("data_batch_1.bin"))
    #expect(expected.description.contains("train.bin"))
    #expect(expected.description.contains("cifar-100-binary"))
    #expect(throws: DataError.directoryNotFound(path: "/nonexistent/lepton-cifar")) {
      try CIFARDataset.load(directory: "/nonexistent/lepton-cifar")
    }
  }

  @Test func rejectsCIFAR10LabelOutOfRange() throws {
    let fixture = try CIFARFixture()
    defer { fixture.remove() }
    try fixture.writeCIFAR10()
    try fixture.write(
      CIFARFixture.cifar10Records(labels: [3, 10, 1], firstSeed: 0), name: "test_batch.bin")

    let expected = DataError.labelBeyondClassNames(
      path: fixture.path("test_batch.bin"), index: 1, label: 10, classCount: 10,
      namesPath: fixture.path("batches.meta.txt"))
    #expect(throws: expected) {
      try CIFARDataset.load(directory: fixture.directory)
    }
    #expect(expected.description.contains("out of range 0 to 9"))
  }

  @Test func rejectsCoarseLabelOutOfRange() throws {
    let fixture = try CIFARFixture()
    defer { fixture.remove() }
    try fixture.writeCIFAR100()
    // Coarse label 20 is invalid, but fine label 20 is valid.
    try fixture.write(
      CIFARFixture.cifar100Records(labels: [(20, 20)], firstSeed: 0), name: "train.bin")

    #expect(try CIFARDataset.load(directory: fixture.directory).train.labels == [20])
    #expect(
      throws: DataError.labelBeyondClassNames(
        path: fixture.path("train.bin"), index: 0, label: 20, classCount: 20,
        namesPath: fixture.path("coarse_label_names.txt"))
    ) {
      try CIFARDataset.load(directory: fixture.directory, labelKind: .coarse)
    }
  }

  @Test func rejectsTooFewClassNames() throws {
    let fixture = try CIFARFixture()
    defer { fixture.remove() }
    try fixture.writeCIFAR10()
    try fixture.writeText("airplane\n\nautomobile\nbird\n", name: "batches.meta.txt")

    let path = fixture.path("batches.meta.txt")
    let expected = DataError.classNameCountMismatch(path: path, found: 3, expected: 10)
    #expect(throws: expected) {
      try CIFARDataset.load(directory: fixture.directory)
    }
    #expect(expected.description.contains("lists 3 class names, expected 10"))
  }

  @Test func rejectsTooFewFineNames() throws {
    let fixture = try CIFARFixture()
    defer { fixture.remove() }
    try fixture.writeCIFAR100()
    let names = (0..<99).map { "fine\($0)" }.joined(separator: "\n")
    try fixture.writeText(names, name: "fine_label_names.txt")
    #expect(
      throws: DataError.classNameCountMismatch(
        path: fixture.path("fine_label_names.txt"), found: 99, expected: 100)
    ) {
      try CIFARDataset.load(directory: fixture.directory)
    }
  }
}
