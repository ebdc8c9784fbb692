import Foundation

/// A learning rate as a function of the global step, following PyTorch's schedulers.
///
/// Steps are counted from 0 for the first training step, so `learningRate(atStep: 0)` is the
/// rate of the first update. Set `Network.learningRate` to it before each `trainStep`.
public enum LearningRateSchedule: Sendable, Codable, Equatable {
  /// The same rate at every step.
  case constant(Double)
  /// `initial * gamma^(epoch / stepSize)` with integer division, where
  /// `epoch = step / stepsPerEpoch`, as `torch.optim.lr_scheduler.StepLR` stepped once per
  /// epoch. Requires `stepSize >= 1` and `stepsPerEpoch >= 1`.
  case step(initial: Double, stepSize: Int, gamma: Double, stepsPerEpoch: Int)
  /// `minimum + (initial - minimum) * (1 + cos(pi * step / totalSteps)) / 2`, as
  /// `CosineAnnealingLR` with `T_max = totalSteps`. Requires `totalSteps >= 1`.
  ///
  /// Steps after `totalSteps` keep `minimum`, where PyTorch's rate would rise again.
  case cosine(initial: Double, minimum: Double, totalSteps: Int)
  /// `OneCycleLR` with cosine annealing and two phases: from `maximum / divFactor` up to
  /// `maximum` over the first `pctStart` of the steps, then down to
  /// `maximum / divFactor / finalDivFactor` at step `totalSteps - 1`, which later steps keep.
  /// The phase boundaries follow `OneCycleLR` in PyTorch's `torch/optim/lr_scheduler.py`.
  ///
  /// NOTE: Only the learning rate cycles. PyTorch's default also cycles SGD's momentum or
  /// Adam's `beta1` between 0.85 and 0.95, which this schedule does not do.
  case oneCycle(
    maximum: Double, totalSteps: Int, pctStart: Double, divFactor: Double, finalDivFactor: Double)

  /// Returns a one-cycle schedule with the defaults of `torch.optim.lr_scheduler.OneCycleLR`.
  public static func oneCycle(maximum: Double, totalSteps: Int) -> LearningRateSchedule {
    .oneCycle(
      maximum: maximum, totalSteps: totalSteps, pctStart: 0.3, divFactor: 25,
      finalDivFactor: 1e4)
  }

  /// Returns the learning rate of global step `step` (counted from 0).
  public func learningRate(atStep step: Int) -> Double {
    precondition(step >= 0, "steps are counted from 0, got \(step)")
    switch self {
    case .constant(let rate):
      return rate

    case .step(let initial, let stepSize, let gamma, let stepsPerEpoch):
      precondition(stepSize >= 1, "step size \(stepSize) must be at least 1 epoch")
      precondition(stepsPerEpoch >= 1, "steps per epoch \(stepsPerEpoch) must be at least 1")
      let decays = step / stepsPerEpoch / stepSize
      return initial * pow(gamma, Double(decays))

    case .cosine(let initial, let minimum, let totalSteps):
      precondition(totalSteps >= 1, "total steps \(totalSteps) must be at least 1")
      let progress = Double(min(step, totalSteps)) / Double(totalSteps)
      return minimum + (initial - minimum) * (1 + cos(Double.pi * progress)) / 2

    case .oneCycle(let maximum, let totalSteps, let pctStart, let divFactor, let finalDivFactor):
      precondition(totalSteps >= 1, "total steps \(totalSteps) must be at least 1")
      let initial = maximum / divFactor
      let minimum = initial / finalDivFactor
      // PyTorch ends the warm-up at the fractional step `pctStart * totalSteps - 1`.
      let warmupEnd = pctStart * Double(totalSteps) - 1
      let lastStep = Double(totalSteps - 1)
      let current = min(Double(step), lastStep)
      if current <= warmupEnd {
        let fraction = warmupEnd > 0 ? current / warmupEnd : 1
        return annealCosine(from: initial, to: maximum, fraction: fraction)
      }
      let fraction = lastStep > warmupEnd ? (current - warmupEnd) / (lastStep - warmupEnd) : 1
      return annealCosine(from: maximum, to: minimum, fraction: fraction)
    }
  }
}

/// Returns the cosine interpolation from `start` (fraction 0) to `end` (fraction 1).
private func annealCosine(from start: Double, to end: Double, fraction: Double) -> Double {
  end + (start - end) * (1 + cos(Double.pi * fraction)) / 2
}
