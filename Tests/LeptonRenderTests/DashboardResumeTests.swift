import LeptonEngine
import Testing

@testable import LeptonRender

@Suite struct DashboardResumeTests {
  @Test func resumeDropsStepsAfterCheckpoint() {
    var state = DashboardState()
    // Three finished epochs and 100 steps of the fourth, then a kill and a resume from
    // the checkpoint of epoch 2 with a new total of 12 epochs.
    for event in FakeRun.events(finishedEpochs: 3, extraSteps: 100) { state.apply(event) }
    state.apply(
      .runFailed(
        RunFailure(
          kind: .interrupted, message: "killed", epoch: 4, step: 101, completedEpochs: 3)))
    #expect(state.ended)

    var config = FakeRun.config
    config.epochs = 12
    state.apply(.runResumed(RunResumption(config: config, resumedFromEpoch: 2)))

    let lastKeptStep = Double(2 * FakeRun.stepsPerEpoch)
    #expect(state.config?.epochs == 12)
    #expect(state.status == .running)
    #expect(state.failure == nil)
    #expect(state.epochs.map(\.epoch) == [1, 2])
    #expect(state.progress == nil)
    #expect(state.testLoss.map(\.x) == [Double(FakeRun.stepsPerEpoch), lastKeptStep])
    #expect(state.testAccuracy.count == 2)
    #expect(state.trainLoss.allPoints.allSatisfy { $0.x <= lastKeptStep })
    #expect(state.trainAccuracy.allPoints.allSatisfy { $0.x <= lastKeptStep })
    #expect(state.smoothedLoss.allPoints.allSatisfy { $0.x <= lastKeptStep })
    #expect(!state.trainLoss.isEmpty)
    #expect(state.confusionMatrix == FakeRun.summary(epoch: 2).test.confusionMatrix)

    // The resumed epoch 3 replaces the one logged before the kill.
    state.apply(.batchEnded(FakeRun.batch(epoch: 3, step: 1)))
    #expect(state.progress?.globalStep == 2 * FakeRun.stepsPerEpoch + 1)
    state.apply(.epochEnded(FakeRun.summary(epoch: 3)))
    #expect(state.epochs.map(\.epoch) == [1, 2, 3])
  }
}
