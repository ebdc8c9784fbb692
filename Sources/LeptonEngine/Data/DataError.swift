/// Problems with a data set on disk. Each message names the file and the fix.
public enum DataError: Error, Equatable, CustomStringConvertible {
  case fileNotFound(path: String)
  case directoryNotFound(path: String)
  case missingFile(directory: String, candidates: [String])
  case unreadable(path: String, reason: String)
  case corruptGzip(path: String, reason: String)
  case truncatedHeader(path: String, byteCount: Int)
  case badMagic(path: String, found: UInt32, expected: UInt32)
  case badDimensions(path: String, dimensions: [Int])
  case sizeMismatch(path: String, dimensions: [Int], expectedBytes: Int, foundBytes: Int)
  case countMismatch(imagesPath: String, imageCount: Int, labelsPath: String, labelCount: Int)
  case labelOutOfRange(path: String, index: Int, label: Int, classCount: Int)
  case emptySet(path: String)
  case shapeMismatch(path: String, found: [Int], expected: [Int])
  case tooFewClassNames(path: String, found: Int)
  case cifarDataNotFound(directory: String)
  case unknownDataFormat(directory: String)
  case missingCIFARFiles(directory: String, missing: [String], expected: [String])
  case recordSizeMismatch(path: String, byteCount: Int, recordSize: Int)
  case classNameCountMismatch(path: String, found: Int, expected: Int)
  case labelBeyondClassNames(
    path: String, index: Int, label: Int, classCount: Int, namesPath: String)
  case notPNG(path: String)
  case corruptPNG(path: String, reason: String)
  case pngTooLarge(path: String, width: Int, height: Int, maxBytes: Int)
  case missingSplitFolder(path: String)
  case tooFewClassFolders(path: String, found: [String])
  case classFoldersMismatch(testPath: String, trainPath: String, missing: [String], extra: [String])
  case noPNGFiles(path: String)
  case imageShapeMismatch(path: String, found: [Int], expected: [Int], firstPath: String)

  public var description: String {
    switch self {
    case .fileNotFound(let path):
      return "\(path): file not found. Check the path or pass --data DIR with the four IDX files."
    case .directoryNotFound(let path):
      return
        "\(path): data directory not found. Check the path given to --data, or for the "
        + "default Fashion-MNIST data run 'apt-get install dataset-fashion-mnist'."
    case .missingFile(let directory, let candidates):
      return
        "\(directory): missing \(candidates[0]) (also tried \(candidates.dropFirst().joined(separator: ", "))). "
        + "An IDX data directory needs train-images-idx3-ubyte, train-labels-idx1-ubyte, "
        + "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each optionally gzipped (.gz)."
    case .unreadable(let path, let reason):
      return "\(path): cannot be read (\(reason)). Check the file's permissions."
    case .corruptGzip(let path, let reason):
      return
        "\(path): corrupt or truncated gzip data (\(reason)). Download or copy the file again."
    case .truncatedHeader(let path, let byteCount):
      return
        "\(path): truncated IDX header (\(byteCount) bytes). The file is incomplete; copy it again."
    case .badMagic(let path, let found, let expected):
      return
        "\(path): invalid IDX magic number 0x\(hex(found)), expected 0x\(hex(expected)). "
        + "The file is not an IDX \(expected & 0xFF == 3 ? "image" : "label") file."
    case .badDimensions(let path, let dimensions):
      return
        "\(path): invalid IDX dimensions \(dimensions). The header is damaged; copy the file again."
    case .sizeMismatch(let path, let dimensions, let expectedBytes, let foundBytes):
      return
        "\(path): the header declares dimensions \(dimensions) (\(expectedBytes) bytes of data) "
        + "but the file holds \(foundBytes). The file is truncated or damaged; copy it again."
    case .countMismatch(let imagesPath, let imageCount, let labelsPath, let labelCount):
      return
        "\(imagesPath) has \(imageCount) images but \(labelsPath) has \(labelCount) labels. "
        + "Use the images and labels of the same split."
    case .labelOutOfRange(let path, let index, let label, let classCount):
      return
        "\(path): label \(label) at index \(index) is out of range 0 to \(classCount - 1). "
        + "Fix the label file, or list one class name per line in classes.txt beside it "
        + "(IDX data sets without classes.txt have 10 classes)."
    case .emptySet(let path):
      return "\(path): the file holds no samples. Use a data set with at least one image."
    case .shapeMismatch(let path, let found, let expected):
      return
        "\(path): images are \(found.map(String.init).joined(separator: "x")) but the training "
        + "images are \(expected.map(String.init).joined(separator: "x")). "
        + "Use train and test files of the same data set."
    case .tooFewClassNames(let path, let found):
      return
        "\(path): lists \(found) class names, but a classifier needs at least 2. "
        + "Write one class name per line."
    case .unknownDataFormat(let directory):
      return
        "\(directory): no supported data set found. Lepton reads IDX data "
        + "(train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, "
        + "t10k-labels-idx1-ubyte, each raw or .gz, with an optional classes.txt), CIFAR-10 "
        + "binary data (data_batch_1.bin to data_batch_5.bin, test_batch.bin, "
        + "batches.meta.txt), CIFAR-100 binary data (train.bin, test.bin, "
        + "fine_label_names.txt) and image folders (train/<class>/*.png and "
        + "test/<class>/*.png, with the same class folders in both). "
        + "Pass --data DIR with one of these."
    case .cifarDataNotFound(let directory):
      return
        "\(directory): no CIFAR binary files found. A CIFAR-10 directory needs "
        + "\(CIFARFormat.cifar10.requiredFiles(labelKind: .fine).joined(separator: ", ")). "
        + "A CIFAR-100 directory needs \(CIFARFormat.cifar100.dataFiles.joined(separator: ", ")) "
        + "and fine_label_names.txt or coarse_label_names.txt. The files may also sit in a "
        + "cifar-10-batches-bin or cifar-100-binary sub-folder. Extract the binary version "
        + "(cifar-10-binary.tar.gz or cifar-100-binary.tar.gz) there."
    case .missingCIFARFiles(let directory, let missing, let expected):
      return
        "\(directory): missing \(missing.joined(separator: ", ")). This data set needs "
        + "\(expected.joined(separator: ", ")). Extract the binary archive again."
    case .recordSizeMismatch(let path, let byteCount, let recordSize):
      return
        "\(path): the file size \(byteCount) bytes is not a multiple of the \(recordSize)-byte "
        + "CIFAR record. The file is truncated or damaged. Copy it again."
    case .classNameCountMismatch(let path, let found, let expected):
      return
        "\(path): lists \(found) class names, expected \(expected). "
        + "Write one class name per line, or extract the file from the archive again."
    case .labelBeyondClassNames(let path, let index, let label, let classCount, let namesPath):
      return
        "\(path): label \(label) of record \(index) is out of range 0 to \(classCount - 1) "
        + "(the classes in \(namesPath)). The file is damaged or belongs to another data set. "
        + "Copy it again."
    case .notPNG(let path):
      return
        "\(path): not a PNG file (it does not start with the PNG signature). "
        + "Convert it to PNG or move it out of the data folder."
    case .corruptPNG(let path, let reason):
      return
        "\(path): invalid or truncated PNG data (libpng: \(reason)). "
        + "Copy or export the image again."
    case .pngTooLarge(let path, let width, let height, let maxBytes):
      return
        "\(path): the image is \(width)x\(height) pixels, more than the "
        + "\(maxBytes >> 20) MiB that one decoded image may take. Resize it."
    case .missingSplitFolder(let path):
      return
        "\(path): folder not found. An image folder data set needs train/<class>/*.png "
        + "and test/<class>/*.png, with the same class folders in both."
    case .tooFewClassFolders(let path, let found):
      let foundText =
        found.isEmpty
        ? "contains no class folders"
        : "contains only the class folder \(found.joined(separator: ", "))"
      return
        "\(path): \(foundText), but a classifier needs at least 2 classes. "
        + "Put the PNG images of each class in a folder named after the class, "
        + "such as \(path)/cat/0001.png."
    case .classFoldersMismatch(let testPath, let trainPath, let missing, let extra):
      var message = "\(testPath): the class folders differ from those in \(trainPath)."
      if !missing.isEmpty {
        message += " The test folder lacks \(missing.joined(separator: ", "))."
      }
      if !extra.isEmpty {
        message +=
          " The test folder has \(extra.joined(separator: ", ")), which the training "
          + "folder lacks."
      }
      return
        message + " Both need the same class folders, each with at least one PNG image."
    case .noPNGFiles(let path):
      return
        "\(path): no .png files found. Every class folder in train and test needs at "
        + "least one PNG image. Add images, or remove the class folder from both."
    case .imageShapeMismatch(let path, let found, let expected, let firstPath):
      return
        "\(path): the image is \(describeImageShape(found)), but the first image, "
        + "\(firstPath), is \(describeImageShape(expected)). All images need the same "
        + "size and channel count, so resize them or convert them all to RGB or all to "
        + "grayscale."
    }
  }
}

/// Describes `[channels, height, width]` as width x height and a channel count.
private func describeImageShape(_ shape: [Int]) -> String {
  guard shape.count == 3 else { return "\(shape)" }
  let channels = shape[0] == 1 ? "1 channel" : "\(shape[0]) channels"
  return "\(shape[2])x\(shape[1]) pixels (width x height) with \(channels)"
}

private func hex(_ value: UInt32) -> String {
  let digits = String(value, radix: 16)
  return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
