/// A semantic colour. The terminal front end maps each role to a concrete
/// colour pair, so widgets never pick colours themselves.
public enum ColorRole: Hashable, Sendable {
  /// The terminal's default colour.
  case terminalDefault
  case text
  case muted
  case accent
  case border
  case focusedBorder
  case title
  case titleBar
  case axis
  case good
  case bad
  case warning
  case statusBar
  case progressFilled
  case progressEmpty
  case highlight
  /// A plot line colour, `0..<ColorRole.seriesCount`. Larger indices wrap around.
  case series(Int)
  /// A shade for matrix cells from 0 (lowest value) to `ColorRole.heatLevels - 1`.
  case heat(Int)

  /// Number of distinct plot line roles.
  public static let seriesCount = 10
  /// Number of distinct heat shades.
  public static let heatLevels = 9

  /// Returns the series role for plot line `index`, wrapping past `seriesCount`.
  public static func seriesRole(_ index: Int) -> ColorRole {
    let wrapped = ((index % seriesCount) + seriesCount) % seriesCount
    return .series(wrapped)
  }

  /// Returns the heat role for a value in `0...1`, clamping values outside that range.
  /// NaN maps to the lowest shade.
  public static func heatRole(fraction: Double) -> ColorRole {
    guard fraction.isFinite else { return .heat(0) }
    let clamped = min(max(fraction, 0), 1)
    let level = Int((clamped * Double(heatLevels - 1)).rounded())
    return .heat(level)
  }
}

/// The look of one cell: colour roles and text attributes.
public struct Style: Hashable, Sendable {
  public var foreground: ColorRole
  public var background: ColorRole
  public var bold: Bool
  public var dim: Bool
  public var reverse: Bool

  public init(
    foreground: ColorRole = .text, background: ColorRole = .terminalDefault, bold: Bool = false,
    dim: Bool = false, reverse: Bool = false
  ) {
    self.foreground = foreground
    self.background = background
    self.bold = bold
    self.dim = dim
    self.reverse = reverse
  }

  /// Plain text on the default background.
  public static let plain = Style()

  /// Returns a copy with a different foreground role.
  public func with(foreground role: ColorRole) -> Style {
    var copy = self
    copy.foreground = role
    return copy
  }

  /// Returns a copy with a different background role.
  public func with(background role: ColorRole) -> Style {
    var copy = self
    copy.background = role
    return copy
  }

  /// Returns a copy with bold text.
  public func bolded() -> Style {
    var copy = self
    copy.bold = true
    return copy
  }
}

/// One terminal cell: a character that occupies exactly one column, and its style.
public struct Cell: Hashable, Sendable {
  public var character: Character
  public var style: Style

  public init(_ character: Character, style: Style = .plain) {
    self.character = character
    self.style = style
  }

  /// A space in the default style.
  public static let blank = Cell(" ")
}
