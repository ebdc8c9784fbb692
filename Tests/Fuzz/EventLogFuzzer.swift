import Foundation
import LeptonEngine

@testable import LeptonRuns

/// A run directory with one valid evaluation, so that `evaluated` records in the input
/// can load real scores: `labels-test.npy` (int64, shape [2]) and
/// `scores-test-epoch-1.npy` (float32, shape [2, 3]).
let runDirectory: RunDirectory = {
  let directory = RunDirectory(path: scratchDirectory)
  let labels = NumpyFile.encode(int64: [0, 2], shape: [2])
  let scores = NumpyFile.encode(float32: [0.5, 0.25, 0.25, 0.1, 0.2, 0.7], shape: [2, 3])
  for (name, contents) in [("labels-test.npy", labels), ("scores-test-epoch-1.npy", scores)] {
    let path = directory.file(name)
    fuzzCheck(
      FileManager.default.createFile(atPath: path, contents: contents), "cannot write \(path)")
  }
  return directory
}()

/// Fuzzes the readers of `events.jsonl`: the whole-file reader of `lepton show` and
/// `lepton runs`, and the incremental parser of `lepton watch`.
///
/// The first byte sets the size of the pieces that the incremental parser is fed (1 to
/// 256 bytes), so lines and UTF-8 sequences are cut at varying places. The rest is the
/// log. Each non-empty line must end up as exactly one event, one skipped line or one
/// newer-schema line, and the whole-file reader must agree on which lines are records.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEventLog(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  guard size >= 1 else { return 0 }
  let pieceSize = Int(data[0]) + 1
  let log = Data(UnsafeBufferPointer(start: data + 1, count: size - 1))
  let lineCount = log.split(separator: 0x0A).count

  var parser = EventStreamParser(directory: runDirectory)
  var events: [TrainingEvent] = []
  var start = log.startIndex
  while start < log.endIndex {
    let end = min(start + pieceSize, log.endIndex)
    events += parser.feed(log[start..<end])
    start = end
  }
  events += parser.finish()
  fuzzCheck(
    events.count + parser.skippedLines + parser.skippedEvaluations + parser.newerSchemaLines
      == lineCount,
    "\(events.count) events, \(parser.skippedLines) skipped lines, "
      + "\(parser.skippedEvaluations) skipped evaluations and \(parser.newerSchemaLines) "
      + "newer-schema lines for \(lineCount) lines")
  fuzzCheck(parser.finish().isEmpty, "a second finish() returned events")

  do {
    let (records, skipped) = try RunLogReader.decodeEvents(log, eventsPath: "events.jsonl")
    fuzzCheck(
      records.count + skipped.count == lineCount,
      "\(records.count) records and \(skipped.count) skipped lines for \(lineCount) lines")
    fuzzCheck(
      records.count >= events.count,
      "\(records.count) records but \(events.count) streamed events")
    let lineNumbers = skipped.map(\.line)
    fuzzCheck(lineNumbers == lineNumbers.sorted(), "skipped lines out of order: \(lineNumbers)")
  } catch let error as RunError {
    guard case .newerSchema = error else {
      fuzzCheck(false, "decodeEvents threw \(error)")
      return 0
    }
  } catch {
    fuzzCheck(false, "decodeEvents threw \(type(of: error)), not RunError: \(error)")
  }

  // run.json uses the same decoder, so the input doubles as a status file.
  _ = try? EventCoding.makeDecoder().decode(RunStatus.self, from: log)
  return 0
}
