import LeptonRender
import LeptonTUI

/// Fuzzes the theme file parser with the text of one file. Invalid UTF-8 becomes
/// U+FFFD here, because `Theme.load` rejects such a file before parsing it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTheme(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let parsed = Theme.parse(text, name: "fuzz")

  let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
  // A repeated key with an invalid value gives two warnings for one line.
  fuzzCheck(
    parsed.warnings.count <= 2 * lineCount,
    "\(parsed.warnings.count) warnings for \(lineCount) lines")
  for warning in parsed.warnings {
    fuzzCheck(warning.hasPrefix("fuzz:"), "warning without the source prefix: \(warning)")
  }
  for (_, role) in Theme.keyedRoles {
    _ = parsed.theme.entry(for: role)
    for support in [ColorSupport.monochrome, .colors8, .colors16, .colors256] {
      _ = parsed.theme.resolve(Style(foreground: role, background: role), support: support)
    }
  }
  return 0
}
