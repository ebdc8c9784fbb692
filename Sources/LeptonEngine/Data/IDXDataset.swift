import Foundation

/// Loader for a directory that contains the four IDX files of MNIST or Fashion-MNIST.
public enum IDXDataset {
  /// The directory where Debian's `dataset-fashion-mnist` package installs the data.
  public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"

  public static let fashionMNISTClassNames = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
  ]

  /// Loads the training and test splits.
  ///
  /// Class names come from `classes.txt` in the directory (one per line) when
  /// it exists. Otherwise the set has ten classes, as MNIST and Fashion-MNIST do:
  /// the Fashion-MNIST names when the directory's name contains "fashion", else
  /// the digits. A label beyond the last class is an error, so one corrupt label
  /// cannot add classes.
  public static func load(directory: String) throws -> ImageDataset {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw DataError.directoryNotFound(path: directory)
    }
    let trainImagesPath = try locate("train-images-idx3-ubyte", in: directory)
    let trainLabelsPath = try locate("train-labels-idx1-ubyte", in: directory)
    let testImagesPath = try locate("t10k-images-idx3-ubyte", in: directory)
    let testLabelsPath = try locate("t10k-labels-idx1-ubyte", in: directory)

    let train = try loadSplit(imagesPath: trainImagesPath, labelsPath: trainLabelsPath)
    let test = try loadSplit(imagesPath: testImagesPath, labelsPath: testLabelsPath)
    guard test.shape == train.shape else {
      throw DataError.shapeMismatch(path: testImagesPath, found: test.shape, expected: train.shape)
    }

    let classNames = try classNames(directory: directory)
    try checkLabels(train.labels, path: trainLabelsPath, classCount: classNames.count)
    try checkLabels(test.labels, path: testLabelsPath, classCount: classNames.count)

    let name =
      directory.lowercased().contains("fashion") ? "fashion-mnist" : lastComponent(directory)
    return ImageDataset(
      name: name, directory: directory, classNames: classNames, train: train, test: test)
  }

  /// Returns the path of `baseName` or `baseName.gz` in `directory`.
  static func locate(_ baseName: String, in directory: String) throws -> String {
    let candidates = [baseName + ".gz", baseName]
    for candidate in candidates {
      let path = (directory as NSString).appendingPathComponent(candidate)
      if FileManager.default.fileExists(atPath: path) { return path }
    }
    throw DataError.missingFile(directory: directory, candidates: candidates)
  }

  /// Reads an image file and a label file and checks that they agree.
  public static func loadSplit(imagesPath: String, labelsPath: String) throws -> ImageSplit {
    let images = try IDXFile.read(path: imagesPath, expectedRank: 3)
    let labels = try IDXFile.read(path: labelsPath, expectedRank: 1)
    guard images.dimensions[0] > 0 else { throw DataError.emptySet(path: imagesPath) }
    guard images.dimensions[0] == labels.dimensions[0] else {
      throw DataError.countMismatch(
        imagesPath: imagesPath, imageCount: images.dimensions[0], labelsPath: labelsPath,
        labelCount: labels.dimensions[0])
    }
    let shape = [1, images.dimensions[1], images.dimensions[2]]
    guard shape[1] > 0, shape[2] > 0 else {
      throw DataError.badDimensions(path: imagesPath, dimensions: images.dimensions)
    }
    return ImageSplit(pixels: images.values, labels: labels.values.map { Int32($0) }, shape: shape)
  }

  static func checkLabels(_ labels: [Int32], path: String, classCount: Int) throws {
    if let index = labels.firstIndex(where: { $0 < 0 || Int($0) >= classCount }) {
      throw DataError.labelOutOfRange(
        path: path, index: index, label: Int(labels[index]), classCount: classCount)
    }
  }

  /// Number of classes of an IDX data set without a `classes.txt`.
  static let defaultClassCount = 10

  static func classNames(directory: String) throws -> [String] {
    let listPath = (directory as NSString).appendingPathComponent("classes.txt")
    guard FileManager.default.fileExists(atPath: listPath) else {
      if directory.lowercased().contains("fashion") { return fashionMNISTClassNames }
      return (0..<defaultClassCount).map(String.init)
    }
    let text: String
    do {
      text = try String(contentsOfFile: listPath, encoding: .utf8)
    } catch {
      throw DataError.unreadable(path: listPath, reason: error.localizedDescription)
    }
    let names = text.split(whereSeparator: \.isNewline)
      .map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
    guard names.count >= 2 else {
      throw DataError.tooFewClassNames(path: listPath, found: names.count)
    }
    return names
  }

  private static func lastComponent(_ path: String) -> String {
    let component = (path as NSString).standardizingPath
    return (component as NSString).lastPathComponent
  }
}
