import Foundation
import LeptonRender

/// The colour and attributes a theme assigns to one `ColorRole`.
public struct ThemeEntry: Hashable, Sendable {
  public var color: TerminalColor
  /// Attributes added when the role is used as a foreground.
  public var attributes: TextAttributes

  public init(_ color: TerminalColor, _ attributes: TextAttributes = []) {
    self.color = color
    self.attributes = attributes
  }
}

/// A mapping from every semantic `ColorRole` to a concrete terminal colour.
///
/// Theme files contain `key = value` lines. The key is a role name such as `accent`,
/// `focused-border`, `series-3` or `heat-8`. The value is a colour (a name such as
/// `red` or `bright-blue`, `default`, or a palette number 0-255) followed by
/// optional attributes (`bold`, `dim`, `reverse`, `underline`). A `#` starts a comment.
public struct Theme: Sendable {
  /// A name for messages, usually the file name without extension.
  public var name: String
  /// The file the theme was loaded from, or nil for the built-in theme and parsed text.
  public var filePath: String?
  private var entries: [ColorRole: ThemeEntry]

  /// Creates a theme that uses `entries` and falls back to `Theme.builtIn` for
  /// roles that `entries` leaves out.
  public init(name: String, entries: [ColorRole: ThemeEntry]) {
    self.name = name
    self.entries = Self.builtInEntries.merging(entries) { _, override in override }
  }

  /// Returns the entry for `role`. `.terminalDefault` is always the terminal's own colour.
  public func entry(for role: ColorRole) -> ThemeEntry {
    if role == .terminalDefault { return ThemeEntry(.terminalDefault) }
    return entries[Self.canonical(role)] ?? ThemeEntry(.terminalDefault)
  }

  /// Resolves a cell style to concrete colours and attributes for a terminal with `support`.
  public func resolve(_ style: Style, support: ColorSupport) -> ResolvedStyle {
    let foreground = entry(for: style.foreground)
    var attributes = foreground.attributes
    if style.bold { attributes.insert(.bold) }
    if style.dim { attributes.insert(.dim) }
    if style.reverse { attributes.insert(.reverse) }
    // A background key can only carry reverse video, which marks a bar without colour.
    let background = entry(for: style.background)
    if background.attributes.contains(.reverse) { attributes.insert(.reverse) }
    let resolved = ResolvedStyle(
      foreground: foreground.color, background: background.color,
      attributes: attributes)
    return resolved.reduced(to: support)
  }

  /// Maps out-of-range series and heat indices to the role that the renderer means:
  /// series wrap around and heat levels clamp.
  static func canonical(_ role: ColorRole) -> ColorRole {
    switch role {
    case .series(let index):
      return ColorRole.seriesRole(index)
    case .heat(let level):
      return .heat(min(max(level, 0), ColorRole.heatLevels - 1))
    default:
      return role
    }
  }
}

// MARK: - Keys

extension Theme {
  /// Every themeable role with its key in theme files, in the order of the
  /// default theme file. `.terminalDefault` is not themeable.
  public static let keyedRoles: [(key: String, role: ColorRole)] = {
    var roles: [(key: String, role: ColorRole)] = [
      ("text", .text), ("muted", .muted), ("accent", .accent), ("border", .border),
      ("focused-border", .focusedBorder), ("title", .title), ("title-bar", .titleBar),
      ("axis", .axis), ("good", .good), ("bad", .bad), ("warning", .warning),
      ("status-bar", .statusBar), ("progress-filled", .progressFilled),
      ("progress-empty", .progressEmpty), ("highlight", .highlight),
    ]
    for index in 0..<ColorRole.seriesCount {
      roles.append(("series-\(index)", .series(index)))
    }
    for level in 0..<ColorRole.heatLevels {
      roles.append(("heat-\(level)", .heat(level)))
    }
    return roles
  }()

  private static let rolesByKey: [String: ColorRole] = Dictionary(
    keyedRoles.map { ($0.key, $0.role) }, uniquingKeysWith: { first, _ in first })
}

// MARK: - Built-in theme

extension Theme {
  /// The compiled-in theme, used when no theme file is given and for every key that a
  /// theme file leaves out or gets wrong. `themes/default.theme` contains the same values.
  public static let builtIn = Theme(name: "built-in", entries: [:])

  static let builtInEntries: [ColorRole: ThemeEntry] = {
    var entries: [ColorRole: ThemeEntry] = [
      .text: ThemeEntry(.terminalDefault),
      .muted: ThemeEntry(.indexed(245)),
      .accent: ThemeEntry(.indexed(14)),
      .border: ThemeEntry(.indexed(8)),
      .focusedBorder: ThemeEntry(.indexed(14), .bold),
      .title: ThemeEntry(.indexed(15), .bold),
      .titleBar: ThemeEntry(.indexed(4)),
      .axis: ThemeEntry(.indexed(8)),
      .good: ThemeEntry(.indexed(10)),
      .bad: ThemeEntry(.indexed(9)),
      .warning: ThemeEntry(.indexed(11)),
      .statusBar: ThemeEntry(.indexed(4)),
      .progressFilled: ThemeEntry(.indexed(2)),
      .progressEmpty: ThemeEntry(.indexed(8)),
      .highlight: ThemeEntry(.indexed(11), .bold),
    ]
    let series: [UInt8] = [14, 13, 11, 10, 9, 12, 7, 208, 141, 180]
    for (index, color) in series.enumerated() {
      entries[.series(index)] = ThemeEntry(.indexed(color))
    }
    let heat: [UInt8] = [235, 17, 18, 19, 25, 31, 37, 43, 49]
    for (level, color) in heat.enumerated() {
      entries[.heat(level)] = ThemeEntry(.indexed(color))
    }
    return entries
  }()
}

// MARK: - Parsing

/// A theme read from text, with a warning for every line that was ignored.
public struct ParsedTheme: Sendable {
  public var theme: Theme
  /// One line per problem, such as `dark.theme:4: invalid colour "purpel" for "accent"`.
  public var warnings: [String]
}

/// Failure to read a theme file. Problems in the file's text are warnings instead.
public struct ThemeLoadError: Error, CustomStringConvertible {
  public var path: String
  public var reason: String

  public var description: String {
    "cannot read theme file \(path): \(reason)"
  }
}

extension Theme {
  /// Parses theme file text. Keys that are unknown, repeated or have an invalid value
  /// produce a warning, and each affected role keeps its built-in entry.
  /// `source` prefixes warnings, usually the file name.
  public static func parse(_ text: String, name: String, source: String? = nil) -> ParsedTheme {
    let prefix = source ?? name
    var entries: [ColorRole: ThemeEntry] = [:]
    var lineOfKey: [String: Int] = [:]
    var warnings: [String] = []

    for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false)
      .enumerated()
    {
      let lineNumber = offset + 1
      var line = Substring(rawLine)
      if let hash = line.firstIndex(of: "#") {
        line = line[..<hash]
      }
      let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
      if trimmed.isEmpty { continue }

      guard let equals = trimmed.firstIndex(of: "=") else {
        warnings.append("\(prefix):\(lineNumber): expected \"key = value\", got \"\(trimmed)\"")
        continue
      }
      let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
      let value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)

      guard let role = rolesByKey[key] else {
        warnings.append(
          "\(prefix):\(lineNumber): unknown key \"\(key)\"; ignored. Known keys: "
            + keyedRoles.map(\.key).joined(separator: ", "))
        continue
      }
      if let previous = lineOfKey[key] {
        warnings.append(
          "\(prefix):\(lineNumber): \"\(key)\" repeats line \(previous); the later value is used")
      }
      lineOfKey[key] = lineNumber

      switch parseEntry(value) {
      case .success(let entry):
        entries[role] = entry
      case .failure(let problem):
        entries[role] = nil
        warnings.append(
          "\(prefix):\(lineNumber): \(problem.message) for \"\(key)\"; using the built-in value")
      }
    }
    return ParsedTheme(theme: Theme(name: name, entries: entries), warnings: warnings)
  }

  /// Reads and parses the theme file at `path`. The theme name is the file name
  /// without its extension.
  public static func load(path: String) throws(ThemeLoadError) -> ParsedTheme {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw ThemeLoadError(path: path, reason: error.localizedDescription)
    }
    let url = URL(fileURLWithPath: path)
    var parsed = parse(
      text, name: url.deletingPathExtension().lastPathComponent, source: url.lastPathComponent)
    parsed.theme.filePath = path
    return parsed
  }

  struct ValueProblem: Error {
    var message: String
  }

  /// Parses `colour [attribute ...]`.
  static func parseEntry(_ value: String) -> Result<ThemeEntry, ValueProblem> {
    let words = value.split(whereSeparator: \.isWhitespace).map(String.init)
    guard let first = words.first else {
      return .failure(ValueProblem(message: "missing colour"))
    }
    guard let color = TerminalColor(parsing: first) else {
      return .failure(
        ValueProblem(
          message: "invalid colour \"\(first)\" (expected a name such as red or bright-blue, "
            + "default, or a number 0-255)"))
    }
    var attributes: TextAttributes = []
    for word in words.dropFirst() {
      guard let attribute = TextAttributes.byName[word.lowercased()] else {
        return .failure(
          ValueProblem(
            message: "invalid attribute \"\(word)\" (expected bold, dim, reverse or underline)"))
      }
      attributes.insert(attribute)
    }
    return .success(ThemeEntry(color, attributes))
  }
}
