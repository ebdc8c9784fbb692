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
    let state = makeState(classCount: classCount)
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

  /// Builds a state from synthetic events: 2 epochs of 938 steps and 10,000 test scores.
  private static func makeState(classCount: Int) -> DashboardState {
    var generator = SystemRandomNumberGenerator()
    let config = RunConfig(
      runID: "bench", model: "fmnist-cnn", layers: [], parameterCount: 421_642,
      dataset: "synthetic", dataDirectory: "", classNames: (0..<classCount).map { "class \($0)" },
      inputShape: [1, 28, 28], trainCount: 60_000, testCount: 10_000, epochs: 3, batchSize: 64,
      learningRate: 0.01, momentum: 0.9, weightDecay: 0, seed: 1, stepsPerEpoch: 938,
      versions: [:], startedAt: "")
    var state = DashboardState()
    state.apply(.runStarted(config))
    let sampleCount = 10_000
    let labels = (0..<sampleCount).map { Int32($0 % classCount) }
    for epoch in 1...2 {
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
