import LeptonEngine
import Testing

@testable import LeptonRender

/// The comparison state of runs that train while the screen is open.
@Suite struct ComparisonLiveTests {
  typealias Events = ComparisonStateTests

  /// Two live runs of 2 epochs of 4 steps; A has finished step 6 and B step 3.
  static func liveState() -> ComparisonState {
    var state = ComparisonState(runIDs: ["a", "b"])
    state.live = true
    for (index, steps) in [(0, 6), (1, 3)] {
      var config = Events.config(id: "run-\(index)", stepsPerEpoch: 4)
      config.epochs = 2
      state.apply(.runStarted(config), toRun: index)
      for step in 1...steps {
        state.apply(
          .batchEnded(Events.batch(globalStep: step, stepsPerEpoch: 4, loss: 1)), toRun: index)
      }
    }
    state.apply(
      .epochEnded(Events.summary(epoch: 1, accuracy: 0.5, loss: 1)), toRun: 0)
    return state
  }

  @Test func progressOfEachRun() {
    let state = Self.liveState()

    #expect(ComparisonScreen.progressText(of: state.runs[0]) == "epoch 2/2 50%")
    #expect(ComparisonScreen.progressText(of: state.runs[1]) == "epoch 1/2 75%")
    #expect(ComparisonScreen.statusLabel(for: state).0 == "TRAINING")
  }

  @Test func labelFollowsPauseStopAndEnd() {
    var state = Self.liveState()
    state.paused = true
    #expect(ComparisonScreen.statusLabel(for: state).0 == "PAUSED")
    state.stopRequested = true
    #expect(ComparisonScreen.statusLabel(for: state).0 == "STOPPING")

    state.apply(
      .runFinished(RunSummary(completedEpochs: 2, finalTest: nil, totalSeconds: 1)), toRun: 0)
    #expect(!state.allEnded)
    let interrupted = RunFailure(
      kind: .interrupted, message: "stopped", epoch: 1, step: 3, completedEpochs: 0)
    state.apply(.runFailed(interrupted), toRun: 1)

    #expect(state.allEnded)
    #expect(ComparisonScreen.progressText(of: state.runs[0]) == "finished")
    #expect(ComparisonScreen.progressText(of: state.runs[1]) == "interrupted")
    #expect(ComparisonScreen.statusLabel(for: state).0 == "FINISHED")
  }

  @Test func failedRunGivesFailedLabel() {
    var state = Self.liveState()
    state.apply(
      .runFinished(RunSummary(completedEpochs: 2, finalTest: nil, totalSeconds: 1)), toRun: 0)
    let diverged = RunFailure(
      kind: .diverged, message: "loss NaN", epoch: 1, step: 3, completedEpochs: 0)
    state.apply(.runFailed(diverged), toRun: 1)

    #expect(ComparisonScreen.statusLabel(for: state).0 == "FAILED")
  }

  @Test func storedRunsShowCompare() {
    var state = Self.liveState()
    state.live = false

    #expect(ComparisonScreen.statusLabel(for: state).0 == "COMPARE")
  }

  @Test func resumeDropsLaterEpochsAndSteps() {
    var state = Self.liveState()
    state.apply(
      .epochEnded(Events.summary(epoch: 2, accuracy: 0.75, loss: 1)), toRun: 0)
    state.apply(
      .runFinished(RunSummary(completedEpochs: 2, finalTest: nil, totalSeconds: 1)), toRun: 0)
    var config = Events.config(id: "run-0", stepsPerEpoch: 4)
    config.epochs = 3
    state.apply(.runResumed(RunResumption(config: config, resumedFromEpoch: 1)), toRun: 0)

    let run = state.runs[0]
    #expect(run.epochs.map(\.epoch) == [1])
    #expect(run.trainLoss.points.map(\.x) == [1, 2, 3, 4])
    #expect(!run.ended)
    #expect(run.outcome == nil)
    #expect(ComparisonScreen.progressText(of: run) == "starting")
  }
}
