import Foundation
import Testing

/// Error messages written to a standard error that is closed or gone.
@Suite("Closed standard error")
struct ClosedOutputTests {
  @Test func errorToClosedStandardErrorExitsNormally() throws {
    let binary = try LeptonProcess.executable.path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    // `2>&-` closes standard error, so every write to it fails.
    process.arguments = ["-c", "'\(binary)' show no-such-run --headless 2>&-; echo status=$?"]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()

    // A missing run exits 1; a trap on the failed write would give 132.
    #expect(text.contains("status=1"), "\(text)")
  }
}
