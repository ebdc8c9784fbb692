import Foundation
import LeptonEngine
import LeptonRender

/// Prints training progress as plain text: a progress line every few seconds,
/// a table row per epoch and, at the end, the full report.
final class HeadlessPrinter: TrainingObserver, @unchecked Sendable {
  private let lock = NSLock()
  private let interval: TimeInterval
  private var lastLine = Date.distantPast
  /// The same reducer as the dashboard's, for the ETA and the last epoch's report.
  private var state = DashboardState()
  private var printedHeader = false
  private let control: TrainingControl
  private var closed = false
  /// Text put before every line, so the lines of runs trained side by side can be told apart.
  private let linePrefix: String

  /// Creates a printer that requests a stop through `control` when standard output is
  /// closed, as when the output is piped into `head`. The run is then logged as
  /// interrupted instead of being killed by SIGPIPE.
  init(control: TrainingControl, interval: TimeInterval = 2, linePrefix: String = "") {
    self.control = control
    self.interval = interval
    self.linePrefix = linePrefix
  }

  /// True once a write failed because standard output was closed.
  var outputClosed: Bool {
    lock.lock()
    defer { lock.unlock() }
    return closed
  }

  func trainer(didEmit event: TrainingEvent) {
    lock.lock()
    defer { lock.unlock() }
    if case .evaluated = event {
      // Scores are only needed for the dashboard's ROC panel.
      return
    }
    state.apply(event)
    switch event {
    case .runStarted(let config):
      output(Self.startLine(config))
    case .runResumed(let resumption):
      output(
        "Resuming after epoch \(resumption.resumedFromEpoch): "
          + Self.startLine(resumption.config))
    case .batchEnded(let progress):
      let now = Date()
      guard now.timeIntervalSince(lastLine) >= interval || progress.step == progress.stepsPerEpoch
      else { return }
      lastLine = now
      if let line = HeadlessText.progressLine(state: state) { output(line) }
    case .evaluated:
      break
    case .epochEnded(let summary):
      if !printedHeader {
        output(HeadlessText.epochTableHeader(includingValidation: summary.validation != nil))
        printedHeader = true
      }
      output(HeadlessText.epochTableRow(summary))
    case .runFinished(let summary):
      printFinalReport()
      output(TrainCommand.endLine(for: .success(summary)))
    case .runFailed(let failure):
      printFinalReport()
      output(TrainCommand.endLine(for: .failure(failure)))
    }
  }

  /// Returns the first line of a run: the model, the image counts, the epochs and,
  /// when on, the augmentation.
  static func startLine(_ config: RunConfig) -> String {
    let validation =
      config.validationCount > 0 ? ", \(config.validationCount) validation" : ""
    let augmentation =
      config.augmentation == "none" ? "" : ", augmentation \(config.augmentation)"
    return
      "Training \(config.model) (\(ModelsCommand.grouped(config.parameterCount)) parameters) "
      + "on \(config.dataset): "
      + "\(config.trainCount) training\(validation) and \(config.testCount) test images, "
      + "\(config.epochs) \(config.epochs == 1 ? "epoch" : "epochs") of "
      + "\(config.stepsPerEpoch) steps\(augmentation), "
      + "run \(config.runID)"
  }

  private func printFinalReport() {
    guard let report = state.epochs.last?.test, let config = state.config else { return }
    output("")
    output(HeadlessText.finalReport(report, classNames: config.classNames))
  }

  private func output(_ text: String) {
    guard !closed else { return }
    let lines =
      linePrefix.isEmpty
      ? text
      : text.split(separator: "\n", omittingEmptySubsequences: false).map {
        linePrefix + $0
      }.joined(separator: "\n")
    do {
      // One write per call, so lines of runs printed side by side do not mix.
      try FileHandle.standardOutput.write(contentsOf: Data((lines + "\n").utf8))
    } catch {
      closed = true
      control.requestStop(reason: "stopped because standard output was closed")
    }
  }
}
