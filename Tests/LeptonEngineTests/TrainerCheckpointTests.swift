import Foundation
import LeptonMetrics
import Testing

@testable import LeptonEngine

@Suite("Trainer checkpoints", .serialized)
struct TrainerCheckpointTests {
  /// 8x8 images of three classes, each a bright row at a class-specific height over noise.
  func makeDataset() -> ImageDataset {
    var generator = Xoshiro256StarStar(seed: 9)
    func split(count: Int) -> ImageSplit {
      var pixels: [UInt8] = []
      var labels: [Int32] = []
      for index in 0..<count {
        let label = index % 3
        labels.append(Int32(label))
        for row in 0..<8 {
          for _ in 0..<8 {
            let noise = UInt8(generator.next() % 40)
            pixels.append(row == 1 + 2 * label ? 200 + noise : noise)
          }
        }
      }
      return ImageSplit(pixels: pixels, labels: labels, shape: [1, 8, 8])
    }
    return ImageDataset(
      name: "bands", directory: "/nonexistent/bands", classNames: ["top", "middle", "bottom"],
      train: split(count: 96), test: split(count: 30))
  }

  func makeOptions(checkpointPath: String?) -> TrainingOptions {
    var options = TrainingOptions(
      model: "conv4k3p1-bn-relu-pool2-dense3", epochs: 2, batchSize: 16, seed: 5)
    options.checkpointPath = checkpointPath
    return options
  }

  @Test func savesAfterEveryEpoch() throws {
    let directory = try CheckpointDirectory()
    defer { directory.remove() }
    let path = directory.file("model.ckpt")
    let dataset = makeDataset()
    let trainer = Trainer(
      options: makeOptions(checkpointPath: path), dataset: dataset, runID: "bands-run")
    let summary = try trainer.run(control: TrainingControl()).get()
    #expect(summary.completedEpochs == 2)

    let checkpoint = try Checkpoint.read(from: path)
    #expect(checkpoint.epoch == 2)
    #expect(checkpoint.runID == "bands-run")
    #expect(checkpoint.model == "conv4k3p1-bn-relu-pool2-dense3")
    #expect(checkpoint.classNames == ["top", "middle", "bottom"])
    #expect(checkpoint.inputShape == [1, 8, 8])
    #expect(checkpoint.normalization == Normalization.measure(dataset.train.pixels))
    // 96 images in batches of 16 make 6 steps per epoch.
    #expect(checkpoint.optimizerStepCount == 12)
    #expect(try directory.contents() == ["model.ckpt"])

    // The restored network reproduces the final test report.
    let network = try Network(checkpoint: checkpoint, batchSize: 1)
    let images = checkpoint.normalization.normalizedImages(of: dataset.test)
    let predicted = try predictAll(
      network, images: images, labels: dataset.test.labels, classCount: 3)
    let report = try ClassificationReport.compute(
      labels: dataset.test.labels, probabilities: predicted.probabilities, classCount: 3)
    let finalTest = try #require(summary.finalTest)
    #expect(report.accuracy == finalTest.accuracy)
    #expect(report.loss == finalTest.loss)
    #expect(report.confusionMatrix == finalTest.confusionMatrix)
  }

  @Test func noPathSavesNothing() throws {
    let trainer = Trainer(
      options: makeOptions(checkpointPath: nil), dataset: makeDataset(), runID: "run")
    #expect(trainer.options.checkpointPath == nil)
    #expect(TrainingOptions().checkpointPath == nil)
    _ = try trainer.run(control: TrainingControl()).get()
  }

  @Test func saveFailureEndsRunAndKeepsEpoch() throws {
    let directory = try CheckpointDirectory()
    defer { directory.remove() }
    // A directory where the checkpoint file should be makes the rename fail.
    let path = directory.file("model.ckpt")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    let trainer = Trainer(
      options: makeOptions(checkpointPath: path), dataset: makeDataset(), runID: "run")
    let recorder = EventRecorder()
    trainer.addObserver(recorder)

    let outcome = trainer.run(control: TrainingControl())
    guard case .failure(let failure) = outcome else {
      Issue.record("the run succeeded although the checkpoint could not be written")
      return
    }
    #expect(failure.kind == .saveFailed)
    #expect(failure.completedEpochs == 1)
    #expect(failure.epoch == 1)
    #expect(failure.message.hasPrefix("Saving the checkpoint after epoch 1 failed: \(path): "))

    let epochsEnded = recorder.events.compactMap { event -> Int? in
      if case .epochEnded(let summary) = event { return summary.epoch }
      return nil
    }
    #expect(epochsEnded == [1])
    guard case .runFailed(let reported) = recorder.events.last else {
      Issue.record("the last event is not runFailed: \(String(describing: recorder.events.last))")
      return
    }
    #expect(reported == failure)
    #expect(try directory.contents() == ["model.ckpt"])
  }
}
