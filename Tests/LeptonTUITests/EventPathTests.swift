import Foundation
import LeptonEngine
import LeptonRender
import Testing

@testable import LeptonTUI

/// The path from trainer threads to the screen state: real trainers emit events on their
/// threads while this thread drains the observers' queues, applies the events and renders
/// frames, as the dashboard and the comparison screen do. Run it under the thread
/// sanitizer to check that path for data races.
@Suite("Trainer-to-screen event path", .serialized)
struct EventPathTests {
  /// 8x8 images of two classes: a bright top or bottom half over noise.
  static func dataset(seed: UInt64) -> ImageDataset {
    var state = seed
    func nextNoise() -> UInt8 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(truncatingIfNeeded: state >> 59)
    }
    func split(count: Int) -> ImageSplit {
      var pixels: [UInt8] = []
      var labels: [Int32] = []
      for index in 0..<count {
        let label = index % 2
        labels.append(Int32(label))
        for row in 0..<8 {
          let bright = (row < 4) == (label == 0)
          for _ in 0..<8 { pixels.append((bright ? 180 : 0) + nextNoise()) }
        }
      }
      return ImageSplit(pixels: pixels, labels: labels, shape: [1, 8, 8])
    }
    return ImageDataset(
      name: "halves", directory: "/nonexistent/halves", classNames: ["top", "bottom"],
      train: split(count: 128), test: split(count: 40))
  }

  /// Collects every event on the trainer's thread, to compare with what the screen saw.
  final class Recorder: TrainingObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [TrainingEvent] = []

    func trainer(didEmit event: TrainingEvent) {
      lock.withLock { recorded.append(event) }
    }

    var events: [TrainingEvent] { lock.withLock { recorded } }
  }

  /// A trainer's result, handed from its thread to this one.
  final class Outcome: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Result<RunSummary, RunFailure>?

    func set(_ result: Result<RunSummary, RunFailure>) { lock.withLock { value = result } }
    var result: Result<RunSummary, RunFailure>? { lock.withLock { value } }
  }

  /// With one OpenMP thread per trainer, and with the runtime's default, which starts
  /// OpenMP worker threads inside oneDNN's primitives.
  @Test(arguments: [1, nil] as [Int?])
  func twoTrainersFeedDashboardAndComparison(threadCount: Int?) async throws {
    var options = TrainingOptions(model: "conv4k3p1-relu-pool2-dense2", epochs: 3, batchSize: 8)
    options.threadCount = threadCount
    let control = TrainingControl()
    var dashboard = DashboardState()
    var comparison = ComparisonState(runIDs: ["first", "second"])
    var trainers: [Trainer] = []
    var queues: [DashboardObserver] = []
    var recorders: [Recorder] = []
    var outcomes: [Outcome] = []
    for index in 0..<2 {
      let trainer = Trainer(
        options: options, dataset: Self.dataset(seed: UInt64(index + 1)), runID: "run-\(index)")
      let queue = DashboardObserver()
      let recorder = Recorder()
      trainer.addObserver(queue)
      trainer.addObserver(recorder)
      trainers.append(trainer)
      queues.append(queue)
      recorders.append(recorder)
      outcomes.append(Outcome())
    }
    for (trainer, outcome) in zip(trainers, outcomes) {
      trainer.start(control: control) { outcome.set($0) }
    }

    var applied = [0, 0]
    var frames = 0
    var pausedOnce = false
    let deadline = ContinuousClock.now.advanced(by: .seconds(600))
    // The trainers emit their last event before they hand over the result, so one pass
    // after every result is in drains what is left.
    var finalPass = false
    while !finalPass {
      finalPass = outcomes.allSatisfy { $0.result != nil }
      #expect(ContinuousClock.now < deadline)
      if ContinuousClock.now >= deadline { break }
      for (index, queue) in queues.enumerated() {
        for event in queue.drain() {
          if index == 0 { dashboard.apply(event) }
          comparison.apply(event, toRun: index)
          applied[index] += 1
        }
      }
      // Pause and resume once, as the `p` key does, while the trainers run.
      if !pausedOnce, applied[0] > 5 {
        control.setPaused(true)
        try await Task.sleep(for: .milliseconds(50))
        control.setPaused(false)
        pausedOnce = true
      }
      _ = DashboardView.render(state: dashboard, width: 120, height: 40, glyphs: .unicodeSet)
      _ = ComparisonScreen.render(
        state: comparison, width: 120, height: 40, glyphs: .unicodeSet)
      frames += 1
      try await Task.sleep(for: .milliseconds(5))
    }

    #expect(pausedOnce)
    #expect(frames > 1)
    for index in 0..<2 {
      #expect(applied[index] == recorders[index].events.count)
      #expect(queues[index].droppedBatchEvents == 0)
      guard case .success(let summary) = outcomes[index].result else {
        Issue.record("run \(index) did not finish: \(String(describing: outcomes[index].result))")
        continue
      }
      #expect(summary.completedEpochs == 3)
      #expect(comparison.runs[index].epochs.map(\.epoch) == [1, 2, 3])
      #expect(comparison.runs[index].outcome == "finished")
    }
    #expect(dashboard.epochs.map(\.epoch) == [1, 2, 3])
    #expect(dashboard.ended)
  }
}
