import Testing

@testable import LeptonEngine

@Suite(.serialized)
struct BenchmarkTests {
  @Test func shortRunReportsPositiveThroughput() throws {
    let result = try Benchmark.run(
      trainBatchSize: 8, evaluationBatchSize: 16, trainSteps: 2, evaluationCalls: 1,
      warmupSteps: 1, repeats: 3, referenceImages: 1)
    #expect(result.trainSamples.count == 3)
    #expect(result.evalSamples.count == 3)
    #expect(result.trainImagesPerSecond > 0)
    #expect(result.evalImagesPerSecond > 0)
    #expect(result.trainStepMilliseconds > 0)
    let samples = result.trainSamples.sorted()
    #expect(result.trainImagesPerSecond == samples[1], "the median of three is the middle one")
    let reference = try #require(result.referenceTrainImagesPerSecond)
    #expect(reference > 0)
    #expect((result.speedupOverReference ?? 0) > 1, "oneDNN must beat the plain loops")
  }

  @Test func providedDataMustCoverOneBatch() {
    #expect(throws: NetworkError.self) {
      _ = try Benchmark.run(
        trainBatchSize: 8, evaluationBatchSize: 16, trainSteps: 1, evaluationCalls: 1,
        repeats: 1, referenceImages: 0, images: [Float](repeating: 0, count: 784 * 4),
        labels: [Int32](repeating: 0, count: 4))
    }
  }

  @Test func skippedBaselineIsNil() throws {
    let result = try Benchmark.run(
      trainBatchSize: 4, evaluationBatchSize: 4, trainSteps: 1, evaluationCalls: 1,
      warmupSteps: 0, repeats: 1, referenceImages: 0)
    #expect(result.referenceTrainImagesPerSecond == nil)
    #expect(result.speedupOverReference == nil)
  }
}
