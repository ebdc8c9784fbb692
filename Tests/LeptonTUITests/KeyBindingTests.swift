import LeptonEngine
import Testing

@testable import LeptonTUI

@Suite struct KeyBindingTests {
  @Test(arguments: [
    (InputKey.character("q"), DashboardCommand.quit),
    (.character("Q"), .quit),
    (.character("p"), .togglePause),
    (.character("P"), .togglePause),
    (.character("?"), .toggleHelp),
    (.character("\t"), .focusNext),
    (.backTab, .focusPrevious),
    (.character("n"), .toggleNormalization),
    (.character("s"), .toggleSmoothing),
    (.character("c"), .togglePerClass),
    (.character("C"), .togglePerClass),
    (.character("t"), .toggleExplorer),
    (.character("v"), .cycleTheme),
    (.right, .moveThreshold(0.01)),
    (.up, .moveThreshold(0.01)),
    (.left, .moveThreshold(-0.01)),
    (.down, .moveThreshold(-0.01)),
    (.shiftRight, .moveThreshold(0.001)),
    (.shiftLeft, .moveThreshold(-0.001)),
    (.character("K"), .moveThreshold(0.001)),
    (.character("J"), .moveThreshold(-0.001)),
    (.pageUp, .jumpToScore(1)),
    (.pageDown, .jumpToScore(-1)),
    (.character("]"), .changeExplorerClass(1)),
    (.character("["), .changeExplorerClass(-1)),
    (.character("f"), .thresholdAtMaximumF1),
    (.character("y"), .thresholdAtMaximumYoudenJ),
    (.character("a"), .toggleSelective),
    (.character("="), .startPrompt),
    (.resize, .resize),
  ])
  func boundKey(key: InputKey, command: DashboardCommand) {
    #expect(KeyBindings.command(for: key) == command)
  }

  @Test(arguments: [
    InputKey.character("x"), .character(" "), .character("\u{1B}"), .other(265),
  ])
  func unboundKey(key: InputKey) {
    #expect(KeyBindings.command(for: key) == nil)
  }

  @Test func summaryListsEveryLetterKey() {
    let keys = KeyBindings.summary.map(\.keys).joined(separator: " ")
    for letter in ["q", "p", "?", "Tab", "n", "s", "c", "t", "[ ]", "f / y", "a"] {
      #expect(keys.contains(letter), "help does not list \(letter)")
    }
  }
}

@Suite struct HeadlessDecisionTests {
  private let terminal = ["TERM": "xterm-256color"]

  @Test func terminalWithTermUsesDashboard() {
    let decision = TerminalSupport.shouldUseHeadless(
      forceHeadless: false, standardOutputIsTerminal: true, environment: terminal)

    #expect(decision.0 == false)
    #expect(decision.reason == nil)
  }

  @Test func flagForcesHeadless() {
    let decision = TerminalSupport.shouldUseHeadless(
      forceHeadless: true, standardOutputIsTerminal: true, environment: terminal)

    #expect(decision.0 == true)
    #expect(decision.reason == nil)
  }

  @Test func pipedOutputIsHeadless() {
    let decision = TerminalSupport.shouldUseHeadless(
      forceHeadless: false, standardOutputIsTerminal: false, environment: terminal)

    #expect(decision.0 == true)
    #expect(decision.reason == nil)
  }

  @Test(arguments: [[:], ["TERM": ""], ["TERM": "dumb"]])
  func unusableTermIsHeadlessWithReason(environment: [String: String]) {
    let decision = TerminalSupport.shouldUseHeadless(
      forceHeadless: false, standardOutputIsTerminal: true, environment: environment)

    #expect(decision.0 == true)
    #expect(decision.reason?.contains("TERM") == true)
    #expect(decision.reason?.contains("\n") == false)
  }

  @Test func noColorNeedsNonEmptyValue() {
    #expect(Terminal.noColorRequested(["NO_COLOR": "1"]))
    #expect(!Terminal.noColorRequested(["NO_COLOR": ""]))
    #expect(!Terminal.noColorRequested([:]))
  }
}

@Suite struct DashboardObserverTests {
  private func batch(_ step: Int) -> TrainingEvent {
    .batchEnded(
      BatchProgress(
        epoch: 1, step: step, stepsPerEpoch: 10, globalStep: step, loss: 1, accuracy: 0.5,
        imagesPerSecond: 100))
  }

  @Test func drainReturnsEventsInOrder() {
    let observer = DashboardObserver()
    for step in 1...3 {
      observer.trainer(didEmit: batch(step))
    }

    let steps = observer.drain().compactMap { event -> Int? in
      if case .batchEnded(let progress) = event { return progress.step }
      return nil
    }

    #expect(steps == [1, 2, 3])
    #expect(observer.drain().isEmpty)
  }

  @Test func fullQueueDropsOnlyBatchEvents() {
    let observer = DashboardObserver(capacity: 2)
    observer.trainer(didEmit: batch(1))
    observer.trainer(didEmit: batch(2))
    observer.trainer(didEmit: batch(3))
    observer.trainer(
      didEmit: .runFinished(RunSummary(completedEpochs: 1, finalTest: nil, totalSeconds: 1)))

    let events = observer.drain()

    #expect(events.count == 3)
    #expect(observer.droppedBatchEvents == 1)
    if case .runFinished = events.last {
    } else {
      Issue.record("the run end was dropped: \(String(describing: events.last))")
    }
  }

  @Test func concurrentEmittersLoseNothing() async {
    let observer = DashboardObserver()
    await withTaskGroup(of: Void.self) { group in
      for worker in 0..<4 {
        group.addTask {
          for step in 0..<500 {
            observer.trainer(didEmit: self.batch(worker * 1000 + step))
          }
        }
      }
    }

    #expect(observer.drain().count == 2000)
  }
}
