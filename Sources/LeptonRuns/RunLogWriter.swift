import Foundation
import LeptonEngine

/// Writes a run's `run.json`, `events.jsonl` and score files as events arrive.
///
/// Lines are buffered and written out every `flushInterval` lines and at every
/// epoch end, run end and failure, so a killed run keeps each completed epoch.
/// A write failure is kept in `firstError` rather than thrown, because the
/// trainer's thread cannot handle it; the caller reports it when the run ends.
public final class RunLogWriter: TrainingObserver, @unchecked Sendable {
  public let directory: RunDirectory
  private let lock = NSLock()
  private let encoder = EventCoding.makeEncoder()
  private let handle: FileHandle
  private var pending = Data()
  private var pendingLines = 0
  private var config: RunConfig?
  private var labelsWritten: Set<String> = []
  private var error: RunError?
  let flushInterval = 200

  /// Creates `events.jsonl`, or with `appending` opens the existing log to add lines after
  /// its last one. A log that ends inside a line, as a killed run can leave it, first gets
  /// a newline, so that the partial line stays one malformed line that readers skip.
  public init(directory: RunDirectory, appending: Bool = false) throws {
    self.directory = directory
    let path = directory.eventsPath
    let manager = FileManager.default
    if !appending || !manager.fileExists(atPath: path) {
      guard manager.createFile(atPath: path, contents: nil) else {
        throw RunError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
      }
    }
    guard let handle = FileHandle(forUpdatingAtPath: path) else {
      throw RunError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
    }
    self.handle = handle
    do {
      let end = try handle.seekToEnd()
      if end > 0 {
        try handle.seek(toOffset: end - 1)
        let last = try handle.read(upToCount: 1)
        try handle.seekToEnd()
        if last != Data([0x0A]) { try handle.write(contentsOf: Data([0x0A])) }
      }
    } catch {
      throw RunError.cannotWrite(path: path, reason: error.localizedDescription)
    }
  }

  deinit {
    try? handle.close()
  }

  /// The first write error, if any happened.
  public var firstError: RunError? {
    lock.lock()
    defer { lock.unlock() }
    return error
  }

  public func trainer(didEmit event: TrainingEvent) {
    lock.lock()
    defer { lock.unlock() }
    var record = EventRecord(type: "", time: Date().timeIntervalSince1970)
    var flushNow = false
    switch event {
    case .runStarted(let config):
      record.type = "runStarted"
      record.config = config
      self.config = config
      writeStatus(
        RunStatus(
          config: config, status: "running", completedEpochs: 0,
          processID: ProcessInfo.processInfo.processIdentifier))
      flushNow = true
    case .runResumed(let resumption):
      record.type = "runResumed"
      record.config = resumption.config
      record.resumedFrom = resumption.resumedFromEpoch
      self.config = resumption.config
      writeStatus(
        RunStatus(
          config: resumption.config, status: "running",
          completedEpochs: resumption.resumedFromEpoch,
          processID: ProcessInfo.processInfo.processIdentifier))
      flushNow = true
    case .batchEnded(let progress):
      record.type = "batchEnded"
      record.batch = progress
    case .evaluated(let evaluation):
      record.type = "evaluated"
      record.evaluation = writeScores(evaluation)
    case .epochEnded(let summary):
      record.type = "epochEnded"
      record.epoch = summary
      flushNow = true
    case .runFinished(let summary):
      record.type = "runFinished"
      record.summary = summary
      if let config {
        writeStatus(
          RunStatus(config: config, status: "finished", completedEpochs: summary.completedEpochs))
      }
      flushNow = true
    case .runFailed(let failure):
      record.type = "runFailed"
      record.failure = failure
      if let config {
        let status = failure.kind == .interrupted ? "interrupted" : "failed"
        writeStatus(
          RunStatus(config: config, status: status, completedEpochs: failure.completedEpochs))
      }
      flushNow = true
    }
    append(record)
    if flushNow || pendingLines >= flushInterval { flush() }
    // run.json follows each logged epoch, so scripts that read only it see the progress.
    if case .epochEnded(let summary) = event, let config {
      writeStatus(
        RunStatus(
          config: config, status: "running", completedEpochs: summary.epoch,
          processID: ProcessInfo.processInfo.processIdentifier))
    }
  }

  /// Writes any buffered lines to the file now.
  public func flushNow() {
    lock.lock()
    flush()
    lock.unlock()
  }

  private func append(_ record: EventRecord) {
    do {
      pending.append(try encoder.encode(record))
      pending.append(0x0A)
      pendingLines += 1
    } catch {
      remember(.cannotWrite(path: directory.eventsPath, reason: "encoding failed: \(error)"))
    }
  }

  private func flush() {
    guard !pending.isEmpty else { return }
    do {
      try handle.write(contentsOf: pending)
    } catch {
      remember(.cannotWrite(path: directory.eventsPath, reason: error.localizedDescription))
    }
    pending.removeAll(keepingCapacity: true)
    pendingLines = 0
  }

  private func writeScores(_ evaluation: Evaluation) -> EvaluationReference {
    let scoresName = EventCoding.scoresFileName(split: evaluation.split, epoch: evaluation.epoch)
    let labelsName = EventCoding.labelsFileName(split: evaluation.split)
    let scores = NumpyFile.encode(
      float32: evaluation.scores, shape: [evaluation.sampleCount, evaluation.classCount])
    writeAtomically(scores, to: directory.file(scoresName))
    if !labelsWritten.contains(labelsName) {
      let labels = NumpyFile.encode(
        int64: evaluation.labels.map { Int64($0) }, shape: [evaluation.sampleCount])
      writeAtomically(labels, to: directory.file(labelsName))
      labelsWritten.insert(labelsName)
    }
    return EvaluationReference(
      epoch: evaluation.epoch, split: evaluation.split, sampleCount: evaluation.sampleCount,
      classCount: evaluation.classCount, scoresFile: scoresName, labelsFile: labelsName)
  }

  private func writeStatus(_ status: RunStatus) {
    let encoder = EventCoding.makeEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    do {
      writeAtomically(try encoder.encode(status), to: directory.configPath)
    } catch {
      remember(.cannotWrite(path: directory.configPath, reason: "encoding failed: \(error)"))
    }
  }

  /// Writes to a temporary file and renames it, so readers never see half a file.
  private func writeAtomically(_ data: Data, to path: String) {
    do {
      try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      remember(.cannotWrite(path: path, reason: error.localizedDescription))
    }
  }

  private func remember(_ newError: RunError) {
    if error == nil { error = newError }
  }
}

/// The contents of `run.json`: the configuration and how far the run got.
public struct RunStatus: Codable, Sendable, Equatable {
  public var config: RunConfig
  /// `running`, `finished`, `interrupted` or `failed`.
  public var status: String
  public var completedEpochs: Int
  /// The training process while the run is `running`, nil in logs that predate it.
  public var processID: Int32?

  public init(config: RunConfig, status: String, completedEpochs: Int, processID: Int32? = nil) {
    self.config = config
    self.status = status
    self.completedEpochs = completedEpochs
    self.processID = processID
  }

  /// The status with a `running` run whose process is gone on this machine, such as one
  /// killed with SIGKILL, reported as `interrupted`.
  ///
  /// NOTE: A process ID can be reused after its process ends, so a run killed long ago can
  /// still read as `running` when another process took its ID.
  public var effectiveStatus: String {
    guard status == "running", let processID, processID > 0 else { return status }
    if kill(processID, 0) == 0 || errno == EPERM { return status }
    return "interrupted"
  }
}
