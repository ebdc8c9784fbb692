import Dispatch
import Foundation
import LeptonEngine

/// Turns SIGINT, SIGTERM and SIGHUP into a clean stop request while the
/// trainer runs headless, so the log records the run as interrupted.
final class SignalStopper: @unchecked Sendable {
  private var sources: [DispatchSourceSignal] = []
  private let lock = NSLock()
  private var received: Int32?

  /// The first signal received, if any.
  var signal: Int32? {
    lock.lock()
    defer { lock.unlock() }
    return received
  }

  init(control: TrainingControl) {
    let names: [(Int32, String)] = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")]
    for (number, name) in names {
      // The default action would kill the process before the log is flushed.
      Foundation.signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { [weak self] in
        self?.record(number)
        control.requestStop(reason: "interrupted by \(name)")
      }
      source.resume()
      sources.append(source)
    }
  }

  private func record(_ number: Int32) {
    lock.lock()
    if received == nil { received = number }
    lock.unlock()
  }

  /// Restores the default signal actions.
  func cancel() {
    for source in sources { source.cancel() }
    for number in [SIGINT, SIGTERM, SIGHUP] { Foundation.signal(number, SIG_DFL) }
  }
}
