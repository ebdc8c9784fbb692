/// The state that a resumed run continues from: the checkpoint of its last saved epoch and
/// the start time of the run, which the resumed run's config keeps.
public struct ResumePoint: Sendable {
  public var checkpoint: Checkpoint
  /// ISO 8601 start time of the original run.
  public var startedAt: String

  public init(checkpoint: Checkpoint, startedAt: String) {
    self.checkpoint = checkpoint
    self.startedAt = startedAt
  }
}

extension Trainer {
  /// Rebuilds the network of `checkpoint` after checking that it fits the data set and
  /// that epochs are left to train.
  ///
  /// - Throws: A `RunFailure` of kind `invalidInput` naming the mismatch.
  func restoreNetwork(from checkpoint: Checkpoint) throws -> Network {
    let completed = checkpoint.epoch
    func reject(_ message: String) -> RunFailure {
      RunFailure(
        kind: .invalidInput, message: message, epoch: nil, step: nil, completedEpochs: completed)
    }
    guard completed < options.epochs else {
      throw reject(
        "The checkpoint has \(completed) completed epoch\(completed == 1 ? "" : "s"), so a "
          + "total of \(options.epochs) leaves none to train. Pass a total above \(completed).")
    }
    guard checkpoint.inputShape == dataset.train.shape else {
      throw reject(
        "The checkpoint's input shape \(checkpoint.inputShape) differs from the data's "
          + "\(dataset.train.shape).")
    }
    guard checkpoint.classNames == dataset.classNames else {
      throw reject(
        "The checkpoint's classes \(checkpoint.classNames) differ from the data's "
          + "\(dataset.classNames).")
    }
    return try Network(checkpoint: checkpoint, batchSize: options.batchSize)
  }
}
