import Foundation

/// The state of a network after a completed epoch, enough to evaluate it and to continue
/// training it step for step as the original network would.
///
/// `Network.checkpoint(classNames:normalization:epoch:runID:)` takes one and
/// `Network(checkpoint:batchSize:)` restores it. `write(to:)` and `read(from:)` store it
/// in the `model.ckpt` format that `CheckpointFormat` describes.
public struct Checkpoint: Sendable, Equatable {
  /// The preset name or specification string that the model was built from.
  public var model: String
  /// The layers as a specification string, which rebuilds the model without the presets.
  public var specification: String
  /// Image shape `[channels, height, width]`.
  public var inputShape: [Int]
  /// One name per class, in label order.
  public var classNames: [String]
  /// The normalisation of the training images, which evaluation applies too.
  public var normalization: Normalization
  /// Number of epochs completed when the checkpoint was taken.
  public var epoch: Int
  /// Id of the run that trained the network, the name of its run directory.
  public var runID: String
  /// The optimiser and its hyperparameters, including the learning rate of the last step.
  public var optimizer: OptimizerConfiguration
  /// Optimiser steps since its state was last reset, which Adam's bias correction uses.
  public var optimizerStepCount: Int
  /// The four state words of the generator that draws dropout masks.
  var dropoutRandomState: [UInt64]
  /// Parameters `[parameterCount]` in the order of the model's layers.
  public var parameters: [Float]
  /// Running means and variances of the batch normalisations.
  public var runningStatistics: [Float]
  /// SGD's momentum buffer or Adam's first moment `[parameterCount]`.
  public var firstMoment: [Float]
  /// Adam's second moment `[parameterCount]`, all zero for SGD.
  public var secondMoment: [Float]

  public var classCount: Int { classNames.count }

  /// Writes the checkpoint to `path` atomically, so that a crash or a failed write leaves
  /// either the previous file or the whole new one, never part of it.
  ///
  /// - Throws: `CheckpointError.writeFailed` naming the path and the failed step.
  public func write(to path: String) throws {
    let data: Data
    do {
      data = try CheckpointFormat.encode(self)
    } catch {
      throw CheckpointError.writeFailed(path: path, reason: "encoding the header failed: \(error)")
    }
    do {
      try AtomicFile.replace(path, with: data)
    } catch let error as AtomicWriteError {
      throw CheckpointError.writeFailed(path: path, reason: error.reason)
    }
  }

  /// Reads and validates a checkpoint file.
  ///
  /// - Throws: `CheckpointError` naming the file and the fault: not found or unreadable,
  ///   not a checkpoint, a newer format version, truncated, a CRC-32 mismatch, an invalid
  ///   header, or vector lengths that do not fit the model the header describes.
  public static func read(from path: String) throws -> Checkpoint {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw CheckpointError.fileNotFound(path: path)
    }
    guard !isDirectory.boolValue else {
      throw CheckpointError.unreadable(path: path, reason: "it is a directory")
    }
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw CheckpointError.unreadable(path: path, reason: error.localizedDescription)
    }
    return try CheckpointFormat.decode(data, path: path)
  }
}
