import Foundation

/// Finds a theme by name or path, as given to `lepton train --theme`.
public enum ThemeLoader {
  /// Environment variable naming an extra directory of `.theme` files, searched first.
  public static let directoryVariable = "LEPTON_THEME_DIR"

  /// Loads the theme that `nameOrPath` names.
  ///
  /// nil gives the built-in theme. A value containing `/` or ending in `.theme` is a
  /// file path. Any other value is a theme name, looked up as `NAME.theme` in
  /// `searchDirectories`. The name `default` falls back to the built-in theme, which
  /// has the same colours, when no `default.theme` file is found.
  ///
  /// - Throws: `ThemeLoadError` when the file cannot be read or no theme has that name.
  public static func load(
    nameOrPath: String?,
    searchDirectories: [String] = defaultSearchDirectories()
  ) throws(ThemeLoadError) -> ParsedTheme {
    guard let nameOrPath, !nameOrPath.isEmpty else {
      return ParsedTheme(theme: .builtIn, warnings: [])
    }
    if nameOrPath.contains("/") || nameOrPath.hasSuffix(".theme") {
      return try Theme.load(path: nameOrPath)
    }
    for directory in searchDirectories {
      let candidate = URL(fileURLWithPath: directory)
        .appendingPathComponent("\(nameOrPath).theme").path
      if FileManager.default.isReadableFile(atPath: candidate) {
        return try Theme.load(path: candidate)
      }
    }
    if nameOrPath == "default" {
      return ParsedTheme(theme: .builtIn, warnings: [])
    }
    throw ThemeLoadError(
      path: "\(nameOrPath).theme",
      reason: "no theme named \"\(nameOrPath)\" in "
        + searchDirectories.joined(separator: ", ")
        + "; give a path to a .theme file or set \(directoryVariable)")
  }

  /// Returns the directories searched for theme names, in order: `$LEPTON_THEME_DIR`,
  /// `themes` in the working directory, and `themes` next to the executable and in up to
  /// three directories above it, so `.build/<triple>/debug/lepton` in a source checkout
  /// finds the checkout's `themes`. Last comes the `themes` of the checkout this file was
  /// compiled from, which also covers builds with `--scratch-path` elsewhere.
  public static func defaultSearchDirectories() -> [String] {
    var directories: [String] = []
    if let custom = ProcessInfo.processInfo.environment[directoryVariable], !custom.isEmpty {
      directories.append(custom)
    }
    directories.append(
      URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        .appendingPathComponent("themes").path)
    // /proc/self/exe is the binary's real path even when it was started through PATH,
    // where the first argument is only its name.
    let executable =
      (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
      ?? CommandLine.arguments.first ?? "."
    var executableDirectory = URL(fileURLWithPath: executable)
      .resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<4 {
      directories.append(executableDirectory.appendingPathComponent("themes").path)
      executableDirectory = executableDirectory.deletingLastPathComponent()
    }
    // Sources/LeptonTUI/ThemeLoader.swift, three levels below the checkout.
    directories.append(
      URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("themes").path)
    var seen = Set<String>()
    return directories.filter { seen.insert($0).inserted }
  }
}
