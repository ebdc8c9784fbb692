/// The characters used for borders, bars, plot marks and shading. The Unicode set
/// uses box drawing, block and braille characters; the ASCII set is for terminals
/// whose locale is not UTF-8.
public struct GlyphSet: Hashable, Sendable {
  /// Whether this set uses Unicode characters, which also enables the braille canvas.
  public let unicode: Bool
  public let topLeft: Character
  public let topRight: Character
  public let bottomLeft: Character
  public let bottomRight: Character
  public let horizontal: Character
  public let vertical: Character
  /// The corner where the y axis meets the x axis of a chart.
  public let axisCorner: Character
  /// A y-axis tick that points at a labelled value.
  public let axisTick: Character
  public let progressFilled: Character
  public let progressEmpty: Character
  /// The mark for single data points, such as per-epoch test values.
  public let marker: Character
  /// The swatch that precedes a series name in a legend.
  public let legendLine: Character
  /// Shades from lightest to darkest, for matrix cells too narrow for numbers.
  public let shades: [Character]
  public let ellipsis: Character
  public let separator: Character
  /// Bar heights from lowest to highest, for sparklines.
  public let sparkLevels: [Character]
  /// Marks that tell runs apart on a chart without colour, one per run in order.
  public let runMarkers: [Character]

  /// Returns the Unicode set when `unicode` is true and the ASCII set otherwise.
  public init(unicode: Bool) {
    self.unicode = unicode
    if unicode {
      topLeft = "┌"
      topRight = "┐"
      bottomLeft = "└"
      bottomRight = "┘"
      horizontal = "─"
      vertical = "│"
      axisCorner = "└"
      axisTick = "┤"
      progressFilled = "█"
      progressEmpty = "░"
      marker = "●"
      legendLine = "━"
      shades = [" ", "░", "▒", "▓", "█"]
      ellipsis = "…"
      separator = "│"
      sparkLevels = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
      runMarkers = ["●", "■", "▲", "◆", "▼", "★", "✚", "○"]
    } else {
      topLeft = "+"
      topRight = "+"
      bottomLeft = "+"
      bottomRight = "+"
      horizontal = "-"
      vertical = "|"
      axisCorner = "+"
      axisTick = "+"
      progressFilled = "#"
      progressEmpty = "."
      marker = "*"
      legendLine = "-"
      shades = [" ", ".", ":", "*", "#"]
      ellipsis = "~"
      separator = "|"
      sparkLevels = ["_", ".", "-", "=", "+", "*", "#"]
      runMarkers = ["o", "x", "+", "#", "@", "%", "&", "="]
    }
  }

  public static let unicodeSet = GlyphSet(unicode: true)
  public static let asciiSet = GlyphSet(unicode: false)

  /// Picks the set for a locale given by the usual `LC_ALL`, `LC_CTYPE` and `LANG`
  /// values, in that order of precedence: Unicode only when the first non-empty one
  /// names UTF-8 as its codeset.
  public static func forLocale(lcAll: String?, lcCtype: String?, lang: String?) -> GlyphSet {
    let locale = [lcAll, lcCtype, lang].compactMap { $0 }.first { !$0.isEmpty } ?? ""
    let normalized = String(locale.lowercased().filter { $0 != "-" })
    return GlyphSet(unicode: normalized.contains("utf8"))
  }

  /// Returns the marker of run `index`, wrapping past the last marker.
  public func runMarker(_ index: Int) -> Character {
    runMarkers[((index % runMarkers.count) + runMarkers.count) % runMarkers.count]
  }

  /// Returns the shade character for a value in `0...1`, clamping values outside that range.
  public func shade(fraction: Double) -> Character {
    guard fraction.isFinite, let last = shades.indices.last else { return " " }
    let clamped = min(max(fraction, 0), 1)
    let index = Int((clamped * Double(last)).rounded())
    return shades[index]
  }
}
