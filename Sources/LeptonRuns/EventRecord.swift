import Foundation
import LeptonEngine

/// One line of `events.jsonl`. `type` names the payload field that is present.
///
/// Schema version 1. Fields: `schema` (Int), `type` (String), `time` (seconds
/// since 1970, Double), and one of `config`, `batch`, `evaluation`, `epoch`,
/// `summary`, `failure`. A `runResumed` record has `config` and `resumedFrom`.
/// Non-finite numbers are the strings "NaN", "inf", "-inf".
///
/// `runResumed` and `batch.learningRate` were added without a version change, because
/// readers that predate them ignore both.
public struct EventRecord: Codable, Sendable {
  public static let schemaVersion = 1

  public var schema: Int
  public var type: String
  public var time: Double
  public var config: RunConfig?
  public var batch: BatchProgress?
  public var evaluation: EvaluationReference?
  public var epoch: EpochSummary?
  public var summary: RunSummary?
  public var failure: RunFailure?
  /// Epochs in the checkpoint that the run of a `runResumed` record continued from.
  public var resumedFrom: Int?

  public init(type: String, time: Double) {
    self.schema = Self.schemaVersion
    self.type = type
    self.time = time
  }
}

/// An `evaluated` event as logged: the scores live in `.npy` files beside the log.
public struct EvaluationReference: Codable, Sendable, Equatable {
  public var epoch: Int
  public var split: String
  public var sampleCount: Int
  public var classCount: Int
  /// File name of the float32 `[sampleCount, classCount]` probabilities.
  public var scoresFile: String
  /// File name of the int64 `[sampleCount]` labels.
  public var labelsFile: String
}

enum EventCoding {
  static func makeEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "NaN")
    return encoder
  }

  static func makeDecoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "NaN")
    return decoder
  }

  static func scoresFileName(split: String, epoch: Int) -> String {
    "scores-\(split)-epoch-\(epoch).npy"
  }

  static func labelsFileName(split: String) -> String {
    "labels-\(split).npy"
  }
}
