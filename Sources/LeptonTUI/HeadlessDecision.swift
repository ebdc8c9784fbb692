import Foundation
import Glibc

extension DashboardApp {
  /// Decides whether to skip the dashboard and print plain progress lines instead.
  ///
  /// Returns true when `forceHeadless` is set, standard output is not a terminal, or
  /// `TERM` is unset, empty or `dumb`. `reason` is a one-line notice for the `TERM`
  /// cases, where the user may expect a dashboard; it is nil otherwise.
  public static func shouldUseHeadless(forceHeadless: Bool) -> (Bool, reason: String?) {
    shouldUseHeadless(
      forceHeadless: forceHeadless, standardOutputIsTerminal: isatty(STDOUT_FILENO) != 0,
      environment: ProcessInfo.processInfo.environment)
  }

  /// `shouldUseHeadless(forceHeadless:)` with the terminal check and environment given.
  static func shouldUseHeadless(
    forceHeadless: Bool, standardOutputIsTerminal: Bool, environment: [String: String]
  ) -> (Bool, reason: String?) {
    if forceHeadless || !standardOutputIsTerminal {
      return (true, reason: nil)
    }
    guard let term = environment["TERM"], !term.isEmpty else {
      return (true, reason: "TERM is not set, so the dashboard is off; printing progress lines")
    }
    if term == "dumb" {
      return (
        true, reason: "TERM=dumb cannot show the dashboard; printing progress lines"
      )
    }
    return (false, reason: nil)
  }
}
