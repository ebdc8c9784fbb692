import LeptonEngine

/// The reason the dashboard loop returned, and the state of training at that time.
public struct DashboardOutcome: Sendable {
  public enum Reason: Hashable, Sendable {
    /// The user pressed `q`.
    case userQuit
    /// A termination signal arrived, such as `SIGINT` from Ctrl-C.
    case signal(name: String, number: Int32)

    /// The reason given to `TrainingControl.requestStop`.
    public var stopReason: String {
      switch self {
      case .userQuit: return "stopped by the user"
      case .signal(let name, _): return "interrupted by \(name)"
      }
    }
  }

  /// The last known state of the training run when the loop returned.
  public enum Training: Sendable {
    /// The trainer had not reported `runStarted`.
    case notStarted
    /// The trainer did not report an end within the stop grace period.
    case stillRunning
    case finished(RunSummary)
    case failed(RunFailure)
  }

  public var reason: Reason
  public var training: Training

  public init(reason: Reason, training: Training) {
    self.reason = reason
    self.training = training
  }

  /// The signal number when a signal ended the loop, for an exit status of 128 plus it.
  public var signal: Int32? {
    if case .signal(_, let number) = reason { return number }
    return nil
  }

  /// The reason the dashboard gives `TrainingControl.requestStop`, such as
  /// `interrupted by SIGINT`.
  public var stopReason: String { reason.stopReason }

  /// True when the trainer reported `runFinished` or `runFailed`.
  public var trainingEnded: Bool {
    switch training {
    case .finished, .failed: return true
    case .notStarted, .stillRunning: return false
    }
  }
}

extension DashboardOutcome: CustomStringConvertible {
  /// One line for the terminal after the dashboard closes, such as
  /// `dashboard closed by SIGINT; training failed: interrupted by SIGINT`.
  public var description: String {
    let closing: String
    switch reason {
    case .userQuit: closing = "dashboard closed by the user"
    case .signal(let name, _): closing = "dashboard closed by \(name)"
    }
    let trainingState: String
    switch training {
    case .notStarted: trainingState = "training had not started"
    case .stillRunning: trainingState = "training had not stopped yet"
    case .finished(let summary):
      trainingState = "training finished after \(summary.completedEpochs) epochs"
    case .failed(let failure): trainingState = "training stopped: \(failure.message)"
    }
    return "\(closing); \(trainingState)"
  }
}
