/// Horizontal placement of text inside a width.
public enum TextAlignment: Sendable {
  case left
  case center
  case right
}

extension Grid {
  /// Draws a border around `rect` with an optional title in its top edge and
  /// returns the inner area. A rectangle narrower or shorter than two cells gets
  /// no border, and its inner area is empty.
  @discardableResult
  public mutating func drawBox(
    _ rect: Rect, title: String? = nil, focused: Bool = false, glyphs: GlyphSet
  ) -> Rect {
    guard rect.width >= 2, rect.height >= 2 else {
      return Rect(x: rect.x, y: rect.y, width: 0, height: 0)
    }
    let borderStyle = Style(foreground: focused ? .focusedBorder : .border, bold: focused)
    let right = rect.maxX - 1
    let bottom = rect.maxY - 1
    for column in (rect.x + 1)..<right {
      set(Cell(glyphs.horizontal, style: borderStyle), x: column, y: rect.y)
      set(Cell(glyphs.horizontal, style: borderStyle), x: column, y: bottom)
    }
    for row in (rect.y + 1)..<bottom {
      set(Cell(glyphs.vertical, style: borderStyle), x: rect.x, y: row)
      set(Cell(glyphs.vertical, style: borderStyle), x: right, y: row)
    }
    set(Cell(glyphs.topLeft, style: borderStyle), x: rect.x, y: rect.y)
    set(Cell(glyphs.topRight, style: borderStyle), x: right, y: rect.y)
    set(Cell(glyphs.bottomLeft, style: borderStyle), x: rect.x, y: bottom)
    set(Cell(glyphs.bottomRight, style: borderStyle), x: right, y: bottom)
    if let title, !title.isEmpty, rect.width >= 5 {
      let label = TextFit.truncate(" \(title) ", to: rect.width - 3, glyphs: glyphs)
      let titleStyle = Style(foreground: focused ? .focusedBorder : .title, bold: true)
      write(label, x: rect.x + 2, y: rect.y, style: titleStyle)
    }
    return rect.inset(by: 1)
  }

  /// Writes `text` on row `y` of `rect`, aligned and cut to the rectangle's width.
  public mutating func write(
    _ text: String, in rect: Rect, row y: Int, alignment: TextAlignment = .left,
    style: Style = .plain, glyphs: GlyphSet
  ) {
    guard !rect.isEmpty, y >= rect.y, y < rect.maxY else { return }
    let fitted = TextFit.truncate(text, to: rect.width, glyphs: glyphs)
    let slack = rect.width - fitted.count
    let offset: Int
    switch alignment {
    case .left: offset = 0
    case .center: offset = slack / 2
    case .right: offset = slack
    }
    write(fitted, x: rect.x + offset, y: y, style: style, clip: rect)
  }

  /// Writes a short message in the middle of `rect`, such as "no data yet".
  public mutating func writeCentered(
    _ text: String, in rect: Rect, style: Style = Style(foreground: .muted), glyphs: GlyphSet
  ) {
    guard !rect.isEmpty else { return }
    write(
      text, in: rect, row: rect.y + (rect.height - 1) / 2, alignment: .center, style: style,
      glyphs: glyphs)
  }
}

/// Helpers that fit text into a number of columns.
public enum TextFit {
  /// Cuts `text` to at most `width` characters, ending it with the ellipsis glyph
  /// when something was cut and there is room for it.
  public static func truncate(_ text: String, to width: Int, glyphs: GlyphSet) -> String {
    guard width > 0 else { return "" }
    guard text.count > width else { return text }
    if width == 1 { return String(text.prefix(1)) }
    return String(text.prefix(width - 1)) + String(glyphs.ellipsis)
  }

  /// Pads `text` with spaces to exactly `width` characters, cutting it when longer.
  public static func pad(_ text: String, to width: Int, alignment: TextAlignment = .left) -> String
  {
    guard width > 0 else { return "" }
    if text.count >= width { return String(text.prefix(width)) }
    let slack = width - text.count
    switch alignment {
    case .left:
      return text + String(repeating: " ", count: slack)
    case .right:
      return String(repeating: " ", count: slack) + text
    case .center:
      let left = slack / 2
      return String(repeating: " ", count: left) + text
        + String(repeating: " ", count: slack - left)
    }
  }

  /// Shortens a class name to at most `width` characters by keeping its start,
  /// which keeps names such as "Sandal" and "Sneaker" apart better than initials.
  public static func abbreviate(_ name: String, to width: Int) -> String {
    guard width > 0 else { return "" }
    return String(name.prefix(width))
  }
}
