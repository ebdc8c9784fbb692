/// The optimiser a run uses, chosen by name on the command line.
public enum OptimizerKind: String, Sendable, CaseIterable {
  case sgd
  case adam
  case adamw
}

/// The rule that changes the learning rate over a run.
public enum ScheduleKind: String, Sendable, CaseIterable {
  /// The learning rate stays as given.
  case constant
  /// Multiplied by `gamma` every `stepEpochs` epochs.
  case step
  /// Cosine annealing from the given rate to 0 over the run.
  case cosine
  /// PyTorch's OneCycleLR with the given rate as its maximum.
  case onecycle
}

extension TrainingOptions {
  /// The optimiser settings for `Network`, from the kind and the shared hyperparameters.
  public var optimizerConfiguration: OptimizerConfiguration {
    let sgd = optimizer
    switch optimizerKind {
    case .sgd:
      return .sgd(sgd)
    case .adam:
      return .adam(AdamConfiguration(learningRate: sgd.learningRate, weightDecay: sgd.weightDecay))
    case .adamw:
      return .adamW(learningRate: sgd.learningRate, weightDecay: sgd.weightDecay)
    }
  }

  /// Returns the learning-rate schedule over `stepsPerEpoch * epochs` steps, or nil for a
  /// constant rate.
  public func learningRateSchedule(stepsPerEpoch: Int) -> LearningRateSchedule? {
    let rate = optimizer.learningRate
    let totalSteps = max(1, stepsPerEpoch * epochs)
    switch schedule {
    case .constant:
      return nil
    case .step:
      return .step(
        initial: rate, stepSize: scheduleStepEpochs, gamma: scheduleGamma,
        stepsPerEpoch: max(1, stepsPerEpoch))
    case .cosine:
      return .cosine(initial: rate, minimum: 0, totalSteps: totalSteps)
    case .onecycle:
      return .oneCycle(maximum: rate, totalSteps: totalSteps)
    }
  }

  /// A short description for the run log, such as `sgd (momentum 0.9, nesterov)`.
  public var optimizerDescription: String {
    switch optimizerKind {
    case .sgd:
      let nesterovNote = optimizer.nesterov ? ", nesterov" : ""
      return "sgd (momentum \(optimizer.momentum)\(nesterovNote))"
    case .adam: return "adam"
    case .adamw: return "adamw"
    }
  }

  /// A short description for the run log, such as `step (every 2 epochs, gamma 0.1)`.
  public var scheduleDescription: String {
    switch schedule {
    case .step: return "step (every \(scheduleStepEpochs) epochs, gamma \(scheduleGamma))"
    case .constant, .cosine, .onecycle: return schedule.rawValue
    }
  }
}
