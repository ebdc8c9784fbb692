import Foundation
import Testing

@testable import LeptonEngine

/// Builds image-folder data sets of small PNG files in a fresh temporary directory.
struct ImageFolderFixture {
  let directory: String

  init() throws {
    directory = NSTemporaryDirectory() + "lepton-images-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  func path(_ relativePath: String) -> String {
    (directory as NSString).appendingPathComponent(relativePath)
  }

  /// Writes `bytes` to `relativePath`, creating its folders.
  func write(_ bytes: [UInt8], to relativePath: String) throws {
    let filePath = path(relativePath)
    try FileManager.default.createDirectory(
      atPath: (filePath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(bytes).write(to: URL(fileURLWithPath: filePath))
  }

  func makeFolder(_ relativePath: String) throws {
    try FileManager.default.createDirectory(
      atPath: path(relativePath), withIntermediateDirectories: true)
  }

  /// Returns `[height, width]` gray samples where position `p` is `(seed + 3 * p) % 256`.
  static func graySamples(width: Int, height: Int, seed: Int) -> [Int] {
    (0..<(width * height)).map { (seed + 3 * $0) % 256 }
  }

  /// Returns `[height, width, 3]` samples where channel `c` of pixel `p` is
  /// `(seed + 60 * c + p) % 256`, so each channel has its own range.
  static func rgbSamples(width: Int, height: Int, seed: Int) -> [Int] {
    var samples: [Int] = []
    for position in 0..<(width * height) {
      for channel in 0..<3 { samples.append((seed + 60 * channel + position) % 256) }
    }
    return samples
  }

  /// Writes a grayscale PNG of `graySamples(width:height:seed:)`.
  func writeGray(_ relativePath: String, width: Int = 4, height: Int = 3, seed: Int) throws {
    let samples = Self.graySamples(width: width, height: height, seed: seed)
    try write(
      PNGTestEncoder.encode(width: width, height: height, colorType: .gray, samples: samples),
      to: relativePath)
  }

  /// Writes an RGB PNG of `rgbSamples(width:height:seed:)`.
  func writeRGB(_ relativePath: String, width: Int = 3, height: Int = 2, seed: Int) throws {
    let samples = Self.rgbSamples(width: width, height: height, seed: seed)
    try write(
      PNGTestEncoder.encode(width: width, height: height, colorType: .rgb, samples: samples),
      to: relativePath)
  }

  /// Writes a valid grayscale set: classes `zebra` (created first) and `ant`, with three
  /// training images and two test images of 4x3 pixels.
  func writeGraySet() throws {
    try writeGray("train/zebra/c.png", seed: 30)
    try writeGray("train/ant/b.png", seed: 20)
    try writeGray("train/ant/a.png", seed: 10)
    try writeGray("test/zebra/y.png", seed: 50)
    try writeGray("test/ant/x.png", seed: 40)
  }

  func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// Returns interleaved `[height, width, channels]` samples in planar
/// `[channels, height, width]` order.
private func planar(_ samples: [Int], channels: Int) -> [UInt8] {
  let positions = samples.count / channels
  var result: [UInt8] = []
  for channel in 0..<channels {
    for position in 0..<positions { result.append(UInt8(samples[position * channels + channel])) }
  }
  return result
}

@Suite("Image folder reader")
struct ImageFolderTests {
  // MARK: - Loading

  @Test func loadsGrayFolder() throws {
    let fixture = try ImageFolderFixture()
    defer { fixture.remove() }
    try fixture.writeGraySet()

    let dataset = try ImageFolderDataset.load(directory: fixture.directory)
    #expect(dataset.name == (fixture.directory as NSString).lastPathComponent)
    #expect(dataset.directory == fixture.directory)
    #expect(dataset.classNames == ["ant", "zebra"])
    #expect(dataset.train.shape == [1, 3, 4])
    #expect(dataset.test.shape == [1, 3, 4])
    #expect(dataset.train.labels == [0, 0, 1])
    #expect(dataset.test.labels == [0, 1])

    let gray = { (seed: Int) in
      ImageFolderFixture.graySamples(width: 4, height: 3, seed: seed).map { UInt8($0) }
    }
    // Within a class, files are read in name order: a.png (seed 10) before b.png (seed 20).
    #expect(dataset.train.pixels == gray(10) + gray(20) + gray(30))
    #expect(dataset.test.pixels == gray(40) + gray(50))
  }

  @Test func loadsRGBInPlanarOrder() throws {
    let fixture = try ImageFolderFixture()
    defer { fixture.remove() }
    try fixture.writeRGB("train/cat/1.png", seed: 0)
    try fixture.writeRGB("train/dog/1.png", seed: 100)
    try fixture.writeRGB("test/cat/1.png", seed: 7)
    try fixture.writeRGB("test/dog/1.png", seed: 9)

    let dataset = try ImageFolderDataset.load(directory: fixture.directory)
    #expect(dataset.classNames == ["cat", "dog"])
    #expect(dataset.train.shape == [3, 2, 3])
    #expect(dataset.train.labels == [0, 1])
    #expect(dataset.test.labels == [0, 1])

    let pixels = dataset.train.pixels
    #expect(pixels.count == 2 * 18)
    // Seed 0: red plane 0...5, green plane 60...65, blue plane 120...125.
    #expect(Array(pixels[0..<6]) == [0, 1, 2, 3, 4, 5])
    #expect(Array(pixels[6..<12]) == [60, 61, 62, 63, 64, 65])
    #expect(Array(pixels[12..<18]) == [120, 121, 122, 123, 124, 125])
    #expect(pixels[18] == 100)
    #expect(pixels[24] == 160)

    let rgb = { (seed: Int) in
      planar(ImageFolderFixture.rgbSamples(width: 3, height: 2, seed: seed), channels: 3)
    }
    #expect(pixels == rgb(0) + rgb(100))
    #expect(dataset.test.pixels == rgb(7) + rgb(9))
  }

  @Test func skipsOtherEntries() throws {
    let fixture = try ImageFolderFixture()
    defer { fixture.remove() }
    try fixture.writeGraySet()
    try fixture.writeGray("train/ant/C.PNG", seed: 60)
    try fixture.write(Array("notes".utf8), to: "train/ant/readme.txt")
    try fixture.write(Array("AppleDouble".utf8), to: "train/ant/._a.png")
    try fixture.writeGray("train/ant/nested/d.png", seed: 70)
    try fixture.makeFolder("train/ant/folder.png")
    try fixture.makeFolder("train/.cache")
    try fixture.makeFolder("test/.cache")

    let dataset = try ImageFolderDataset.load(directory: fixture.directory)
    #expect(dataset.classNames == ["ant", "zebra"])
    // The extension match ignores case, and "C.PNG" sorts before "a.png".
    #expect(dataset.train.labels == [0, 0, 0, 1])
    let firstImage = ImageFolderFixture.graySamples(width: 4, height: 3, seed: 60)
    #expect(Array(dataset.train.pixels.prefix(12)) == firstImage.map { UInt8($0) })
  }

  @Test func namesSetAfterLastComponent() throws {
    let fixture = try ImageFolderFixture()
    defer { fixture.remove() }
    try fixture.writeGraySet()
    let dataset = try ImageFolderDataset.load(directory: fixture.directory + "/")
    #expect(dataset.name == (fixture.directory as NSString).lastPathComponent)
  }

  @Test func detectsImageFolderFormat() throws {
    let fixture = try ImageFolderFixture()
    defer { fixture.remove() }
    #expect(!ImageFolderDataset.matches(directory: fixture.directory))
    try fixture.makeFolder("train/ant")
    try fixture.makeFolder("test")
    // The test folder has no class folder yet.
    #expect(!ImageFolderDataset.matches(directory: fixture.directory))
    #expect(DatasetLoader.detectFormat(directory: fixture.directory) == nil)

    try fixture.writeGraySet()
    #expect(ImageFolderDataset.matches(directory: fixture.directory))
    #expect(DatasetLoader.detectFormat(directory: fixture.directory) == .imageFolder)
    let (format, dataset) = try DatasetLoader.load(directory: fixture.directory)
    #expect(format == .imageFolder)
    #expect(format.displayName == "image folder (PNG)")
    #expect(dataset.train.count == 3)
  }

  // MARK: - Decoding

  @Test func scales16BitSamples() throws {
    let fixture = try ImageFolderFixture()
    defer { fixture.remove() }
    let graySamples = [0x0000, 0x8080, 0x80FF, 0xFFFF, 0x1234, 0x0101]
    let gray = try PNGTestEncoder.encode(
      width: 3, height: 2, colorType: .gray, bitDepth: 16, samples: graySamples)
    let decodedGray = try PNGImage(pngData: gray, path: "gray16.png")
    #expect(decodedGray.channels == 1)
    // round(value / 257), with no gamma curve applied.
    #expect(decodedGray.pixels == [0, 128, 128, 255, 18, 1])

    let rgbSamples = [0xC8C8, 0x6464, 0x3232, 0x0A0A, 0xFFFF, 0x0000]
    let rgb = try PNGTestEncoder.encode(
      width: 2, height: 1, colorType: .rgb, bitDepth: 16, samples: rgbSamples)
    let decodedRGB = try PNGImage(pngData: rgb, path: "rgb16.png")
    #expect(decodedRGB.channels == 3)
    #expect(decodedRGB.pixels == [200, 100, 50, 10, 255, 0])
  }

  @Test func expandsOneBitGray() throws {
    let png = try PNGTestEncoder.encode(
      width: 10, height: 1, colorType: .gray, bitDepth: 1, samples: [1, 0, 1, 1, 0, 0, 0, 1, 0, 1])
    let image = try PNGImage(pngData: png, path: "bits.png")
    #expect(image.shape == [1, 1, 10])
    #expect(image.pixels == [255, 0, 255, 255, 0, 0, 0, 255, 0, 255])
  }

  @Test func dropsAlphaWithoutCompositing() throws {
    // The second pixel is fully transparent and the first half transparent.
    let rgba = try PNGTestEncoder.encode(
      width: 2, height: 1, colorType: .rgba, samples: [200, 100, 50, 128, 10, 20, 30, 0])
    let decodedRGBA = try PNGImage(pngData: rgba, path: "rgba.png")
    #expect(decodedRGBA.shape == [3, 1, 2])
    #expect(decodedRGBA.pixels == [200, 100, 50, 10, 20, 30])

    let grayAlpha = try PNGTestEncoder.encode(
      width: 2, height: 1, colorType: .grayAlpha, samples: [77, 0, 99, 255])
    let decodedGrayAlpha = try PNGImage(pngData: grayAlpha, path: "gray-alpha.png")
    #expect(decodedGrayAlpha.shape == [1, 1, 2])
    #expect(decodedGrayAlpha.pixels == [77, 99])
  }

  @Test func decodesPaletteAsRGB() throws {
    let palette: [UInt8] = [255, 0, 0, 0, 128, 0, 7, 8, 9]
    let png = try PNGTestEncoder.encode(
      width: 4, height: 1, colorType: .palette, samples: [2, 0, 1, 2], palette: palette,
      transparency: [0])
    let image = try PNGImage(pngData: png, path: "palette.png")
    #expect(image.shape == [3, 1, 4])
    #expect(image.pixels == [7, 8, 9, 255, 0, 0, 0, 128, 0, 7, 8, 9])

    var planarPixels: [UInt8] = []
    image.appendPlanar(to: &planarPixels)
    #expect(planarPixels == [7, 255, 0, 7, 8, 0, 128, 8, 9, 0, 0, 9])

    // A palette of grays is still a colour type, so it gives 3 channels.
    let grayPalette = try PNGTestEncoder.encode(
      width: 2, height: 1, colorType: .palette, samples: [1, 0], palette: [5, 5, 5, 200, 200, 200])
    let grayImage = try PNGImage(pngData: grayPalette, path: "gray-palette.png")
    #expect(grayImage.channels == 3)
    #expect(grayImage.pixels == [200, 200, 200, 5, 5, 5])
  }

  @Test func appliesGammaChunk() throws {
    // libpng converts a file with gamma 1.0 (linear light) to sRGB, brightening mid-grays.
    let png = try PNGTestEncoder.encode(
      width: 3, height: 1, colorType: .gray, samples: [0, 128, 255], gamma: 100_000)
    let image = try PNGImage(pngData: png, path: "linear.png")
    #expect(image.pixels[0] == 0)
    #expect(image.pixels[1] > 128)
    #expect(image.pixels[2] == 255)
  }

  // MARK: - Errors

  @Test func rejectsMixedSizes() throws {
    let fixture = try ImageFolderFixture()
    defer { fixture.remove() }
    try fixture.writeGraySet()
    try fixture.writeGray("test/zebra/z.png", width: 5, height: 3, seed: 0)

    let expected = DataError.imageShapeMismatch(
      path: fixture.path("test/zebra/z.png"), found: [1, 3, 5], expected: [1, 3, 4],
      firstPath: fixture.path("train/ant/a.png"))
    #expect(throws: expected) {
      try ImageFolderDataset.load(directory: fixture.directory)
    }
    #expect(expected.description.contains(fixture.path("test/zebra/z.png")))
    #expect(expected.description.contains("5x3 pixels (width x height) with 1 channel"))
    #expect(expected.description.contains("4x3 pixels (width x height) with 1 channel"))
    #expect(expected.description.contains(fixture.path("train/ant/a.png")))
  }

  @Test func rejectsMixedChannelCounts() throws {
    let fixture = try ImageFolderFixture()
    defer { fixture.remove() }
    try fixture.writeGraySet()
    try fixture.writeRGB("train/ant/b.png", width: 4, height: 3, seed: 0)

    let expected = DataError.imageShapeMismatch(
      path: fixture.path("train/ant/b.png"), found: [3, 3, 4], expected: [1, 3, 4],
      firstPath: fixture.path("train/ant/a.png"))
    #expect(throws: expected) {
      try ImageFolderDataset.load(directory: fixture.directory)
    }
    #expect(expected.description.contains("with 3 channels"))
    #expect(expected.description.contains("convert them all to RGB or all to grayscale"))
  }

  @Test func rejectsTruncatedPNG() throws {
    let fixture = try ImageFolderFixture()
    defer { fixture.remove() }
    try fixture.writeGraySet()
    // Samples with no pattern keep the compressed data long, so the cut falls inside IDAT.
    var generator = SystemRandomNumberGenerator()
    let samples = (0..<(16 * 16 * 3)).map { _ in Int.random(in: 0...255, using: &generator) }
    let png = try PNGTestEncoder.encode(width: 16, height: 16, colorType: .rgb, samples: samples)
    #expect(try PNGImage(pngData: png, path: "whole.png").pixels.count == 16 * 16 * 3)
    try fixture.write(Array(png.prefix(png.count / 2)), to: "train/zebra/c.png")

    let error = #expect(throws: DataError.self) {
      try ImageFolderDataset.load(directory: fixture.directory)
    }
    guard case .corruptPNG(let path, let reason) = error else {
      Issue.record("expected corruptPNG, got \(String(describing: error))")
      return
    }
    #expect(path == fixture.path("train/zebra/c.png"))
    #expect(!reason.isEmpty)
    #expect(error?.description.contains("Copy or export the image again") == true)
  }

  @Test func rejectsDamagedImageData() throws {
    let samples = ImageFolderFixture.rgbSamples(width: 8, height: 8, seed: 3)
    let png = try PNGTestEncoder.encode(width: 8, height: 8, colorType: .rgb, samples: samples)
    // Bytes 0...32 are the signature and IHDR, and IDAT data starts at byte 41. The
    // file ends with the IDAT CRC and the 12-byte IEND chunk.
    var damagedData = png
    for offset in 45..<49 { damagedData[offset] ^= 0xFF }
    var damagedCRC = png
    for offset in (png.count - 16)..<(png.count - 12) { damagedCRC[offset] ^= 0xFF }

    for (name, bytes, reasonText) in [
      ("data.png", damagedData, "IDAT"), ("crc.png", damagedCRC, "CRC"),
    ] {
      let error = #expect(throws: DataError.self) {
        try PNGImage(pngData: bytes, path: name)
      }
      guard case .corruptPNG(let path, let reason) = error else {
        Issue.record("\(name): expected corruptPNG, got \(String(describing: error))")
        continue
      }
      #expect(path == name)
      #expect(reason.contains(reasonText), "\(name): \(reason)")
    }
  }

  @Test func rejectsTextFileNamedPNG() throws {
    let fixture = try ImageFolderFixture()
    defer { fixture.remove() }
    try fixture.writeGraySet()
    try fixture.write(Array("not an image\n".utf8), to: "test/ant/x.png")

    let expected = DataError.notPNG(path: fixture.path("test/ant/x.png"))
    #expect(throws: expected) {
      try ImageFolderDataset.load(directory: fixture.directory)
    }
    #expect(expected.description.contains("not a PNG file"))
    #expect(throws: DataError.notPNG(path: "empty.png")) {
      try PNGImage(pngData: [], path: "empty.png")
    }
  }

  @Test func reportsUnreadableFile() throws {
    let fixture = try ImageFolderFixture()
    defer { fixture.remove() }
    let error = #expect(throws: DataError.self) {
      try PNGImage(contentsOfFile: fixture.path("missing.png"))
    }
    guard case .unreadable(let path, _) = error else {
      Issue.record("expected unreadable, got \(String(describing: error))")
      return
    }
    #expect(path == fixture.path("missing.png"))
  }

  @Test func rejectsEmptyClassFolder() throws {
    let fixture = try ImageFolderFixture()
    defer { fixture.remove() }
    try fixture.writeGraySet()
    try FileManager.default.removeItem(atPath: fixture.path("test/zebra/y.png"))
    try fixture.write(Array("notes".utf8), to: "test/zebra/readme.txt")

    let expected = DataError.noPNGFiles(path: fixture.path("test/zebra"))
    #expect(throws: expected) {
      try ImageFolderDataset.load(directory: fixture.directory)
    }
    #expect(expected.description.contains("no .png files found"))
  }

  @Test func rejectsDifferentTestClasses() throws {
    let fixture = try ImageFolderFixture()
    defer { fixture.remove() }
    try fixture.writeGraySet()
    try FileManager.default.removeItem(atPath: fixture.path("test/zebra"))
    try fixture.writeGray("test/bee/1.png", seed: 0)

    let expected = DataError.classFoldersMismatch(
      testPath: fixture.path("test"), trainPath: fixture.path("train"), missing: ["zebra"],
      extra: ["bee"])
    #expect(throws: expected) {
      try ImageFolderDataset.load(directory: fixture.directory)
    }
    #expect(expected.description.contains("differ from those in \(fixture.path("train"))"))
    #expect(expected.description.contains("The test folder lacks zebra."))
    #expect(expected.description.contains("The test folder has bee, which"))
  }

  @Test func rejectsSingleClass() throws {
    let fixture = try ImageFolderFixture()
    defer { fixture.remove() }
    try fixture.writeGray("train/ant/a.png", seed: 0)
    try fixture.writeGray("test/ant/a.png", seed: 0)

    let expected = DataError.tooFewClassFolders(path: fixture.path("train"), found: ["ant"])
    #expect(throws: expected) {
      try ImageFolderDataset.load(directory: fixture.directory)
    }
    #expect(expected.description.contains("at least 2 classes"))
    let noneFound = DataError.tooFewClassFolders(path: fixture.path("train"), found: [])
    #expect(noneFound.description.contains("contains no class folders"))
  }

  @Test func rejectsMissingTestFolder() throws {
    let fixture = try ImageFolderFixture()
    defer { fixture.remove() }
    try fixture.writeGray("train/ant/a.png", seed: 0)
    try fixture.writeGray("train/bee/a.png", seed: 0)

    let expected = DataError.missingSplitFolder(path: fixture.path("test"))
    #expect(throws: expected) {
      try ImageFolderDataset.load(directory: fixture.directory)
    }
    #expect(expected.description.contains("test/<class>/*.png"))
  }
}
