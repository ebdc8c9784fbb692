import Foundation

/// Random changes applied to training images as batches are filled. Evaluation images
/// are never augmented.
///
/// The transforms match torchvision's `RandomCrop(size, padding=N)` (constant fill 0, as
/// documented for torchvision 0.28) and then `RandomHorizontalFlip()`, placed before
/// `ToTensor()` and `Normalize(...)`. So the padding is raw pixel value 0 (black), which
/// becomes `-mean / standardDeviation` once normalised.
public struct Augmentation: Sendable, Equatable, CustomStringConvertible {
  /// Pixels of value 0 added on each side before a random crop back to the original
  /// size. 0 turns cropping off.
  public var cropPadding: Int
  /// Whether each image is mirrored left to right with probability 0.5.
  public var horizontalFlip: Bool

  /// No augmentation.
  public static let none = Augmentation(cropPadding: 0, horizontalFlip: false)

  /// The largest accepted crop padding. The limit keeps the offset arithmetic far from
  /// overflow, and `lepton train` also requires the padding to be smaller than the image.
  public static let maximumCropPadding = 1024

  public init(cropPadding: Int = 0, horizontalFlip: Bool = false) {
    self.cropPadding = cropPadding
    self.horizontalFlip = horizontalFlip
  }

  /// Whether any transform is on.
  public var isEnabled: Bool { cropPadding > 0 || horizontalFlip }

  /// The comma-separated form that `parse` reads, such as `crop4,flip`, or `none`.
  public var description: String {
    var names: [String] = []
    if cropPadding > 0 { names.append("crop\(cropPadding)") }
    if horizontalFlip { names.append("flip") }
    return names.isEmpty ? "none" : names.joined(separator: ",")
  }

  /// Parses a comma-separated list of `cropN` and `flip`, or `none`. Names are
  /// case-insensitive, and each may appear once.
  public static func parse(_ text: String) throws -> Augmentation {
    let names = text.lowercased().split(separator: ",", omittingEmptySubsequences: false)
      .map { $0.trimmingCharacters(in: .whitespaces) }
    if names == ["none"] { return .none }

    var result = Augmentation.none
    var seen: Set<String> = []
    for name in names {
      guard !name.isEmpty else { throw AugmentationError.emptyEntry }
      let kind = name.hasPrefix("crop") ? "crop" : name
      guard seen.insert(kind).inserted else { throw AugmentationError.repeatedEntry(kind) }
      if name == "flip" {
        result.horizontalFlip = true
      } else if name == "none" {
        throw AugmentationError.noneWithOthers
      } else if kind == "crop" {
        let digits = name.dropFirst(4)
        guard let padding = Int(digits), (1...maximumCropPadding).contains(padding) else {
          throw AugmentationError.invalidCropPadding(name)
        }
        result.cropPadding = padding
      } else {
        throw AugmentationError.unknownEntry(name)
      }
    }
    return result
  }
}

/// A list that `Augmentation.parse` rejects. The description names the entry at fault.
public enum AugmentationError: Error, Equatable, CustomStringConvertible {
  case unknownEntry(String)
  case invalidCropPadding(String)
  case repeatedEntry(String)
  case noneWithOthers
  case emptyEntry

  public var description: String {
    switch self {
    case .unknownEntry(let name):
      return "'\(name)' is not an augmentation"
    case .invalidCropPadding(let name):
      return
        "'\(name)' needs a padding from 1 to \(Augmentation.maximumCropPadding) pixels after "
        + "'crop'"
    case .repeatedEntry(let name):
      return "'\(name)' appears more than once"
    case .noneWithOthers:
      return "'none' cannot be combined with other entries"
    case .emptyEntry:
      return "the list has an empty entry"
    }
  }
}

/// The random choices for one training image.
struct AugmentationDraw: Equatable {
  /// Top row of the crop in the padded image, in `0...2 * padding`.
  var cropTop: Int
  /// Left column of the crop in the padded image, in `0...2 * padding`.
  var cropLeft: Int
  var flip: Bool
}

extension Augmentation {
  /// Returns the generator for the augmentation draws of `epoch` (from 1). It is
  /// separate from the shuffle's generator, so turning augmentation on leaves the
  /// sample order of a seed unchanged.
  static func generator(seed: UInt64, epoch: Int) -> Xoshiro256StarStar {
    let epochSeed = (seed ^ 0xA076_1D64_78BD_642F) &+ UInt64(epoch) &* 0xE703_7ED1_A0B4_28DB
    return Xoshiro256StarStar(seed: epochSeed)
  }

  /// Draws the crop position and flip for one image. A disabled transform draws nothing,
  /// so with cropping off the crop stays centred.
  func draw(using generator: inout Xoshiro256StarStar) -> AugmentationDraw {
    var result = AugmentationDraw(cropTop: cropPadding, cropLeft: cropPadding, flip: false)
    if cropPadding > 0 {
      result.cropTop = Self.uniformInteger(below: 2 * cropPadding + 1, using: &generator)
      result.cropLeft = Self.uniformInteger(below: 2 * cropPadding + 1, using: &generator)
    }
    if horizontalFlip {
      result.flip = generator.next() >> 63 == 1
    }
    return result
  }

  /// Returns an integer in `0..<bound` from the high half of a 128-bit product. The bias
  /// is below `bound / 2^64`, and unlike `Int.random(in:using:)` the result does not
  /// depend on the standard library's version.
  private static func uniformInteger(
    below bound: Int, using generator: inout Xoshiro256StarStar
  ) -> Int {
    Int(generator.next().multipliedFullWidth(by: UInt64(bound)).high)
  }
}

extension AugmentationDraw {
  /// Writes `source`, cropped from the zero-padded image and then flipped as this draw
  /// specifies, into `destination` as normalised floats.
  ///
  /// - Parameters:
  ///   - source: one image `[channels, height, width]` of raw pixels.
  ///   - destination: `source.count` floats.
  ///   - padding: the crop padding the draw was made for.
  func apply(
    to source: UnsafeBufferPointer<UInt8>, shape: (channels: Int, height: Int, width: Int),
    padding: Int, normalization: Normalization, destination: UnsafeMutableBufferPointer<Float>
  ) {
    let (channels, height, width) = shape
    let paddingValue = normalization.normalize(0)
    // A crop at offset (cropTop, cropLeft) of the padded image reads source pixel
    // (y + rowShift, x + columnShift) for output pixel (y, x).
    let rowShift = cropTop - padding
    let columnShift = cropLeft - padding
    // The flip mirrors the cropped image, so output column x reads cropped column
    // width - 1 - x. `validColumns` are the output columns whose source lies inside the
    // image, and the others read padding.
    let firstValid = flip ? columnShift : -columnShift
    let lowerBound = min(width, max(0, firstValid))
    let validColumns = lowerBound..<max(lowerBound, min(width, width + firstValid))

    for channel in 0..<channels {
      let plane = channel * height * width
      for y in 0..<height {
        let target = plane + y * width
        let sourceY = y + rowShift
        guard sourceY >= 0, sourceY < height else {
          for x in 0..<width { destination[target + x] = paddingValue }
          continue
        }
        let sourceRow = plane + sourceY * width
        for x in 0..<validColumns.lowerBound { destination[target + x] = paddingValue }
        if flip {
          for x in validColumns {
            destination[target + x] = normalization.normalize(
              source[sourceRow + width - 1 - x + columnShift])
          }
        } else {
          for x in validColumns {
            destination[target + x] = normalization.normalize(source[sourceRow + x + columnShift])
          }
        }
        for x in validColumns.upperBound..<width { destination[target + x] = paddingValue }
      }
    }
  }
}
