import Foundation
import Testing

/// Compares rendered lines with `Golden/<name>.txt` next to this file, or rewrites
/// that file when the environment sets `LEPTON_RECORD_GOLDEN=1`.
func expectGolden(
  _ lines: [String], named name: String, sourceLocation: SourceLocation = #_sourceLocation
) throws {
  let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Golden")
  let file = folder.appendingPathComponent("\(name).txt")
  if ProcessInfo.processInfo.environment["LEPTON_RECORD_GOLDEN"] == "1" {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try lines.map { $0 + "\n" }.joined().write(to: file, atomically: true, encoding: .utf8)
    return
  }
  guard let text = try? String(contentsOf: file, encoding: .utf8) else {
    Issue.record(
      "golden file \(file.path) not found; run with LEPTON_RECORD_GOLDEN=1 to create it",
      sourceLocation: sourceLocation)
    return
  }
  var expected = text.components(separatedBy: "\n")
  if expected.last == "" { expected.removeLast() }
  #expect(lines.count == expected.count, "line count of \(name)", sourceLocation: sourceLocation)
  var reported = 0
  for (index, pair) in zip(lines, expected).enumerated() where pair.0 != pair.1 {
    Issue.record(
      "\(name) line \(index + 1) differs\n  actual:   \"\(pair.0)\"\n  expected: \"\(pair.1)\"",
      sourceLocation: sourceLocation)
    reported += 1
    if reported == 8 { break }
  }
}
