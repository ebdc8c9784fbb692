import LeptonRender
import Testing

@testable import LeptonTUI

@Suite struct ComparisonKeyBindingTests {
  @Test(arguments: [
    (InputKey.character("q"), ComparisonCommand.quit),
    (.character("Q"), .quit),
    (.character("?"), .toggleHelp),
    (.character("\t"), .nextTab),
    (.backTab, .previousTab),
    (.character("1"), .selectTab(.curves)),
    (.character("4"), .selectTab(.confusion)),
    (.character("5"), .selectTab(.roc)),
    (.character("m"), .cycleMetric),
    (.character("x"), .toggleAxis),
    (.character("s"), .toggleSmoothing),
    (.character("l"), .toggleLogScale),
    (.character("L"), .toggleLogScale),
    (.character("n"), .toggleNormalization),
    (.character("b"), .cycleComparedRun),
    (.character("]"), .changeClass(1)),
    (.character("["), .changeClass(-1)),
    (.right, .changeClass(1)),
    (.left, .changeClass(-1)),
    (.character("p"), .togglePause),
    (.character("v"), .cycleTheme),
    (.resize, .resize),
  ])
  func keyMapsToCommand(key: InputKey, command: ComparisonCommand) {
    #expect(ComparisonKeyBindings.command(for: key) == command)
  }

  @Test(arguments: [InputKey.character("6"), .character("0"), .character("z"), .up, .pageDown])
  func unboundKeyDoesNothing(key: InputKey) {
    #expect(ComparisonKeyBindings.command(for: key) == nil)
  }

  @Test func commandsChangeScreenState() {
    var state = ComparisonState(runIDs: ["a", "b", "c"])
    state.perform(.selectTab(.roc))
    #expect(state.tab == .roc)
    state.perform(.nextTab)
    #expect(state.tab == .curves)
    state.perform(.previousTab)
    #expect(state.tab == .roc)
    state.perform(.toggleNormalization)
    #expect(state.matrixNormalized)
    state.perform(.cycleComparedRun)
    #expect(state.comparedRun == 2)
    state.perform(.toggleAxis)
    #expect(state.axis == .step)
    state.perform(.toggleHelp)
    #expect(state.helpVisible)
  }

  @Test func commandClearsPreviousMessage() {
    var state = ComparisonState(runIDs: ["a", "b"])
    state.perform(.cycleComparedRun)
    #expect(state.message == "only run B can be compared with A")
    state.perform(.selectTab(.metrics))
    #expect(state.message == nil)
  }

  @Test func pauseTogglesOnlyLiveRuns() {
    var state = ComparisonState(runIDs: ["a", "b"])
    state.perform(.togglePause)
    #expect(!state.paused)
    #expect(state.message == "nothing is training: p pauses runs trained side by side")

    state.live = true
    state.perform(.togglePause)
    #expect(state.paused)
    #expect(state.message == nil)
    state.perform(.togglePause)
    #expect(!state.paused)

    state.stopRequested = true
    state.perform(.togglePause)
    #expect(!state.paused)
  }
}
