import Foundation

/// The two binary distributions of the CIFAR data sets.
public enum CIFARFormat: String, Sendable, CaseIterable {
  case cifar10 = "cifar-10"
  case cifar100 = "cifar-100"

  /// Name of the folder that the binary archive extracts to.
  public var archiveFolder: String {
    switch self {
    case .cifar10: return "cifar-10-batches-bin"
    case .cifar100: return "cifar-100-binary"
    }
  }

  /// Training files, in the order their records are concatenated.
  public var trainFiles: [String] {
    switch self {
    case .cifar10: return (1...5).map { "data_batch_\($0).bin" }
    case .cifar100: return ["train.bin"]
    }
  }

  public var testFile: String {
    switch self {
    case .cifar10: return "test_batch.bin"
    case .cifar100: return "test.bin"
    }
  }

  /// Training and test files.
  public var dataFiles: [String] { trainFiles + [testFile] }

  /// Number of label bytes before the pixels of each record.
  var labelByteCount: Int {
    switch self {
    case .cifar10: return 1
    case .cifar100: return 2
    }
  }

  /// Size in bytes of one record: the label bytes, then the pixels.
  var recordSize: Int { labelByteCount + CIFARDataset.imageSize }

  /// Returns the offset of the label that `labelKind` selects within a record.
  ///
  /// CIFAR-100 records start with the coarse label, then the fine label. CIFAR-10
  /// records have a single label, so `labelKind` does not change them.
  func labelOffset(_ labelKind: CIFARLabelKind) -> Int {
    switch (self, labelKind) {
    case (.cifar10, _): return 0
    case (.cifar100, .coarse): return 0
    case (.cifar100, .fine): return 1
    }
  }

  /// Returns the name of the file that lists the class names of `labelKind`, one per line.
  func classNamesFile(_ labelKind: CIFARLabelKind) -> String {
    switch (self, labelKind) {
    case (.cifar10, _): return "batches.meta.txt"
    case (.cifar100, .coarse): return "coarse_label_names.txt"
    case (.cifar100, .fine): return "fine_label_names.txt"
    }
  }

  /// Returns the number of classes that `labelKind` selects.
  func classCount(_ labelKind: CIFARLabelKind) -> Int {
    switch (self, labelKind) {
    case (.cifar10, _): return 10
    case (.cifar100, .coarse): return 20
    case (.cifar100, .fine): return 100
    }
  }

  /// Returns the data files and the class names file that `load` reads for `labelKind`.
  func requiredFiles(labelKind: CIFARLabelKind) -> [String] {
    dataFiles + [classNamesFile(labelKind)]
  }
}

/// The CIFAR-100 label that becomes the class. CIFAR-10 has one label per image and ignores it.
public enum CIFARLabelKind: String, Sendable, CaseIterable {
  /// The 100 classes of CIFAR-100.
  case fine
  /// The 20 superclasses of CIFAR-100.
  case coarse
}

/// Loader for the binary versions of CIFAR-10 and CIFAR-100.
///
/// Each record is one label byte (CIFAR-10) or a coarse and a fine label byte
/// (CIFAR-100), followed by 3072 pixel bytes: 1024 red, 1024 green and 1024 blue,
/// each a row-major 32x32 plane. That is already the `[channels, height, width]`
/// layout of `ImageSplit`, so the pixels are copied unchanged.
public enum CIFARDataset {
  /// `[channels, height, width]` of every CIFAR image.
  public static let shape = [3, 32, 32]
  static let imageSize = 3 * 32 * 32

  /// Returns whether `directory`, or its `cifar-10-batches-bin` or `cifar-100-binary`
  /// sub-folder, contains all training and test files of CIFAR-10 or CIFAR-100.
  ///
  /// The class names files are not checked, so `load` can still fail on a
  /// directory that matches.
  public static func matches(directory: String) -> Bool {
    locate(directory: directory).map { isComplete($0.format, in: $0.directory) } ?? false
  }

  /// Returns the format of the CIFAR files in `directory` or its archive sub-folder,
  /// or nil when neither format's files are there.
  public static func detectFormat(directory: String) -> CIFARFormat? {
    locate(directory: directory)?.format
  }

  /// Loads the training and test splits of CIFAR-10 or CIFAR-100.
  ///
  /// The files may sit in `directory` itself or in the `cifar-10-batches-bin` or
  /// `cifar-100-binary` folder that the archive extracts to. The returned data set's
  /// `directory` is the folder that contains the files.
  ///
  /// - Parameter labelKind: the CIFAR-100 label to use, fine (100 classes) by default.
  /// - Throws: `DataError` naming the file when a file is missing or empty, is not a
  ///   whole number of records, or contains a label beyond its class names. The class
  ///   names file must list exactly the data set's number of classes.
  public static func load(directory: String, labelKind: CIFARLabelKind = .fine) throws
    -> ImageDataset
  {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw DataError.directoryNotFound(path: directory)
    }
    guard let location = locate(directory: directory) else {
      throw DataError.cifarDataNotFound(directory: directory)
    }
    let format = location.format
    let folder = location.directory

    let expected = format.requiredFiles(labelKind: labelKind)
    let missing = expected.filter { !fileExists($0, in: folder) }
    guard missing.isEmpty else {
      throw DataError.missingCIFARFiles(directory: folder, missing: missing, expected: expected)
    }

    let namesPath = path(format.classNamesFile(labelKind), in: folder)
    let classNames = try readClassNames(path: namesPath, expected: format.classCount(labelKind))
    let reader = RecordReader(format: format, labelKind: labelKind, namesPath: namesPath)
    let train = try reader.readSplit(paths: format.trainFiles.map { path($0, in: folder) })
    let test = try reader.readSplit(paths: [path(format.testFile, in: folder)])

    return ImageDataset(
      name: format.rawValue, directory: folder, classNames: classNames, train: train, test: test)
  }

  /// Finds the folder with CIFAR files: `directory` itself, then the archive sub-folders.
  ///
  /// A folder counts when it contains any file of a format, so that `load` can list
  /// the files that are still missing from an incomplete copy. When both archive
  /// sub-folders exist, CIFAR-10 is found first, so pass the `cifar-100-binary`
  /// folder itself to load CIFAR-100.
  static func locate(directory: String) -> (format: CIFARFormat, directory: String)? {
    let folders =
      [directory] + CIFARFormat.allCases.map { path($0.archiveFolder, in: directory) }
    for folder in folders {
      for format in CIFARFormat.allCases
      where format.dataFiles.contains(where: { fileExists($0, in: folder) }) {
        return (format, folder)
      }
    }
    return nil
  }

  static func isComplete(_ format: CIFARFormat, in folder: String) -> Bool {
    format.dataFiles.allSatisfy { fileExists($0, in: folder) }
  }

  /// Reads one class name per line, ignoring blank lines and surrounding spaces.
  static func readClassNames(path: String, expected: Int) throws -> [String] {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw DataError.unreadable(path: path, reason: error.localizedDescription)
    }
    let names = text.split(whereSeparator: \.isNewline)
      .map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
    guard names.count == expected else {
      throw DataError.classNameCountMismatch(path: path, found: names.count, expected: expected)
    }
    return names
  }

  static func path(_ name: String, in directory: String) -> String {
    (directory as NSString).appendingPathComponent(name)
  }

  private static func fileExists(_ name: String, in directory: String) -> Bool {
    FileManager.default.fileExists(atPath: path(name, in: directory))
  }
}

/// Splits CIFAR data files into labels and pixels, checking sizes and labels on the way.
struct RecordReader {
  let format: CIFARFormat
  let labelKind: CIFARLabelKind
  /// The class names file, named in label errors.
  let namesPath: String

  /// Concatenates the records of `paths` into one split.
  func readSplit(paths: [String]) throws -> ImageSplit {
    var pixels: [UInt8] = []
    var labels: [Int32] = []
    for path in paths {
      try read(path: path, pixels: &pixels, labels: &labels)
    }
    return ImageSplit(pixels: pixels, labels: labels, shape: CIFARDataset.shape)
  }

  /// Appends the labels and pixels of the file at `path`.
  func read(path: String, pixels: inout [UInt8], labels: inout [Int32]) throws {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw DataError.unreadable(path: path, reason: error.localizedDescription)
    }
    try append(data, path: path, pixels: &pixels, labels: &labels)
  }

  /// Appends the labels and pixels of the CIFAR records in `data`, the contents of the
  /// file at `path`. `path` only names the file in errors.
  func append(_ data: Data, path: String, pixels: inout [UInt8], labels: inout [Int32]) throws {
    let recordSize = format.recordSize
    guard !data.isEmpty else { throw DataError.emptySet(path: path) }
    guard data.count % recordSize == 0 else {
      throw DataError.recordSizeMismatch(
        path: path, byteCount: data.count, recordSize: recordSize)
    }

    let recordCount = data.count / recordSize
    let labelOffset = format.labelOffset(labelKind)
    let classCount = format.classCount(labelKind)
    pixels.reserveCapacity(pixels.count + recordCount * CIFARDataset.imageSize)
    labels.reserveCapacity(labels.count + recordCount)
    try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
      for index in 0..<recordCount {
        let start = index * recordSize
        let label = Int(buffer[start + labelOffset])
        guard label < classCount else {
          throw DataError.labelBeyondClassNames(
            path: path, index: index, label: label, classCount: classCount,
            namesPath: namesPath)
        }
        labels.append(Int32(label))
        let pixelStart = start + format.labelByteCount
        pixels.append(contentsOf: buffer[pixelStart..<(pixelStart + CIFARDataset.imageSize)])
      }
    }
  }
}
