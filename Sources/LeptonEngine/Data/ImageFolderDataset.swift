import Foundation

/// Loader for PNG images sorted into one folder per class, the layout that
/// torchvision's `ImageFolder` reads: `DIR/train/<class>/*.png` and
/// `DIR/test/<class>/*.png`.
///
/// - Class names are the sorted names of the folders in `train`, and each class's label
///   is its index in that order, as in torchvision. `test` must contain the same class
///   folders, and every class folder needs at least one PNG file.
/// - Files whose name ends in `.png`, in any letter case, are read in name order. Other
///   files are skipped, and so is every name that starts with "." (such as the
///   `._name.png` files that macOS copies add). Folders inside a class folder are not
///   read, although torchvision reads them.
/// - Every image of both splits must have the size and channel count of the first
///   training image. `PNGImage` describes how PNG files become 1 or 3 channels.
public enum ImageFolderDataset {
  /// The folder of training images inside the data directory.
  public static let trainFolder = "train"
  /// The folder of test images inside the data directory.
  public static let testFolder = "test"

  /// Returns whether `directory` has `train` and `test` folders that each contain at
  /// least one sub-folder. `load` can still fail on a directory that matches.
  public static func matches(directory: String) -> Bool {
    [trainFolder, testFolder].allSatisfy { split in
      let splitPath = path(split, in: directory)
      guard let classes = try? classFolders(in: splitPath) else { return false }
      return !classes.isEmpty
    }
  }

  /// Loads the training and test splits. The data set's name is the directory's last
  /// path component.
  ///
  /// - Throws: `DataError` naming the folder or file. Loading fails when `train` or
  ///   `test` is missing, when `train` has fewer than 2 class folders, or when `test`
  ///   has different ones. It also fails when a class folder has no PNG file, when a
  ///   file is not a valid PNG (see `PNGImage`), or when an image's shape differs from
  ///   the first training image.
  public static func load(directory: String) throws -> ImageDataset {
    guard isDirectory(directory) else { throw DataError.directoryNotFound(path: directory) }
    let trainPath = path(trainFolder, in: directory)
    let testPath = path(testFolder, in: directory)
    for splitPath in [trainPath, testPath] where !isDirectory(splitPath) {
      throw DataError.missingSplitFolder(path: splitPath)
    }

    let classNames = try classFolders(in: trainPath)
    guard classNames.count >= 2 else {
      throw DataError.tooFewClassFolders(path: trainPath, found: classNames)
    }
    let testClassNames = try classFolders(in: testPath)
    guard testClassNames == classNames else {
      let trainSet = Set(classNames)
      let testSet = Set(testClassNames)
      throw DataError.classFoldersMismatch(
        testPath: testPath, trainPath: trainPath,
        missing: classNames.filter { !testSet.contains($0) },
        extra: testClassNames.filter { !trainSet.contains($0) })
    }

    var reader = ImageFolderReader(classNames: classNames)
    let train = try reader.readSplit(path: trainPath)
    let test = try reader.readSplit(path: testPath)
    let name = ((directory as NSString).standardizingPath as NSString).lastPathComponent
    return ImageDataset(
      name: name, directory: directory, classNames: classNames, train: train, test: test)
  }

  /// Returns the sorted names of the folders in `directory`, skipping hidden ones.
  static func classFolders(in directory: String) throws -> [String] {
    try visibleEntries(in: directory)
      .filter { isDirectory(path($0, in: directory)) }
      .sorted()
  }

  /// Returns the paths of the PNG files in `directory`, sorted by file name.
  static func pngFiles(in directory: String) throws -> [String] {
    try visibleEntries(in: directory)
      .filter { $0.lowercased().hasSuffix(".png") }
      .sorted()
      .map { path($0, in: directory) }
      .filter { !isDirectory($0) }
  }

  /// Lists the names in `directory` that do not start with ".".
  private static func visibleEntries(in directory: String) throws -> [String] {
    do {
      return try FileManager.default.contentsOfDirectory(atPath: directory)
        .filter { !$0.hasPrefix(".") }
    } catch {
      throw DataError.unreadable(path: directory, reason: error.localizedDescription)
    }
  }

  static func path(_ name: String, in directory: String) -> String {
    (directory as NSString).appendingPathComponent(name)
  }

  static func isDirectory(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      && isDirectory.boolValue
  }
}

/// Decodes the class folders of each split into an `ImageSplit`, checking every image
/// against the first one it read.
struct ImageFolderReader {
  let classNames: [String]
  /// The first image read and its `[channels, height, width]`, which every later image
  /// must match.
  private(set) var reference: (path: String, shape: [Int])?

  init(classNames: [String]) {
    self.classNames = classNames
  }

  /// Reads the class folders of `splitPath` in `classNames` order.
  ///
  /// Every class folder is listed before any image is decoded, so an empty class folder
  /// is reported without decoding the images before it.
  mutating func readSplit(path splitPath: String) throws -> ImageSplit {
    var filesByClass: [[String]] = []
    for className in classNames {
      let classPath = ImageFolderDataset.path(className, in: splitPath)
      let files = try ImageFolderDataset.pngFiles(in: classPath)
      guard !files.isEmpty else { throw DataError.noPNGFiles(path: classPath) }
      filesByClass.append(files)
    }

    let imageCount = filesByClass.reduce(0) { $0 + $1.count }
    var pixels: [UInt8] = []
    var labels: [Int32] = []
    labels.reserveCapacity(imageCount)
    for (label, files) in filesByClass.enumerated() {
      for file in files {
        let image = try PNGImage(contentsOfFile: file)
        let shape = try check(image, path: file)
        if pixels.isEmpty {
          pixels.reserveCapacity(imageCount * shape.reduce(1, *))
        }
        image.appendPlanar(to: &pixels)
        labels.append(Int32(label))
      }
    }
    // Each class folder has at least one file, so `reference` is set by now.
    let shape = reference?.shape ?? []
    return ImageSplit(pixels: pixels, labels: labels, shape: shape)
  }

  /// Returns the image's shape after checking it against the first image read, which
  /// becomes the reference when there is none yet.
  private mutating func check(_ image: PNGImage, path: String) throws -> [Int] {
    guard let reference else {
      reference = (path, image.shape)
      return image.shape
    }
    guard image.shape == reference.shape else {
      throw DataError.imageShapeMismatch(
        path: path, found: image.shape, expected: reference.shape, firstPath: reference.path)
    }
    return image.shape
  }
}
