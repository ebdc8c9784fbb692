import Foundation

/// Requests from the front end to a running trainer: pause, resume and stop.
/// Safe to call from any thread; the trainer checks it between steps.
public final class TrainingControl: @unchecked Sendable {
  private let condition = NSCondition()
  private var paused = false
  private var stopReason: String?

  public init() {}

  public var isPaused: Bool {
    condition.lock()
    defer { condition.unlock() }
    return paused
  }

  /// The reason given to `requestStop`, or nil while the run may continue.
  public var stopRequest: String? {
    condition.lock()
    defer { condition.unlock() }
    return stopReason
  }

  public func setPaused(_ value: Bool) {
    condition.lock()
    paused = value
    condition.broadcast()
    condition.unlock()
  }

  public func togglePause() {
    condition.lock()
    paused.toggle()
    condition.broadcast()
    condition.unlock()
  }

  /// Asks the trainer to stop after the current step. The first reason wins.
  public func requestStop(reason: String) {
    condition.lock()
    if stopReason == nil { stopReason = reason }
    condition.broadcast()
    condition.unlock()
  }

  /// Blocks while paused. Returns the stop reason, if a stop was requested, and the
  /// seconds spent waiting, so timings can leave the pause out.
  public func waitWhilePaused() -> (stopReason: String?, pausedSeconds: Double) {
    condition.lock()
    defer { condition.unlock() }
    guard paused && stopReason == nil else { return (stopReason, 0) }
    let start = Date()
    while paused && stopReason == nil { condition.wait() }
    return (stopReason, Date().timeIntervalSince(start))
  }
}
