import Testing

@Suite(.enabled(if: TmuxSession.isAvailable, "tmux is not installed"))
struct TmuxSessionTests {
  @Test func waitsForCommandOutput() async throws {
    let session = try TmuxSession(width: 40, height: 10, command: "sh -c 'echo ready; sleep 60'")
    defer { session.kill() }

    let screen = try await session.waitFor(text: "ready")

    #expect(screen.split(separator: "\n").first == "ready")
  }

  @Test func paneHasRequestedSize() async throws {
    let session = try TmuxSession(
      width: 37, height: 11, command: "sh -c 'stty size; sleep 60'")
    defer { session.kill() }

    try await session.waitFor(text: "11 37")
  }

  @Test func sendsTypedTextAndKeys() async throws {
    let session = try TmuxSession(
      width: 40, height: 10, command: "sh -c 'echo ready; read line; echo got:$line; sleep 60'")
    defer { session.kill() }
    try await session.waitFor(text: "ready")

    try session.type("hello")
    try session.sendKeys("Enter")

    try await session.waitFor(text: "got:hello")
  }

  @Test func passesEnvironment() async throws {
    let session = try TmuxSession(
      width: 40, height: 10, command: "sh -c 'echo value=$LEPTON_PROBE; sleep 60'",
      environment: ["LEPTON_PROBE": "42"])
    defer { session.kill() }

    try await session.waitFor(text: "value=42")
  }

  @Test func waitTimesOutWithScreen() async throws {
    let session = try TmuxSession(width: 40, height: 10, command: "sh -c 'echo ready; sleep 60'")
    defer { session.kill() }
    try await session.waitFor(text: "ready")

    do {
      try await session.waitFor(text: "never printed", timeout: .milliseconds(300))
      Issue.record("waitFor returned for text that never appeared")
    } catch let failure as TmuxSession.Failure {
      #expect(failure.description.contains("timed out"))
      #expect(failure.description.contains("ready"))
    }
  }

  @Test func resizeChangesPaneSize() async throws {
    let session = try TmuxSession(
      width: 40, height: 10,
      command: "sh -c 'while :; do stty size; sleep 0.2; done'")
    defer { session.kill() }
    // The loop prints the size five times a second, so older lines scroll away.
    try await session.waitFor(text: "10 40")

    try session.resize(width: 50, height: 12)

    try await session.waitFor(text: "12 50")
  }
}
