import Glibc
import Synchronization

/// The last termination signal received, or 0. The signal handler only stores into
/// this atomic, which is async-signal-safe once the global is initialised.
/// `SignalMonitor.install` reads it first, so the lazy initialisation never runs
/// inside the handler.
private let pendingSignal = Atomic<Int32>(0)

/// Turns SIGINT, SIGTERM and SIGHUP into a flag that the dashboard loop polls, so the
/// loop can restore the terminal and stop training before the process ends.
///
/// SIGWINCH is left to curses, which turns it into `KEY_RESIZE`.
enum SignalMonitor {
  static let watchedSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

  /// Handlers that were in place before `install`, by signal number.
  typealias SavedHandlers = [Int32: __sighandler_t?]

  /// Installs the flag-setting handler for each watched signal and returns the
  /// previous handlers for `restore`. Call it before `newterm`, so curses finds
  /// the signals handled and does not install its own handlers.
  static func install() -> SavedHandlers {
    _ = pendingSignal.load(ordering: .relaxed)
    let handler: @convention(c) (Int32) -> Void = { signal in
      pendingSignal.store(signal, ordering: .relaxed)
    }
    var saved: SavedHandlers = [:]
    for signalNumber in watchedSignals {
      saved[signalNumber] = signal(signalNumber, handler)
    }
    return saved
  }

  /// Puts back the handlers that `install` replaced.
  static func restore(_ saved: SavedHandlers) {
    for (signalNumber, handler) in saved {
      signal(signalNumber, handler)
    }
  }

  /// Returns and clears the pending signal number, or nil when none arrived.
  static func takePending() -> Int32? {
    let value = pendingSignal.exchange(0, ordering: .relaxed)
    return value == 0 ? nil : value
  }

  /// Returns the conventional name of a signal, such as `SIGINT`.
  static func name(of signalNumber: Int32) -> String {
    switch signalNumber {
    case SIGINT: return "SIGINT"
    case SIGTERM: return "SIGTERM"
    case SIGHUP: return "SIGHUP"
    default: return "signal \(signalNumber)"
    }
  }
}
