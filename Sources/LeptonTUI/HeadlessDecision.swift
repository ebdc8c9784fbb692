import Foundation
import Glibc

/// Checks that decide between the dashboard and plain progress lines.
public enum TerminalSupport {
  /// Decides whether to skip the dashboard and print plain progress lines instead.
  ///
  /// Returns true when `forceHeadless` is set, standard output is not a terminal, or
  /// `TERM` is unset, empty or `dumb`. `reason` is a one-line notice for the `TERM`
  /// cases, where the user may expect a dashboard. It is nil otherwise.
  public static func shouldUseHeadless(forceHeadless: Bool) -> (headless: Bool, reason: String?) {
    shouldUseHeadless(
      forceHeadless: forceHeadless, standardOutputIsTerminal: isatty(STDOUT_FILENO) != 0,
      environment: ProcessInfo.processInfo.environment)
  }

  /// Decides as `shouldUseHeadless(forceHeadless:)` does, with the terminal check and
  /// the environment given.
  public static func shouldUseHeadless(
    forceHeadless: Bool, standardOutputIsTerminal: Bool, environment: [String: String]
  ) -> (headless: Bool, reason: String?) {
    if forceHeadless || !standardOutputIsTerminal {
      return (true, reason: nil)
    }
    guard let term = environment["TERM"], !term.isEmpty else {
      return (
        true, reason: "TERM is not set, so the full-screen view is off; printing text instead"
      )
    }
    if term == "dumb" {
      return (true, reason: "TERM=dumb cannot show the full-screen view; printing text instead")
    }
    return (false, reason: nil)
  }
}

extension DashboardApp {
  /// Decides whether to skip the dashboard, as `TerminalSupport.shouldUseHeadless` does.
  public static func shouldUseHeadless(forceHeadless: Bool) -> (headless: Bool, reason: String?) {
    TerminalSupport.shouldUseHeadless(forceHeadless: forceHeadless)
  }
}
