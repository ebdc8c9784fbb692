import Foundation

/// The on-disk layouts `--data` accepts.
public enum DatasetFormat: String, Sendable, CaseIterable {
  /// Four IDX files, as MNIST and Fashion-MNIST ship.
  case idx
  case cifar10
  case cifar100
  /// PNG files in `train/<class>` and `test/<class>` folders, as torchvision's
  /// `ImageFolder` reads them.
  case imageFolder

  public var displayName: String {
    switch self {
    case .idx: return "IDX (MNIST-style)"
    case .cifar10: return "CIFAR-10 binary"
    case .cifar100: return "CIFAR-100 binary"
    case .imageFolder: return "image folder (PNG)"
    }
  }
}

/// Loads a data directory in whichever supported format its files show.
public enum DatasetLoader {
  /// Returns the format of the files in `directory`, or nil when none matches.
  public static func detectFormat(directory: String) -> DatasetFormat? {
    if let cifar = CIFARDataset.detectFormat(directory: directory) {
      return cifar == .cifar10 ? .cifar10 : .cifar100
    }
    let idxNames = [
      "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
      "t10k-labels-idx1-ubyte",
    ]
    if idxNames.allSatisfy({ (try? IDXDataset.locate($0, in: directory)) != nil }) {
      return .idx
    }
    return ImageFolderDataset.matches(directory: directory) ? .imageFolder : nil
  }

  /// Detects the format and loads the directory. A directory that matches no format
  /// gets an error listing what each format expects.
  public static func load(directory: String) throws -> (DatasetFormat, ImageDataset) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw DataError.directoryNotFound(path: directory)
    }
    switch detectFormat(directory: directory) {
    case .idx: return (.idx, try IDXDataset.load(directory: directory))
    case .cifar10: return (.cifar10, try CIFARDataset.load(directory: directory))
    case .cifar100: return (.cifar100, try CIFARDataset.load(directory: directory))
    case .imageFolder: return (.imageFolder, try ImageFolderDataset.load(directory: directory))
    case nil: throw DataError.unknownDataFormat(directory: directory)
    }
  }
}
