/// A colour as a theme names it: the terminal's default colour or an index into the
/// 256-colour palette (0-7 normal, 8-15 bright, 16-231 colour cube, 232-255 greys).
public enum TerminalColor: Hashable, Sendable {
  case terminalDefault
  case indexed(UInt8)

  /// The names a theme file may use for palette entries 0-15, in palette order.
  public static let names: [String] = [
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
    "bright-black", "bright-red", "bright-green", "bright-yellow",
    "bright-blue", "bright-magenta", "bright-cyan", "bright-white",
  ]

  /// Parses a colour name (`red`, `bright-blue`, `grey`, `default`) or a palette
  /// number `0...255`. Names are case-insensitive and accept `_` for `-`.
  /// Returns nil for anything else.
  public init?(parsing text: String) {
    let name = text.lowercased().replacingOccurrences(of: "_", with: "-")
    if name == "default" {
      self = .terminalDefault
      return
    }
    if name == "grey" || name == "gray" {
      self = .indexed(8)
      return
    }
    if let index = Self.names.firstIndex(of: name) {
      self = .indexed(UInt8(index))
      return
    }
    if name.allSatisfy(\.isASCII), let number = Int(name), (0...255).contains(number) {
      self = .indexed(UInt8(number))
      return
    }
    return nil
  }

  /// The colour as a curses colour number, with -1 for the terminal default.
  var cursesNumber: Int16 {
    switch self {
    case .terminalDefault: return -1
    case .indexed(let index): return Int16(index)
    }
  }
}

/// Text attributes that every terminal supports, also on monochrome screens.
public struct TextAttributes: OptionSet, Hashable, Sendable {
  public let rawValue: UInt8

  public init(rawValue: UInt8) {
    self.rawValue = rawValue
  }

  public static let bold = TextAttributes(rawValue: 1 << 0)
  public static let dim = TextAttributes(rawValue: 1 << 1)
  public static let reverse = TextAttributes(rawValue: 1 << 2)
  public static let underline = TextAttributes(rawValue: 1 << 3)

  /// The attribute names a theme file may use.
  public static let byName: [String: TextAttributes] = [
    "bold": .bold, "dim": .dim, "reverse": .reverse, "underline": .underline,
  ]
}

/// How many colours the terminal can show.
public enum ColorSupport: Hashable, Sendable {
  /// No colour, because the terminal has none or `NO_COLOR` is set. Attributes only.
  case monochrome
  /// The eight ANSI colours. Bright foregrounds become the normal colour plus bold.
  case colors8
  /// The sixteen ANSI colours.
  case colors16
  /// The full 256-colour palette.
  case colors256

  /// Picks the support level for a terminal that reports `colorCount` colours
  /// (curses' `COLORS`).
  public static func forColorCount(_ colorCount: Int, hasColors: Bool, noColor: Bool)
    -> ColorSupport
  {
    guard hasColors, !noColor, colorCount >= 8 else { return .monochrome }
    if colorCount >= 256 { return .colors256 }
    if colorCount >= 16 { return .colors16 }
    return .colors8
  }
}

/// A foreground and background colour with attributes, reduced to what the terminal
/// can show.
public struct ResolvedStyle: Hashable, Sendable {
  public var foreground: TerminalColor
  public var background: TerminalColor
  public var attributes: TextAttributes

  public init(
    foreground: TerminalColor = .terminalDefault, background: TerminalColor = .terminalDefault,
    attributes: TextAttributes = []
  ) {
    self.foreground = foreground
    self.background = background
    self.attributes = attributes
  }

  /// Reduces the colours to `support`. Bright foregrounds on 8-colour terminals gain
  /// bold. On monochrome terminals a non-default background becomes reverse video,
  /// so bars and highlighted rows stay visible.
  public func reduced(to support: ColorSupport) -> ResolvedStyle {
    switch support {
    case .colors256:
      return self
    case .colors16:
      return ResolvedStyle(
        foreground: Palette.nearest16(foreground), background: Palette.nearest16(background),
        attributes: attributes)
    case .colors8:
      var result = ResolvedStyle(
        foreground: Palette.nearest16(foreground), background: Palette.nearest16(background),
        attributes: attributes)
      if case .indexed(let index) = result.foreground, index >= 8 {
        result.foreground = .indexed(index - 8)
        result.attributes.insert(.bold)
      }
      if case .indexed(let index) = result.background, index >= 8 {
        result.background = .indexed(index - 8)
      }
      return result
    case .monochrome:
      var attributes = attributes
      if background != .terminalDefault {
        attributes.insert(.reverse)
      }
      return ResolvedStyle(attributes: attributes)
    }
  }
}

/// The xterm default palette, used to map 256-colour indices to the 16 ANSI colours.
enum Palette {
  /// RGB of palette entries 0-15 as xterm sets them by default.
  private static let ansi: [(Int, Int, Int)] = [
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
    (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
    (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
    (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
  ]

  /// Channel values of the six levels of the 6x6x6 colour cube (indices 16-231).
  private static let cubeLevels = [0, 95, 135, 175, 215, 255]

  /// RGB of palette entry `index` in xterm's default palette.
  static func rgb(_ index: UInt8) -> (Int, Int, Int) {
    let value = Int(index)
    if value < 16 { return ansi[value] }
    if value < 232 {
      let cube = value - 16
      return (cubeLevels[cube / 36], cubeLevels[(cube / 6) % 6], cubeLevels[cube % 6])
    }
    let grey = 8 + (value - 232) * 10
    return (grey, grey, grey)
  }

  /// Returns the ANSI colour (0-15) closest to `color` by squared RGB distance.
  static func nearest16(_ color: TerminalColor) -> TerminalColor {
    guard case .indexed(let index) = color, index >= 16 else { return color }
    let (red, green, blue) = rgb(index)
    var best = 0
    var bestDistance = Int.max
    for (candidate, entry) in ansi.enumerated() {
      let distance =
        (entry.0 - red) * (entry.0 - red) + (entry.1 - green) * (entry.1 - green)
        + (entry.2 - blue) * (entry.2 - blue)
      if distance < bestDistance {
        best = candidate
        bestDistance = distance
      }
    }
    return .indexed(UInt8(best))
  }
}
