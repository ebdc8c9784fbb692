import Testing

@testable import LeptonEngine

@Suite("Training options")
struct TrainingOptionsTests {
  @Test func sgdKeepsMomentumAndNesterov() {
    var options = TrainingOptions()
    options.optimizer = SGDConfiguration(
      learningRate: 0.05, momentum: 0.8, weightDecay: 0.001, nesterov: true)
    #expect(options.optimizerConfiguration == .sgd(options.optimizer))
    #expect(options.optimizerDescription == "sgd (momentum 0.8, nesterov)")
  }

  @Test func adamAndAdamWTakeSharedSettings() {
    var options = TrainingOptions()
    options.optimizer.learningRate = 0.002
    options.optimizer.weightDecay = 0.05
    options.optimizerKind = .adam
    #expect(
      options.optimizerConfiguration
        == .adam(AdamConfiguration(learningRate: 0.002, weightDecay: 0.05)))
    options.optimizerKind = .adamw
    #expect(options.optimizerConfiguration == .adamW(learningRate: 0.002, weightDecay: 0.05))
    #expect(options.optimizerDescription == "adamw")
  }

  @Test func constantScheduleIsNil() {
    #expect(TrainingOptions().learningRateSchedule(stepsPerEpoch: 10) == nil)
  }

  @Test func schedulesSpanTheWholeRun() throws {
    var options = TrainingOptions(epochs: 3)
    options.optimizer.learningRate = 0.1
    options.schedule = .cosine
    let cosine = try #require(options.learningRateSchedule(stepsPerEpoch: 10))
    #expect(abs(cosine.learningRate(atStep: 0) - 0.1) < 1e-12)
    #expect(abs(cosine.learningRate(atStep: 15) - 0.05) < 1e-12)
    #expect(abs(cosine.learningRate(atStep: 30)) < 1e-12)

    options.schedule = .step
    options.scheduleStepEpochs = 2
    options.scheduleGamma = 0.5
    let step = try #require(options.learningRateSchedule(stepsPerEpoch: 10))
    #expect(abs(step.learningRate(atStep: 19) - 0.1) < 1e-12)
    #expect(abs(step.learningRate(atStep: 20) - 0.05) < 1e-12)
    #expect(options.scheduleDescription == "step (every 2 epochs, gamma 0.5)")

    options.schedule = .onecycle
    let oneCycle = try #require(options.learningRateSchedule(stepsPerEpoch: 10))
    // OneCycleLR starts at the maximum divided by 25 and peaks at step 0.3 * 30 - 1.
    #expect(abs(oneCycle.learningRate(atStep: 0) - 0.004) < 1e-12)
    #expect(abs(oneCycle.learningRate(atStep: 8) - 0.1) < 1e-9)
  }
}
