extension Trainer {
  /// Writes the checkpoint of `network` after `epoch` to `path`.
  ///
  /// - Throws: A `RunFailure` of kind `saveFailed` that names the path and keeps `epoch` as
  ///   completed, because the epoch's metrics are already reported.
  func saveCheckpoint(
    network: Network, normalization: Normalization, epoch: Int, path: String
  ) throws {
    do {
      let checkpoint = try network.checkpoint(
        classNames: dataset.classNames, normalization: normalization, epoch: epoch,
        runID: runID)
      try checkpoint.write(to: path)
    } catch {
      throw RunFailure(
        kind: .saveFailed, message: "Saving the checkpoint after epoch \(epoch) failed: \(error)",
        epoch: epoch, step: nil, completedEpochs: epoch)
    }
  }
}
