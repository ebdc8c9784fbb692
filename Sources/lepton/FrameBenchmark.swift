import Foundation
import LeptonEngine
import LeptonMetrics
import LeptonRender

/// Times one dashboard frame, state to cell grid to list of changed cells, on a
/// state like that of a run two epochs in, to show what the screen costs training.
enum FrameBenchmark {
  struct Result {
    var milliseconds: Double
    var width: Int
    var height: Int
  }

  static func measure(classCount: Int, width: Int = 160, height: Int = 48, frames: Int = 50)
    -> Result
  {
    let state = makeState(classCount: classCount, sampleCount: 10_000, epochs: 2)
    let glyphs = GlyphSet(unicode: true)
    var previous = Grid(width: width, height: height)
    let start = Date()
    for _ in 0..<frames {
      let grid = DashboardView.render(state: state, width: width, height: height, glyphs: glyphs)
      _ = grid.changedCells(since: previous)
      previous = grid
    }
    let seconds = Date().timeIntervalSince(start)
    return Result(milliseconds: seconds * 1000 / Double(frames), width: width, height: height)
  }

  /// Builds a state from synthetic events: `epochs` epochs of 938 steps, each with
  /// `sampleCount` test scores.
  private static func makeState(classCount: Int, sampleCount: Int, epochs: Int)
    -> DashboardState
  {
    var generator = SystemRandomNumberGenerator()
    let config = RunConfig(
      runID: "bench", model: "fmnist-cnn", layers: [], parameterCount: 421_642,
      dataset: "synthetic", dataDirectory: "", classNames: (0..<classCount).map { "class \($0)" },
      inputShape: [1, 28, 28], trainCount: 60_000, testCount: 10_000, epochs: 3, batchSize: 64,
      learningRate: 0.01, momentum: 0.9, weightDecay: 0, seed: 1, stepsPerEpoch: 938,
      versions: [:], startedAt: "")
    var state = DashboardState()
    state.apply(.runStarted(config))
    let labels = (0..<sampleCount).map { Int32($0 % classCount) }
    for epoch in 1...epochs {
      for step in 1...938 {
        let loss = 2 / Double((epoch - 1) * 938 + step).squareRoot()
        state.apply(
          .batchEnded(
            BatchProgress(
              epoch: epoch, step: step, stepsPerEpoch: 938, globalStep: (epoch - 1) * 938 + step,
              loss: loss, accuracy: 1 - loss / 2, imagesPerSecond: 5000)))
      }
      var scores = [Float](repeating: 0, count: sampleCount * classCount)
      for row in 0..<sampleCount {
        var sum: Float = 0
        for column in 0..<classCount {
          let boost: Float = Int32(column) == labels[row] ? 3 : 0
          let value = Float.random(in: 0.1...1, using: &generator) + boost
          scores[row * classCount + column] = value
          sum += value
        }
        for column in 0..<classCount { scores[row * classCount + column] /= sum }
      }
      state.apply(
        .evaluated(
          Evaluation(
            epoch: epoch, split: "test", classCount: classCount, labels: labels, scores: scores)))
      if let report = try? ClassificationReport.compute(
        labels: labels, probabilities: scores, classCount: classCount)
      {
        state.apply(
          .epochEnded(
            EpochSummary(
              epoch: epoch, trainLoss: 0.4, trainAccuracy: 0.85, test: report, trainSeconds: 10,
              evaluationSeconds: 0.5, imagesPerSecond: 5000)))
      }
    }
    return state
  }
}

extension FrameBenchmark {
  /// Key-to-frame times of the dashboard's threshold explorer: each key's state update, the
  /// whole frame rendered and its changed cells found, as the dashboard does per key.
  struct KeyTimings {
    var openMilliseconds: Double
    var medianMilliseconds: Double
    var percentile99Milliseconds: Double
    var keyCount: Int
  }

  /// Opens the explorer on one evaluation of `sampleCount` random probabilities over
  /// `classCount` classes, then presses a cycle of explorer keys `keyCount` times.
  static func measureExplorerKeys(
    sampleCount: Int, classCount: Int, keyCount: Int = 500, width: Int = 160, height: Int = 48
  ) -> KeyTimings {
    var state = makeState(classCount: classCount, sampleCount: sampleCount, epochs: 1)
    let glyphs = GlyphSet(unicode: true)
    let openStart = DispatchTime.now().uptimeNanoseconds
    state.toggleExplorer()
    var previous = DashboardView.render(state: state, width: width, height: height, glyphs: glyphs)
    let openMilliseconds = Double(DispatchTime.now().uptimeNanoseconds - openStart) / 1e6
    let keys: [(inout DashboardState) -> Void] = [
      { $0.moveThreshold(by: 0.01) }, { $0.moveThreshold(by: -0.001) }, { $0.jumpToScore(1) },
      { $0.changeExplorerClass(by: 1) }, { $0.applyMaximumF1() }, { $0.jumpToScore(-1) },
      { $0.applyMaximumYoudenJ() }, { $0.moveThreshold(by: 0.03) },
    ]
    var times: [Double] = []
    for index in 0..<keyCount {
      let start = DispatchTime.now().uptimeNanoseconds
      keys[index % keys.count](&state)
      let grid = DashboardView.render(state: state, width: width, height: height, glyphs: glyphs)
      _ = grid.changedCells(since: previous)
      previous = grid
      times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    times.sort()
    return KeyTimings(
      openMilliseconds: openMilliseconds, medianMilliseconds: times[times.count / 2],
      percentile99Milliseconds: times[min(times.count - 1, times.count * 99 / 100)],
      keyCount: keyCount)
  }
}
