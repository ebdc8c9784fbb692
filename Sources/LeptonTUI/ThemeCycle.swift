import Foundation

/// The themes that the `v` key steps through: `default` (the built-in colours), then every
/// `.theme` file of the theme search directories by name, in alphabetical order.
public struct ThemeCycle {
  /// Theme names, or the path of a theme given by path, in cycling order.
  public private(set) var names: [String]
  /// The position of the theme on screen in `names`.
  public private(set) var index: Int
  private let searchDirectories: [String]

  /// Lists the themes, starting from `current`: the name of the theme on screen, as
  /// `Theme.name` gives it, and `currentPath`, the file it was loaded from, if any. A
  /// theme file outside the search directories is kept first, by its path, so cycling
  /// comes back to it.
  public init(
    current: String, currentPath: String? = nil,
    searchDirectories: [String] = ThemeLoader.defaultSearchDirectories()
  ) {
    self.searchDirectories = searchDirectories
    var found: Set<String> = []
    for directory in searchDirectories {
      let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
      for file in files where file.hasSuffix(".theme") {
        found.insert(String(file.dropLast(".theme".count)))
      }
    }
    found.remove("default")
    names = ["default"] + found.sorted()
    let currentName = current == Theme.builtIn.name ? "default" : current
    if let position = names.firstIndex(of: currentName) {
      index = position
    } else {
      // ThemeLoader reads a value containing "/" as a path.
      let path = currentPath.map { $0.contains("/") ? $0 : "./" + $0 }
      names.insert(path ?? currentName, at: 0)
      index = 0
    }
  }

  /// Moves to the next theme and loads it. A theme that fails to load is skipped, and its
  /// error is returned with the theme that loaded instead.
  public mutating func advance() -> (theme: ParsedTheme, name: String, skipped: [String]) {
    var skipped: [String] = []
    for _ in names.indices {
      index = (index + 1) % names.count
      do {
        let parsed = try ThemeLoader.load(
          nameOrPath: names[index], searchDirectories: searchDirectories)
        return (parsed, names[index], skipped)
      } catch {
        skipped.append(String(describing: error))
      }
    }
    return (ParsedTheme(theme: .builtIn, warnings: []), "default", skipped)
  }
}
