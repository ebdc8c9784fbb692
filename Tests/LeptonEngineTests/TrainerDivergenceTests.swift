import Foundation
import Testing

@testable import LeptonEngine

@Suite("Trainer divergence", .serialized)
struct TrainerDivergenceTests {
  /// Collects every event on the trainer's thread.
  final class Recorder: TrainingObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [TrainingEvent] = []

    func trainer(didEmit event: TrainingEvent) {
      lock.withLock { recorded.append(event) }
    }

    var events: [TrainingEvent] { lock.withLock { recorded } }
  }

  @Test func nanLossEndsRunAndKeepsCompletedEpoch() throws {
    let directory = try CheckpointDirectory()
    defer { directory.remove() }
    let fixture = TrainerCheckpointTests()
    let path = directory.file("model.ckpt")
    var options = fixture.makeOptions(checkpointPath: path)
    options.epochs = 3
    let trainer = Trainer(options: options, dataset: fixture.makeDataset(), runID: "nan-run")
    trainer.nanLossStep = (epoch: 2, step: 3)
    let recorder = Recorder()
    trainer.addObserver(recorder)

    let outcome = trainer.run(control: TrainingControl())

    guard case .failure(let failure) = outcome else {
      Issue.record("the run did not fail: \(outcome)")
      return
    }
    #expect(failure.kind == .diverged)
    #expect(failure.epoch == 2)
    #expect(failure.step == 3)
    #expect(failure.completedEpochs == 1)
    #expect(failure.message.contains("the loss became NaN at epoch 2, step 3"))
    #expect(failure.message.contains("Try a lower learning rate than --lr 0.01"))

    let epochs = recorder.events.compactMap { event -> Int? in
      if case .epochEnded(let summary) = event { return summary.epoch }
      return nil
    }
    #expect(epochs == [1])
    guard case .runFailed(let logged) = recorder.events.last else {
      Issue.record("the last event is not runFailed")
      return
    }
    #expect(logged == failure)
    // The step that diverged and everything after it is not reported as done.
    let lastStep = recorder.events.compactMap { event -> BatchProgress? in
      if case .batchEnded(let progress) = event { return progress }
      return nil
    }.last
    #expect(lastStep?.epoch == 2)
    #expect(lastStep?.step == 2)
    #expect(try Checkpoint.read(from: path).epoch == 1)
  }
}
