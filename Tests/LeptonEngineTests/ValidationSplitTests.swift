import Foundation
import LeptonMetrics
import Testing

@testable import LeptonEngine

/// Returns a split whose 1x2x2 images carry their own index in the first two pixels, so a test
/// can tell which sample landed where. The other two pixels grow with the index, so
/// subsets have different means.
func indexedSplit(count: Int) -> ImageSplit {
  var pixels: [UInt8] = []
  for index in 0..<count {
    let brightness = UInt8(index * 255 / max(1, count - 1))
    pixels += [UInt8(index & 0xFF), UInt8(index >> 8), brightness, brightness]
  }
  return ImageSplit(pixels: pixels, labels: (0..<count).map { Int32($0 % 3) }, shape: [1, 2, 2])
}

/// Returns the sample indices encoded in the images of `split`.
func sampleIndices(_ split: ImageSplit) -> [Int] {
  (0..<split.count).map { Int(split.pixels[$0 * 4]) | Int(split.pixels[$0 * 4 + 1]) << 8 }
}

@Suite("Validation split")
struct ValidationSplitTests {
  @Test func countRoundsToNearest() {
    let cases: [(fraction: Double, count: Int, expected: Int)] = [
      (0.1, 60_000, 6_000), (0.2, 500, 100), (0.1, 3, 0), (0.5, 3, 2), (0.1, 5, 1),
      (0, 10, 0), (0.999, 300, 300), (0.5, 0, 0),
    ]
    for item in cases {
      #expect(
        ImageSplit.validationCount(fraction: item.fraction, of: item.count) == item.expected,
        "\(item.fraction) of \(item.count)")
    }
  }

  @Test func partsAreDisjointAndComplete() {
    let split = indexedSplit(count: 1000)
    let parts = split.holdingOut(validationCount: 100, seed: 42)
    #expect(parts.train.count == 900)
    #expect(parts.validation.count == 100)
    let trainIndices = sampleIndices(parts.train)
    let validationIndices = sampleIndices(parts.validation)
    #expect(Set(trainIndices).isDisjoint(with: validationIndices))
    #expect(Set(trainIndices).union(validationIndices) == Set(0..<1000))
    // Each part keeps the original order, and each label stays with its image.
    #expect(trainIndices == trainIndices.sorted())
    #expect(validationIndices == validationIndices.sorted())
    #expect(parts.validation.labels == validationIndices.map { Int32($0 % 3) })
    #expect(parts.train.shape == [1, 2, 2])
    #expect(parts.train.pixels.count == 900 * 4)
  }

  @Test func sameSeedSameParts() {
    let split = indexedSplit(count: 1000)
    let first = sampleIndices(split.holdingOut(validationCount: 100, seed: 42).validation)
    let again = sampleIndices(split.holdingOut(validationCount: 100, seed: 42).validation)
    let other = sampleIndices(split.holdingOut(validationCount: 100, seed: 43).validation)
    #expect(first == again)
    #expect(first != other)
    // A seeded shuffle, not the first or last samples.
    #expect(first != Array(0..<100))
    #expect(first != Array(900..<1000))
  }

  @Test func trainerMeasuresNormalisationOnTrainingPart() throws {
    let dataset = ImageDataset(
      name: "indexed", directory: "/tmp", classNames: ["a", "b", "c"],
      train: indexedSplit(count: 1000), test: indexedSplit(count: 10))
    var options = TrainingOptions(seed: 7, limit: 800)
    options.validationSplit = 0.25
    let trainer = Trainer(options: options, dataset: dataset, runID: "split")
    let validation = try #require(trainer.validation)
    // The limit applies first, then 25% of the 800 images are held out.
    #expect(trainer.dataset.train.count == 600)
    #expect(validation.count == 200)
    #expect(
      Set(sampleIndices(trainer.dataset.train)).union(sampleIndices(validation)) == Set(0..<800))
    #expect(trainer.normalization == Normalization.measure(trainer.dataset.train.pixels))
    #expect(trainer.normalization != Normalization.measure(dataset.train.prefix(800).pixels))
  }

  @Test func noSplitKeepsEveryImage() {
    let dataset = ImageDataset(
      name: "indexed", directory: "/tmp", classNames: ["a", "b", "c"],
      train: indexedSplit(count: 100), test: indexedSplit(count: 10))
    let trainer = Trainer(options: TrainingOptions(), dataset: dataset, runID: "whole")
    #expect(trainer.validation == nil)
    #expect(trainer.dataset.train.count == 100)
  }

  @Test func splitLeavingEmptyPartFailsRun() {
    let dataset = ImageDataset(
      name: "indexed", directory: "/tmp", classNames: ["a", "b", "c"],
      train: indexedSplit(count: 3), test: indexedSplit(count: 3))
    var options = TrainingOptions()
    options.validationSplit = 0.1
    let trainer = Trainer(options: options, dataset: dataset, runID: "tiny")
    #expect(trainer.validation == nil)
    switch trainer.run(control: TrainingControl()) {
    case .success:
      Issue.record("a split that holds out 0 of 3 images trained")
    case .failure(let failure):
      #expect(failure.kind == .invalidInput)
      #expect(failure.message.contains("holds out 0 of 3"))
    }
  }
}

/// Records every event of a run.
final class EventRecorder: TrainingObserver, @unchecked Sendable {
  private let lock = NSLock()
  private var recorded: [TrainingEvent] = []

  func trainer(didEmit event: TrainingEvent) {
    lock.lock()
    recorded.append(event)
    lock.unlock()
  }

  var events: [TrainingEvent] {
    lock.lock()
    defer { lock.unlock() }
    return recorded
  }

  var evaluations: [Evaluation] {
    events.compactMap {
      if case .evaluated(let evaluation) = $0 { return evaluation }
      return nil
    }
  }

  var epochs: [EpochSummary] {
    events.compactMap {
      if case .epochEnded(let summary) = $0 { return summary }
      return nil
    }
  }

  var config: RunConfig? {
    events.lazy.compactMap {
      if case .runStarted(let config) = $0 { return config }
      return nil
    }.first
  }
}

/// Short runs of the real trainer on 28x28 noise with 10 classes.
@Suite("Trainer with validation and augmentation", .serialized)
struct TrainerValidationTests {
  static func noiseDataset(trainCount: Int, testCount: Int) -> ImageDataset {
    var generator = Xoshiro256StarStar(seed: 11)
    func split(_ count: Int) -> ImageSplit {
      ImageSplit(
        pixels: (0..<(count * 784)).map { _ in UInt8(truncatingIfNeeded: generator.next()) },
        labels: (0..<count).map { Int32($0 % 10) }, shape: [1, 28, 28])
    }
    return ImageDataset(
      name: "noise", directory: "/tmp", classNames: (0..<10).map(String.init),
      train: split(trainCount), test: split(testCount))
  }

  static func run(_ options: TrainingOptions, dataset: ImageDataset) throws -> EventRecorder {
    let trainer = Trainer(options: options, dataset: dataset, runID: "test")
    let recorder = EventRecorder()
    trainer.addObserver(recorder)
    _ = try trainer.run(control: TrainingControl()).get()
    return recorder
  }

  @Test func validationIsEvaluatedEveryEpoch() throws {
    var options = TrainingOptions(epochs: 2, batchSize: 16, seed: 5)
    options.validationSplit = 0.25
    let recorder = try Self.run(options, dataset: Self.noiseDataset(trainCount: 64, testCount: 20))

    let config = try #require(recorder.config)
    #expect(config.trainCount == 48)
    #expect(config.validationCount == 16)
    #expect(config.validationSplit == 0.25)
    #expect(config.stepsPerEpoch == 3)
    #expect(recorder.evaluations.map(\.split) == ["validation", "test", "validation", "test"])
    #expect(recorder.evaluations.map(\.sampleCount) == [16, 20, 16, 20])
    #expect(recorder.epochs.count == 2)
    for summary in recorder.epochs {
      let validation = try #require(summary.validation, "epoch \(summary.epoch)")
      #expect(validation.sampleCount == 16)
      #expect(summary.test.sampleCount == 20)
    }
  }

  @Test func augmentationLeavesEvaluationAlone() throws {
    // With a learning rate of 0 the weights never change, so only the inputs differ.
    var options = TrainingOptions(
      epochs: 1, batchSize: 16, optimizer: SGDConfiguration(learningRate: 0, momentum: 0.9),
      seed: 5)
    options.validationSplit = 0.25
    let dataset = Self.noiseDataset(trainCount: 64, testCount: 20)
    let plain = try Self.run(options, dataset: dataset)
    options.augmentation = Augmentation(cropPadding: 4, horizontalFlip: true)
    let augmented = try Self.run(options, dataset: dataset)

    #expect(augmented.config?.augmentation == "crop4,flip")
    #expect(plain.config?.augmentation == "none")
    #expect(plain.evaluations.count == 2)
    for (first, second) in zip(plain.evaluations, augmented.evaluations) {
      #expect(first.split == second.split)
      #expect(first.scores == second.scores, "\(first.split) scores")
    }
    // Training saw different images, so its loss differs.
    let plainLoss = try #require(plain.epochs.first?.trainLoss)
    let augmentedLoss = try #require(augmented.epochs.first?.trainLoss)
    #expect(plainLoss != augmentedLoss)
  }

  @Test func sameSeedSameAugmentedRun() throws {
    var options = TrainingOptions(epochs: 1, batchSize: 16, seed: 9)
    options.augmentation = Augmentation(cropPadding: 2, horizontalFlip: true)
    let dataset = Self.noiseDataset(trainCount: 48, testCount: 10)
    let first = try Self.run(options, dataset: dataset)
    let second = try Self.run(options, dataset: dataset)
    #expect(first.epochs.first?.trainLoss == second.epochs.first?.trainLoss)
    #expect(first.evaluations.first?.scores == second.evaluations.first?.scores)
  }
}
