import Foundation
import LeptonMetrics
import Testing

@testable import LeptonEngine

/// Requests a stop when the epoch `stopAfter` ends, as Ctrl-C between two epochs would.
final class StopAfterEpoch: TrainingObserver, @unchecked Sendable {
  let control: TrainingControl
  let stopAfter: Int

  init(control: TrainingControl, stopAfter: Int) {
    self.control = control
    self.stopAfter = stopAfter
  }

  func trainer(didEmit event: TrainingEvent) {
    if case .epochEnded(let summary) = event, summary.epoch == stopAfter {
      control.requestStop(reason: "stopped by the test")
    }
  }
}

/// Resumed runs against uninterrupted ones on the same data and seed.
///
/// Both runs execute in this process with oneDNN's default thread count, so their sums
/// are expected to agree bit for bit. The tolerance of `parameterTolerance` still allows
/// for a different summation order between separately created primitives.
@Suite("Trainer resume", .serialized)
struct TrainerResumeTests {
  static let parameterTolerance: Float = 1e-5
  static let lossTolerance = 1e-5

  /// 10x10 images of three classes, each a bright row at a class-specific height over
  /// noise: 120 training and 30 test images.
  func makeDataset() -> ImageDataset {
    var generator = Xoshiro256StarStar(seed: 21)
    func split(count: Int) -> ImageSplit {
      var pixels: [UInt8] = []
      var labels: [Int32] = []
      for index in 0..<count {
        let label = index % 3
        labels.append(Int32(label))
        for row in 0..<10 {
          for _ in 0..<10 {
            let noise = UInt8(generator.next() % 50)
            pixels.append(row == 2 + 3 * label ? 190 + noise : noise)
          }
        }
      }
      return ImageSplit(pixels: pixels, labels: labels, shape: [1, 10, 10])
    }
    return ImageDataset(
      name: "bands", directory: "/nonexistent/bands", classNames: ["top", "middle", "bottom"],
      train: split(count: 120), test: split(count: 30))
  }

  /// Options that use every part of the state a resume has to restore: dropout, batch
  /// normalisation, augmentation, a validation split, a limit and a schedule.
  func makeOptions(
    epochs: Int, optimizer: OptimizerKind, schedule: ScheduleKind, checkpointPath: String
  ) throws -> TrainingOptions {
    var options = TrainingOptions(
      model: "conv4k3p1-bn-relu-pool2-dropout0.25-dense3", epochs: epochs, batchSize: 16,
      seed: 11, limit: 110)
    options.optimizerKind = optimizer
    options.optimizer.learningRate = optimizer == .sgd ? 0.05 : 0.003
    options.optimizer.weightDecay = optimizer == .adamw ? 0.01 : 0
    options.schedule = schedule
    options.scheduleStepEpochs = 1
    options.scheduleGamma = 0.5
    options.augmentation = try Augmentation.parse("crop1,flip")
    options.validationSplit = 0.2
    options.checkpointPath = checkpointPath
    return options
  }

  func batches(_ recorder: EventRecorder) -> [BatchProgress] {
    recorder.events.compactMap { event in
      if case .batchEnded(let progress) = event { return progress }
      return nil
    }
  }

  func endedEpochs(_ recorder: EventRecorder) -> [Int] {
    recorder.events.compactMap { event in
      if case .epochEnded(let summary) = event { return summary.epoch }
      return nil
    }
  }

  /// Compares the resumed run with the uninterrupted one: the final checkpoints, the
  /// final test report, and the step numbers and learning rates of the resumed steps.
  func expectSameTraining(
    resumed: (summary: RunSummary, checkpoint: Checkpoint, recorder: EventRecorder),
    uninterrupted: (summary: RunSummary, checkpoint: Checkpoint, recorder: EventRecorder),
    resumedFromEpoch: Int
  ) throws {
    let resumedCheckpoint = resumed.checkpoint
    let fullCheckpoint = uninterrupted.checkpoint
    #expect(resumedCheckpoint.epoch == fullCheckpoint.epoch)
    #expect(resumedCheckpoint.optimizerStepCount == fullCheckpoint.optimizerStepCount)
    #expect(resumedCheckpoint.dropoutRandomState == fullCheckpoint.dropoutRandomState)
    let parameterDifference = maxDifference(
      resumedCheckpoint.parameters.map(Double.init), fullCheckpoint.parameters.map(Double.init))
    #expect(parameterDifference <= Double(Self.parameterTolerance))
    let momentDifference = maxDifference(
      resumedCheckpoint.firstMoment.map(Double.init), fullCheckpoint.firstMoment.map(Double.init))
    #expect(momentDifference <= Double(Self.parameterTolerance))
    let statisticsDifference = maxDifference(
      resumedCheckpoint.runningStatistics.map(Double.init),
      fullCheckpoint.runningStatistics.map(Double.init))
    #expect(statisticsDifference <= Double(Self.parameterTolerance))

    let resumedTest = try #require(resumed.summary.finalTest)
    let fullTest = try #require(uninterrupted.summary.finalTest)
    #expect(resumedTest.accuracy == fullTest.accuracy)
    #expect(abs(resumedTest.loss - fullTest.loss) <= Self.lossTolerance)

    let resumedSteps = batches(resumed.recorder)
    let fullSteps = batches(uninterrupted.recorder)
    let first = try #require(resumedSteps.first)
    let stepsPerEpoch = first.stepsPerEpoch
    #expect(first.epoch == resumedFromEpoch + 1)
    #expect(first.step == 1)
    #expect(first.globalStep == resumedFromEpoch * stepsPerEpoch + 1)
    let matching = try #require(fullSteps.first { $0.globalStep == first.globalStep })
    let firstRate = try #require(first.learningRate)
    let matchingRate = try #require(matching.learningRate)
    #expect(firstRate == matchingRate)
    #expect(
      resumedSteps.map(\.globalStep) == fullSteps.suffix(resumedSteps.count).map(\.globalStep))
    #expect(
      resumedSteps.map(\.learningRate) == fullSteps.suffix(resumedSteps.count).map(\.learningRate))
  }

  /// Runs `options` to the end with a recorder and returns the summary, checkpoint and events.
  func train(
    _ options: TrainingOptions, dataset: ImageDataset, resumePoint: ResumePoint? = nil
  ) throws -> (summary: RunSummary, checkpoint: Checkpoint, recorder: EventRecorder) {
    let trainer = Trainer(
      options: options, dataset: dataset, runID: "bands-run", resumePoint: resumePoint)
    let recorder = EventRecorder()
    trainer.addObserver(recorder)
    let summary = try trainer.run(control: TrainingControl()).get()
    let checkpoint = try Checkpoint.read(from: try #require(options.checkpointPath))
    return (summary, checkpoint, recorder)
  }

  @Test func resumeToLargerTotalMatchesRun() throws {
    let directory = try CheckpointDirectory()
    defer { directory.remove() }
    let dataset = makeDataset()
    let resumedPath = directory.file("resumed.ckpt")
    // The step schedule depends on the epoch only, so a 2-epoch run trains its epochs
    // exactly as the first 2 epochs of a 3-epoch run.
    let twoEpochs = try makeOptions(
      epochs: 2, optimizer: .sgd, schedule: .step, checkpointPath: resumedPath)
    _ = try train(twoEpochs, dataset: dataset)
    let saved = try Checkpoint.read(from: resumedPath)
    #expect(saved.epoch == 2)

    var threeEpochs = twoEpochs
    threeEpochs.epochs = 3
    let resumed = try train(
      threeEpochs, dataset: dataset,
      resumePoint: ResumePoint(checkpoint: saved, startedAt: "2026-12-04T10:00:00Z"))
    threeEpochs.checkpointPath = directory.file("uninterrupted.ckpt")
    let uninterrupted = try train(threeEpochs, dataset: dataset)

    #expect(endedEpochs(resumed.recorder) == [3])
    #expect(endedEpochs(uninterrupted.recorder) == [1, 2, 3])
    #expect(resumed.summary.completedEpochs == 3)
    guard case .runResumed(let resumption) = resumed.recorder.events.first else {
      Issue.record("the first event is not runResumed: \(resumed.recorder.events.first!)")
      return
    }
    #expect(resumption.resumedFromEpoch == 2)
    #expect(resumption.config.epochs == 3)
    #expect(resumption.config.startedAt == "2026-12-04T10:00:00Z")
    try expectSameTraining(resumed: resumed, uninterrupted: uninterrupted, resumedFromEpoch: 2)
  }

  @Test func stoppedRunResumesOnSchedule() throws {
    let directory = try CheckpointDirectory()
    defer { directory.remove() }
    let dataset = makeDataset()
    let stoppedPath = directory.file("stopped.ckpt")
    // Cosine annealing spans the 3-epoch total, so the stopped run is set to 3 epochs too.
    var options = try makeOptions(
      epochs: 3, optimizer: .adamw, schedule: .cosine, checkpointPath: stoppedPath)
    let control = TrainingControl()
    let trainer = Trainer(options: options, dataset: dataset, runID: "bands-run")
    trainer.addObserver(StopAfterEpoch(control: control, stopAfter: 2))
    let outcome = trainer.run(control: control)
    guard case .failure(let failure) = outcome else {
      Issue.record("the run was not stopped after epoch 2")
      return
    }
    #expect(failure.kind == .interrupted)
    #expect(failure.completedEpochs == 2)
    let saved = try Checkpoint.read(from: stoppedPath)
    #expect(saved.epoch == 2)

    let resumed = try train(
      options, dataset: dataset,
      resumePoint: ResumePoint(checkpoint: saved, startedAt: "2026-12-04T10:00:00Z"))
    options.checkpointPath = directory.file("uninterrupted.ckpt")
    let uninterrupted = try train(options, dataset: dataset)
    #expect(endedEpochs(resumed.recorder) == [3])
    try expectSameTraining(resumed: resumed, uninterrupted: uninterrupted, resumedFromEpoch: 2)
  }

  @Test func checkpointAtTotalFailsRun() throws {
    let directory = try CheckpointDirectory()
    defer { directory.remove() }
    let dataset = makeDataset()
    let path = directory.file("model.ckpt")
    let options = try makeOptions(
      epochs: 1, optimizer: .sgd, schedule: .constant, checkpointPath: path)
    _ = try train(options, dataset: dataset)
    let saved = try Checkpoint.read(from: path)

    let trainer = Trainer(
      options: options, dataset: dataset, runID: "bands-run",
      resumePoint: ResumePoint(checkpoint: saved, startedAt: "2026-12-04T10:00:00Z"))
    guard case .failure(let failure) = trainer.run(control: TrainingControl()) else {
      Issue.record("a resume with no epochs left trained")
      return
    }
    #expect(failure.kind == .invalidInput)
    #expect(failure.completedEpochs == 1)
    #expect(failure.message.contains("a total of 1 leaves none to train"))
  }
}
