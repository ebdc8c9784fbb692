import Foundation
import LeptonEngine
import Testing

@testable import LeptonRuns

@Suite("Run log resume")
struct RunLogResumeTests {
  func batch(epoch: Int, step: Int) -> TrainingEvent {
    .batchEnded(
      BatchProgress(
        epoch: epoch, step: step, stepsPerEpoch: 2, globalStep: (epoch - 1) * 2 + step,
        loss: 0.5, accuracy: 0.5, imagesPerSecond: 10, learningRate: 0.01))
  }

  @Test func appendingEndsTruncatedLineFirst() throws {
    let root = RunsRoot()
    defer { root.remove() }
    let directory = try RunDirectory.create(root: root.path, model: "fmnist-cnn")
    let events = try sampleEvents(runID: directory.id)
    let first = try RunLogWriter(directory: directory)
    for event in events.prefix(2) { first.trainer(didEmit: event) }
    first.flushNow()
    // A killed process can leave half a line behind.
    let handle = try #require(FileHandle(forWritingAtPath: directory.eventsPath))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("{\"schema\":1,\"ty".utf8))
    try handle.close()
    let before = try Data(contentsOf: URL(fileURLWithPath: directory.eventsPath))

    let resumed = try RunLogWriter(directory: directory, appending: true)
    resumed.trainer(
      didEmit: .runResumed(
        RunResumption(config: sampleConfig(runID: directory.id), resumedFromEpoch: 0)))
    resumed.trainer(didEmit: batch(epoch: 1, step: 1))
    resumed.flushNow()
    #expect(resumed.firstError == nil)

    let after = try Data(contentsOf: URL(fileURLWithPath: directory.eventsPath))
    #expect(after.prefix(before.count) == before)
    #expect(after[before.count] == 0x0A)
    let run = try RunLogReader.read(directory: directory.path)
    #expect(run.skippedLines.count == 1)
    #expect(run.skippedLines.first?.line == 3)
    #expect(run.records.map(\.type) == ["runStarted", "runResumed", "batchEnded"])
    #expect(run.records.last?.batch?.learningRate == 0.01)
    #expect(run.status?.status == "running")
    #expect(run.status?.processID == ProcessInfo.processInfo.processIdentifier)
  }

  @Test func appendingToMissingLogCreatesIt() throws {
    let root = RunsRoot()
    defer { root.remove() }
    let directory = try RunDirectory.create(root: root.path, model: "fmnist-cnn")
    let writer = try RunLogWriter(directory: directory, appending: true)
    writer.trainer(didEmit: batch(epoch: 1, step: 1))
    writer.flushNow()
    let text = try String(contentsOfFile: directory.eventsPath, encoding: .utf8)
    #expect(text.hasPrefix("{"))
    #expect(text.hasSuffix("}\n"))
  }

  @Test func readerListsEachEpochOnce() throws {
    let root = RunsRoot()
    defer { root.remove() }
    let directory = try RunDirectory.create(root: root.path, model: "fmnist-cnn")
    let events = try sampleEvents(runID: directory.id)
    guard case .epochEnded(let epochOne) = events[3], case .runFinished(let summary) = events[4]
    else {
      Issue.record("sampleEvents changed order: \(events)")
      return
    }
    var epochTwo = epochOne
    epochTwo.epoch = 2
    var retrainedTwo = epochOne
    retrainedTwo.epoch = 2
    retrainedTwo.trainLoss = 0.25
    var config = sampleConfig(runID: directory.id)
    config.epochs = 3

    let writer = try RunLogWriter(directory: directory)
    let written: [TrainingEvent] = [
      .runStarted(sampleConfig(runID: directory.id)), batch(epoch: 1, step: 1),
      .epochEnded(epochOne), batch(epoch: 2, step: 1), .epochEnded(epochTwo),
      .runFailed(
        RunFailure(
          kind: .interrupted, message: "stopped", epoch: 3, step: 1, completedEpochs: 2)),
      // The checkpoint had epoch 1 only, so epoch 2 is trained again.
      .runResumed(RunResumption(config: config, resumedFromEpoch: 1)),
      batch(epoch: 2, step: 1), .epochEnded(retrainedTwo), batch(epoch: 3, step: 1),
      .runFinished(summary),
    ]
    for event in written { writer.trainer(didEmit: event) }
    writer.flushNow()

    let run = try RunLogReader.read(directory: directory.path)
    #expect(run.epochs.map(\.epoch) == [1, 2])
    #expect(run.epochs.last?.trainLoss == 0.25)
    #expect(run.records.compactMap(\.batch).map(\.globalStep) == [1, 3, 5])
    #expect(run.records.compactMap(\.failure).isEmpty)
    #expect(run.records.last?.type == "runFinished")
    #expect(run.config?.epochs == 3)
    #expect(run.status?.status == "finished")

    // The stream parser of `lepton watch` returns the resume as its own event.
    var parser = EventStreamParser(directory: directory)
    let streamed = parser.feed(try Data(contentsOf: URL(fileURLWithPath: directory.eventsPath)))
    let resumptions = streamed.compactMap { event -> RunResumption? in
      if case .runResumed(let resumption) = event { return resumption }
      return nil
    }
    #expect(resumptions == [RunResumption(config: config, resumedFromEpoch: 1)])
    #expect(parser.skippedLines == 0)
  }
}
