import Foundation
import LeptonEngine

/// A run read back from disk.
public struct StoredRun: Sendable {
  public var directory: RunDirectory
  public var status: RunStatus?
  public var records: [EventRecord]
  /// Lines that could not be decoded and were skipped, with the reason for each.
  public var skippedLines: [(line: Int, reason: String)]

  /// The configuration of the latest run segment: the last `runResumed` record's, else the
  /// `runStarted` record's, else the one in `run.json`.
  public var config: RunConfig? {
    records.last { $0.type == "runStarted" || $0.type == "runResumed" }?.config
      ?? status?.config
  }

  public var epochs: [EpochSummary] { records.compactMap(\.epoch) }
}

/// Reads `events.jsonl` and `run.json` of a run directory.
public enum RunLogReader {
  /// Reads every decodable line. A malformed line, such as the truncated last
  /// line of a killed run, is skipped and listed in `skippedLines`.
  ///
  /// - Throws: `RunError.newerSchema` for a line of a newer schema, and
  ///   `RunError.missingRunStart` when the log has lines but no `runStarted` record.
  public static func read(directory path: String) throws -> StoredRun {
    let directory = RunDirectory(path: path)
    guard FileManager.default.fileExists(atPath: directory.eventsPath) else {
      throw RunError.runNotFound(path: path)
    }
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: directory.eventsPath))
    } catch {
      throw RunError.runNotFound(path: path)
    }
    let (records, skipped) = try decodeEvents(data, eventsPath: directory.eventsPath)

    // A log that has lines but no start, such as one of only malformed lines, is not a
    // run. An empty log is a run whose trainer has not written its first line yet.
    let hasRunStart = records.contains { $0.type == "runStarted" || $0.type == "runResumed" }
    if !hasRunStart && !(records.isEmpty && skipped.isEmpty) {
      throw RunError.missingRunStart(path: directory.eventsPath, malformedLines: skipped.count)
    }

    var status: RunStatus?
    if let statusData = try? Data(contentsOf: URL(fileURLWithPath: directory.configPath)) {
      status = try? EventCoding.makeDecoder().decode(RunStatus.self, from: statusData)
    }
    return StoredRun(directory: directory, status: status, records: records, skippedLines: skipped)
  }

  /// Decodes the lines of an `events.jsonl` file, skipping malformed lines.
  /// `eventsPath` only names the file in errors.
  ///
  /// - Throws: `RunError.newerSchema` for a record of a schema newer than this reader's.
  static func decodeEvents(_ data: Data, eventsPath: String) throws -> (
    records: [EventRecord], skipped: [(line: Int, reason: String)]
  ) {
    let decoder = EventCoding.makeDecoder()
    var records: [EventRecord] = []
    var skipped: [(line: Int, reason: String)] = []
    var lineNumber = 0
    for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
      lineNumber += 1
      if line.isEmpty { continue }
      do {
        let record = try decoder.decode(EventRecord.self, from: Data(line))
        if record.schema > EventRecord.schemaVersion {
          throw RunError.newerSchema(
            path: eventsPath, version: record.schema, supported: EventRecord.schemaVersion)
        }
        if record.type == "runResumed", let resumedFrom = record.resumedFrom {
          dropSuperseded(from: &records, after: resumedFrom)
        }
        records.append(record)
      } catch let error as RunError {
        throw error
      } catch {
        skipped.append((lineNumber, "not a valid event record"))
      }
    }
    return (records, skipped)
  }

  /// Removes what a resume from `epoch` completed epochs replaces: the earlier segment's
  /// end record and the steps, evaluations and epochs after `epoch`, which the resumed
  /// run trains again. Each epoch is then listed once, from the segment that last
  /// trained it.
  static func dropSuperseded(from records: inout [EventRecord], after epoch: Int) {
    records.removeAll { record in
      if record.summary != nil || record.failure != nil { return true }
      let recordEpoch = record.batch?.epoch ?? record.evaluation?.epoch ?? record.epoch?.epoch
      return (recordEpoch ?? 0) > epoch
    }
  }

  /// Returns the run's `run.json`, or nil when it is missing or unreadable.
  public static func readStatus(directory: RunDirectory) -> RunStatus? {
    guard let data = try? Data(contentsOf: URL(fileURLWithPath: directory.configPath)) else {
      return nil
    }
    return try? EventCoding.makeDecoder().decode(RunStatus.self, from: data)
  }

  /// Loads the labels and scores an `evaluated` record points to.
  public static func loadEvaluation(_ reference: EvaluationReference, in directory: RunDirectory)
    throws -> Evaluation
  {
    let scoresPath = directory.file(reference.scoresFile)
    let labelsPath = directory.file(reference.labelsFile)
    let scores = try NumpyFile.decode(try readFile(scoresPath), path: scoresPath)
    let labels = try NumpyFile.decode(try readFile(labelsPath), path: labelsPath)
    guard let scoreValues = scores.float32Values,
      scores.shape == [reference.sampleCount, reference.classCount]
    else {
      throw RunError.invalidNumpy(
        path: scoresPath,
        reason: "expected float32 [\(reference.sampleCount), \(reference.classCount)]")
    }
    guard let labelValues = labels.int64Values, labels.shape == [reference.sampleCount] else {
      throw RunError.invalidNumpy(
        path: labelsPath, reason: "expected int64 [\(reference.sampleCount)]")
    }
    return Evaluation(
      epoch: reference.epoch, split: reference.split, classCount: reference.classCount,
      labels: labelValues.map { Int32(truncatingIfNeeded: $0) }, scores: scoreValues)
  }

  /// Reads a score or label file, naming a missing one plainly instead of with
  /// Foundation's error text.
  private static func readFile(_ path: String) throws -> Data {
    guard FileManager.default.fileExists(atPath: path) else {
      throw RunError.invalidNumpy(path: path, reason: "the file is missing")
    }
    return try Data(contentsOf: URL(fileURLWithPath: path))
  }
}
