import Foundation
import Testing

@testable import LeptonEngine

/// Checks each learning-rate schedule at its start, chosen steps and end against values
/// computed by hand from PyTorch's formulas.
struct ScheduleTests {
  func expectRate(
    _ schedule: LearningRateSchedule, step: Int, _ expected: Double, tolerance: Double = 1e-12
  ) {
    let actual = schedule.learningRate(atStep: step)
    #expect(abs(actual - expected) <= tolerance, "step \(step): \(actual), expected \(expected)")
  }

  @Test func constantRate() {
    let schedule = LearningRateSchedule.constant(0.1)
    expectRate(schedule, step: 0, 0.1)
    expectRate(schedule, step: 1_000_000, 0.1)
  }

  @Test func stepDecaysEveryTwoEpochs() {
    // 10 steps per epoch and a step size of 2 epochs: 0.1 * 0.1^(step / 10 / 2).
    let schedule = LearningRateSchedule.step(
      initial: 0.1, stepSize: 2, gamma: 0.1, stepsPerEpoch: 10)
    expectRate(schedule, step: 0, 0.1)
    expectRate(schedule, step: 19, 0.1)
    expectRate(schedule, step: 20, 0.01)
    expectRate(schedule, step: 39, 0.01)
    expectRate(schedule, step: 40, 0.001)
    expectRate(schedule, step: 65, 0.0001)
  }

  @Test func cosineAnnealsToMinimum() {
    // 0.001 + 0.099 * (1 + cos(pi * step / 100)) / 2.
    let schedule = LearningRateSchedule.cosine(initial: 0.1, minimum: 0.001, totalSteps: 100)
    expectRate(schedule, step: 0, 0.1)
    // cos(pi / 4) = 0.70710678, so 0.001 + 0.099 * 0.85355339 = 0.08550179.
    expectRate(schedule, step: 25, 0.0855017857, tolerance: 1e-10)
    expectRate(schedule, step: 50, 0.0505)
    expectRate(schedule, step: 100, 0.001)
    expectRate(schedule, step: 150, 0.001)
  }

  @Test func oneCycleDefaults() {
    // maximum 0.1 over 100 steps: starts at 0.1 / 25 = 0.004, peaks at step
    // 0.3 * 100 - 1 = 29 and ends at 0.004 / 1e4 = 4e-7 at step 99.
    let schedule = LearningRateSchedule.oneCycle(maximum: 0.1, totalSteps: 100)
    #expect(
      schedule
        == .oneCycle(
          maximum: 0.1, totalSteps: 100, pctStart: 0.3, divFactor: 25, finalDivFactor: 1e4))
    expectRate(schedule, step: 0, 0.004)
    // Warm-up fraction 10 / 29: 0.1 + (0.004 - 0.1) * (1 + cos(pi * 10 / 29)) / 2.
    expectRate(schedule, step: 10, 0.0295163948, tolerance: 1e-10)
    expectRate(schedule, step: 29, 0.1)
    // Annealing fraction (64 - 29) / (99 - 29) = 0.5: halfway from 0.1 to 4e-7.
    expectRate(schedule, step: 64, 0.0500002)
    expectRate(schedule, step: 99, 4e-7)
    expectRate(schedule, step: 120, 4e-7)
  }

  @Test func oneCycleWithoutWarmupSteps() {
    // The warm-up would end at step 0.3 * 2 - 1 = -0.4, so it is empty. As in PyTorch, step 0
    // is then (0 + 0.4) / (1 + 0.4) of the way down from 0.1 to 4e-7.
    let schedule = LearningRateSchedule.oneCycle(maximum: 0.1, totalSteps: 2)
    expectRate(schedule, step: 0, 0.1 - 0.099_999_6 * (1 - cos(Double.pi * 0.4 / 1.4)) / 2)
    expectRate(schedule, step: 1, 4e-7)
  }
}
