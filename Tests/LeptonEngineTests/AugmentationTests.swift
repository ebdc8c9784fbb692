import Testing

@testable import LeptonEngine

/// Crops and flips of training images: parsing, pixel placement and seeding.
@Suite("Augmentation")
struct AugmentationTests {
  /// Two channels of 3x4 pixels, each pixel distinct and non-zero:
  /// `channel * 100 + row * 10 + column + 1`.
  static let shape = (channels: 2, height: 3, width: 4)
  static let pixels: [UInt8] = {
    var values: [UInt8] = []
    for channel in 0..<2 {
      for row in 0..<3 {
        for column in 0..<4 { values.append(UInt8(channel * 100 + row * 10 + column + 1)) }
      }
    }
    return values
  }()
  /// Normalisation with a non-zero mean, so padding must become `-mean / sd`, not 0.
  static let normalization = Normalization(mean: 0.5, standardDeviation: 0.25)

  /// Applies `draw` to `pixels` and returns the floats.
  static func augment(_ draw: AugmentationDraw, padding: Int, pixels: [UInt8] = pixels)
    -> [Float]
  {
    var output = [Float](repeating: .nan, count: pixels.count)
    pixels.withUnsafeBufferPointer { source in
      output.withUnsafeMutableBufferPointer { destination in
        draw.apply(
          to: source, shape: shape, padding: padding, normalization: normalization,
          destination: destination)
      }
    }
    return output
  }

  /// Returns the augmented image by the definition, step by step: pad with pixel 0,
  /// crop, flip, normalise.
  static func reference(_ draw: AugmentationDraw, padding: Int) -> [Float] {
    let (channels, height, width) = shape
    var output: [Float] = []
    for channel in 0..<channels {
      for y in 0..<height {
        for x in 0..<width {
          let croppedX = draw.flip ? width - 1 - x : x
          let paddedY = y + draw.cropTop
          let paddedX = croppedX + draw.cropLeft
          let sourceY = paddedY - padding
          let sourceX = paddedX - padding
          let inside = (0..<height).contains(sourceY) && (0..<width).contains(sourceX)
          let pixel = inside ? pixels[(channel * height + sourceY) * width + sourceX] : 0
          output.append(normalization.normalize(pixel))
        }
      }
    }
    return output
  }

  @Test func flipMirrorsEachRow() {
    let output = Self.augment(AugmentationDraw(cropTop: 0, cropLeft: 0, flip: true), padding: 0)
    let (channels, height, width) = Self.shape
    for channel in 0..<channels {
      for y in 0..<height {
        let row = (channel * height + y) * width
        let mirrored = Self.pixels[row..<(row + width)].reversed().map {
          Self.normalization.normalize($0)
        }
        #expect(Array(output[row..<(row + width)]) == mirrored, "channel \(channel) row \(y)")
      }
    }
  }

  @Test func cropShiftsContentAndPadsWithBlack() {
    // Offset (0, 0) of the image padded by 2 moves the content 2 down and 2 right.
    let output = Self.augment(AugmentationDraw(cropTop: 0, cropLeft: 0, flip: false), padding: 2)
    let black = Self.normalization.normalize(0)
    #expect(black == -2)
    // Row 0 and 1 and columns 0 and 1 of every channel are padding.
    for channel in 0..<2 {
      for y in 0..<3 {
        for x in 0..<4 {
          let value = output[(channel * 3 + y) * 4 + x]
          if y < 2 || x < 2 {
            #expect(value == black, "channel \(channel) (\(y), \(x))")
          } else {
            let source = Self.pixels[(channel * 3 + y - 2) * 4 + x - 2]
            #expect(
              value == Self.normalization.normalize(source), "channel \(channel) (\(y), \(x))")
          }
        }
      }
    }
  }

  @Test func centredCropWithoutFlipIsPlainNormalisation() {
    let output = Self.augment(AugmentationDraw(cropTop: 3, cropLeft: 3, flip: false), padding: 3)
    #expect(output == Self.pixels.map { Self.normalization.normalize($0) })
  }

  @Test(arguments: [0, 1, 2, 5])
  func everyDrawMatchesDefinition(padding: Int) {
    // Padding 5 is wider than the image, so some crops contain no image pixel.
    for top in 0...(2 * padding) {
      for left in 0...(2 * padding) {
        for flip in [false, true] {
          let draw = AugmentationDraw(cropTop: top, cropLeft: left, flip: flip)
          #expect(
            Self.augment(draw, padding: padding) == Self.reference(draw, padding: padding),
            "padding \(padding), draw \(draw)")
        }
      }
    }
  }

  @Test func drawsCoverEveryOffsetAndBothFlips() {
    let augmentation = Augmentation(cropPadding: 2, horizontalFlip: true)
    var generator = Augmentation.generator(seed: 3, epoch: 1)
    var tops: Set<Int> = []
    var lefts: Set<Int> = []
    var flips = 0
    let drawCount = 4000
    for _ in 0..<drawCount {
      let draw = augmentation.draw(using: &generator)
      tops.insert(draw.cropTop)
      lefts.insert(draw.cropLeft)
      if draw.flip { flips += 1 }
    }
    #expect(tops == Set(0...4))
    #expect(lefts == Set(0...4))
    // By Hoeffding's bound, 4000 fair coin flips land outside 1700...2300 heads with
    // probability below 1e-19.
    #expect((1700...2300).contains(flips), "\(flips) flips in \(drawCount)")
  }

  @Test func disabledTransformsDrawNothing() {
    var generator = Augmentation.generator(seed: 3, epoch: 1)
    let untouched = generator
    let draw = Augmentation.none.draw(using: &generator)
    #expect(draw == AugmentationDraw(cropTop: 0, cropLeft: 0, flip: false))
    var first = generator
    var second = untouched
    #expect(first.next() == second.next())
  }

  /// Fills one batch of all 8 images of a small split with a generator for `seed` and
  /// `epoch`, and returns the floats.
  static func batch(augmentation: Augmentation, seed: UInt64, epoch: Int) -> [Float] {
    let count = 8
    let split = ImageSplit(
      pixels: (0..<count).flatMap { _ in pixels }, labels: Array(repeating: 0, count: count),
      shape: [2, 3, 4])
    var buffer = BatchBuffer(
      batchSize: count, shape: split.shape, normalization: normalization,
      augmentation: augmentation)
    var generator = Augmentation.generator(seed: seed, epoch: epoch)
    buffer.fill(
      from: split, order: ArraySlice((0..<Int32(count)).reversed()), generator: &generator)
    return buffer.withBuffers { images, _ in Array(images) }
  }

  @Test func sameSeedGivesSameBatch() {
    let augmentation = Augmentation(cropPadding: 2, horizontalFlip: true)
    let first = Self.batch(augmentation: augmentation, seed: 42, epoch: 1)
    #expect(first == Self.batch(augmentation: augmentation, seed: 42, epoch: 1))
    #expect(first != Self.batch(augmentation: augmentation, seed: 43, epoch: 1))
    #expect(first != Self.batch(augmentation: augmentation, seed: 42, epoch: 2))
  }

  @Test func batchWithoutAugmentationIsNormalised() {
    let batch = Self.batch(augmentation: .none, seed: 42, epoch: 1)
    let image = Self.pixels.map { Self.normalization.normalize($0) }
    #expect(batch == Array((0..<8).map { _ in image }.joined()))
  }

  @Test func parsesLists() throws {
    let cases: [(String, Augmentation, String)] = [
      ("crop4,flip", Augmentation(cropPadding: 4, horizontalFlip: true), "crop4,flip"),
      ("flip,crop4", Augmentation(cropPadding: 4, horizontalFlip: true), "crop4,flip"),
      ("Crop2", Augmentation(cropPadding: 2), "crop2"),
      (" flip ", Augmentation(horizontalFlip: true), "flip"),
      ("none", .none, "none"),
    ]
    for (text, expected, description) in cases {
      let parsed = try Augmentation.parse(text)
      #expect(parsed == expected, "\(text)")
      #expect(parsed.description == description, "\(text)")
    }
    #expect(!Augmentation.none.isEnabled)
    #expect(Augmentation(horizontalFlip: true).isEnabled)
  }

  @Test func rejectsInvalidLists() {
    let cases: [(String, AugmentationError)] = [
      ("rotate", .unknownEntry("rotate")),
      ("crop4,rotate", .unknownEntry("rotate")),
      ("crop", .invalidCropPadding("crop")),
      ("crop0", .invalidCropPadding("crop0")),
      ("crop-1", .invalidCropPadding("crop-1")),
      ("crop1025", .invalidCropPadding("crop1025")),
      ("cropx", .invalidCropPadding("cropx")),
      ("flip,flip", .repeatedEntry("flip")),
      ("crop2,crop4", .repeatedEntry("crop")),
      ("none,flip", .noneWithOthers),
      ("flip,", .emptyEntry),
      ("", .emptyEntry),
    ]
    for (text, expected) in cases {
      #expect(throws: expected, "\(text)") { try Augmentation.parse(text) }
    }
    #expect(AugmentationError.unknownEntry("rotate").description.contains("'rotate'"))
  }
}
