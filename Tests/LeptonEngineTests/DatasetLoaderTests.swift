import Foundation
import Testing

@testable import LeptonEngine

@Suite("Data format detection")
struct DatasetLoaderTests {
  @Test func detectsIDX() throws {
    let fixture = try IDXFixture()
    defer { fixture.remove() }
    try fixture.writeValidSet(gzip: true)
    #expect(DatasetLoader.detectFormat(directory: fixture.directory) == .idx)
    let (format, dataset) = try DatasetLoader.load(directory: fixture.directory)
    #expect(format == .idx)
    #expect(dataset.train.count == 6)
  }

  @Test func detectsCIFAR10() throws {
    let fixture = try CIFARFixture()
    defer { fixture.remove() }
    try fixture.writeCIFAR10()
    let (format, dataset) = try DatasetLoader.load(directory: fixture.directory)
    #expect(format == .cifar10)
    #expect(dataset.train.shape == [3, 32, 32])
    #expect(dataset.classCount == 10)
  }

  @Test func detectsCIFAR100() throws {
    let fixture = try CIFARFixture()
    defer { fixture.remove() }
    try fixture.writeCIFAR100()
    let (format, dataset) = try DatasetLoader.load(directory: fixture.directory)
    #expect(format == .cifar100)
    #expect(dataset.classCount == 100)
  }

  @Test func rejectsUnknownLayout() throws {
    let fixture = try IDXFixture()
    defer { fixture.remove() }
    try Data("not a data set".utf8).write(to: URL(fileURLWithPath: fixture.path("notes.txt")))
    #expect(throws: DataError.unknownDataFormat(directory: fixture.directory)) {
      try DatasetLoader.load(directory: fixture.directory)
    }
    let message = DataError.unknownDataFormat(directory: fixture.directory).description
    #expect(message.contains("t10k-images-idx3-ubyte"))
    #expect(message.contains("data_batch_1.bin"))
    #expect(message.contains("fine_label_names.txt"))
    #expect(message.contains("train/<class>/*.png"))
  }

  @Test func reportsMissingDirectory() {
    #expect(throws: DataError.directoryNotFound(path: "/nonexistent/lepton-data")) {
      try DatasetLoader.load(directory: "/nonexistent/lepton-data")
    }
  }
}
