import Foundation
import LeptonEngine

/// Turns event-log bytes that arrive in pieces, from a file another program appends to or
/// from standard input, into training events.
///
/// A line is decoded once its newline arrives. Malformed lines are counted in
/// `skippedLines` and lines of a newer schema in `newerSchemaLines`, and both are skipped.
/// `evaluated` records load their scores from `directory`; without one, or when the files
/// cannot be read, they are skipped too.
///
/// Unlike `RunLogReader`, which rejects a whole stored log with a newer line, a follower
/// has already shown the lines before it, so it skips the newer lines and reports them.
public struct EventStreamParser {
  public let directory: RunDirectory?
  /// Lines that were not valid event records.
  public private(set) var skippedLines = 0
  /// `evaluated` records whose scores could not be loaded.
  public private(set) var skippedEvaluations = 0
  /// Lines of a schema newer than `EventRecord.schemaVersion`.
  public private(set) var newerSchemaLines = 0
  /// The newest schema version among `newerSchemaLines`, or nil when there were none.
  public private(set) var newestSchema: Int?
  private var pending = Data()
  private let decoder = EventCoding.makeDecoder()

  public init(directory: RunDirectory?) {
    self.directory = directory
  }

  /// Adds bytes and returns the events of every line they complete.
  public mutating func feed(_ data: Data) -> [TrainingEvent] {
    pending.append(data)
    guard let lastNewline = pending.lastIndex(of: 0x0A) else { return [] }
    let complete = pending[pending.startIndex..<lastNewline]
    pending = Data(pending[(lastNewline + 1)...])
    var events: [TrainingEvent] = []
    for line in complete.split(separator: 0x0A) where !line.isEmpty {
      // A newer schema may change fields that this version decodes, so its version is
      // read on its own first.
      if let version = try? decoder.decode(SchemaVersion.self, from: Data(line)).schema,
        version > EventRecord.schemaVersion
      {
        newerSchemaLines += 1
        newestSchema = max(newestSchema ?? version, version)
        continue
      }
      guard let record = try? decoder.decode(EventRecord.self, from: Data(line)) else {
        skippedLines += 1
        continue
      }
      if let event = event(from: record) { events.append(event) }
    }
    return events
  }

  /// Decodes what is left without a final newline, as at the end of the input.
  public mutating func finish() -> [TrainingEvent] {
    guard !pending.isEmpty else { return [] }
    return feed(Data([0x0A]))
  }

  private mutating func event(from record: EventRecord) -> TrainingEvent? {
    if let config = record.config, record.type == "runStarted" { return .runStarted(config) }
    if let config = record.config, let resumedFrom = record.resumedFrom,
      record.type == "runResumed"
    {
      return .runResumed(RunResumption(config: config, resumedFromEpoch: resumedFrom))
    }
    if let batch = record.batch { return .batchEnded(batch) }
    if let reference = record.evaluation {
      guard let directory,
        let evaluation = try? RunLogReader.loadEvaluation(reference, in: directory)
      else {
        skippedEvaluations += 1
        return nil
      }
      return .evaluated(evaluation)
    }
    if let epoch = record.epoch { return .epochEnded(epoch) }
    if let summary = record.summary { return .runFinished(summary) }
    if let failure = record.failure { return .runFailed(failure) }
    skippedLines += 1
    return nil
  }
}

/// The `schema` field of an event line, decoded without the rest.
private struct SchemaVersion: Decodable {
  var schema: Int
}
