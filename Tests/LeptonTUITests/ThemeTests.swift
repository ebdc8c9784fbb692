import Foundation
import LeptonRender
import Testing

@testable import LeptonTUI

@Suite struct ThemeParsingTests {
  @Test func colourNamesAndNumbers() {
    let parsed = Theme.parse(
      """
      accent = bright-blue
      good = green bold
      bad = 196 bold underline
      text = default
      muted = GREY
      series-7 = 208
      """, name: "test")

    #expect(parsed.warnings.isEmpty)
    #expect(parsed.theme.entry(for: .accent) == ThemeEntry(.indexed(12)))
    #expect(parsed.theme.entry(for: .good) == ThemeEntry(.indexed(2), .bold))
    #expect(parsed.theme.entry(for: .bad) == ThemeEntry(.indexed(196), [.bold, .underline]))
    #expect(parsed.theme.entry(for: .text) == ThemeEntry(.terminalDefault))
    #expect(parsed.theme.entry(for: .muted) == ThemeEntry(.indexed(8)))
    #expect(parsed.theme.entry(for: .series(7)) == ThemeEntry(.indexed(208)))
  }

  @Test func commentsAndBlankLinesIgnored() {
    let parsed = Theme.parse(
      """
      # A full-line comment.

         # An indented comment.
      warning = yellow   # a trailing comment
      \t
      """, name: "test")

    #expect(parsed.warnings.isEmpty)
    #expect(parsed.theme.entry(for: .warning) == ThemeEntry(.indexed(3)))
  }

  @Test func unknownKeyWarnsAndIsIgnored() {
    let parsed = Theme.parse("accent = red\nacent = blue\n", name: "test", source: "my.theme")

    #expect(parsed.warnings.count == 1)
    #expect(parsed.warnings.first?.hasPrefix("my.theme:2: unknown key \"acent\"") == true)
    #expect(parsed.theme.entry(for: .accent) == ThemeEntry(.indexed(1)))
  }

  @Test func invalidColourFallsBackForThatKeyOnly() {
    let parsed = Theme.parse(
      """
      accent = purpel
      good = 256
      bad = bright-red
      """, name: "test")

    #expect(parsed.warnings.count == 2)
    #expect(parsed.warnings.first?.contains("invalid colour \"purpel\"") == true)
    #expect(parsed.warnings.first?.contains("\"accent\"") == true)
    #expect(parsed.warnings.last?.contains("invalid colour \"256\"") == true)
    #expect(parsed.theme.entry(for: .accent) == Theme.builtIn.entry(for: .accent))
    #expect(parsed.theme.entry(for: .good) == Theme.builtIn.entry(for: .good))
    #expect(parsed.theme.entry(for: .bad) == ThemeEntry(.indexed(9)))
  }

  @Test func invalidAttributeFallsBack() {
    let parsed = Theme.parse("title = white blink\n", name: "test")

    #expect(parsed.warnings.count == 1)
    #expect(parsed.warnings.first?.contains("invalid attribute \"blink\"") == true)
    #expect(parsed.theme.entry(for: .title) == Theme.builtIn.entry(for: .title))
  }

  @Test func malformedLinesWarn() {
    let parsed = Theme.parse("accent red\ngood =\n", name: "test")

    #expect(parsed.warnings.count == 2)
    #expect(parsed.warnings.first?.contains("expected \"key = value\"") == true)
    #expect(parsed.warnings.last?.contains("missing colour") == true)
  }

  @Test func repeatedKeyUsesLaterValue() {
    let parsed = Theme.parse("accent = red\naccent = blue\n", name: "test")

    #expect(parsed.warnings.count == 1)
    #expect(parsed.warnings.first?.contains("repeats line 1") == true)
    #expect(parsed.theme.entry(for: .accent) == ThemeEntry(.indexed(4)))
  }

  @Test func laterInvalidValueRevertsToBuiltIn() {
    let parsed = Theme.parse("accent = red\naccent = nope\n", name: "test")

    #expect(parsed.theme.entry(for: .accent) == Theme.builtIn.entry(for: .accent))
  }

  @Test func keysAndNamesIgnoreCase() {
    let parsed = Theme.parse("Focused-Border = Bright_Cyan BOLD\n", name: "test")

    #expect(parsed.warnings.isEmpty)
    #expect(parsed.theme.entry(for: .focusedBorder) == ThemeEntry(.indexed(14), .bold))
  }

  @Test func emptyTextGivesBuiltIn() {
    let parsed = Theme.parse("", name: "empty")

    #expect(parsed.warnings.isEmpty)
    for (_, role) in Theme.keyedRoles {
      #expect(parsed.theme.entry(for: role) == Theme.builtIn.entry(for: role))
    }
  }

  @Test func outOfRangeRolesMapToCanonical() {
    let theme = Theme.parse("series-1 = red\nheat-8 = blue\n", name: "test").theme

    #expect(theme.entry(for: .series(ColorRole.seriesCount + 1)) == ThemeEntry(.indexed(1)))
    #expect(theme.entry(for: .heat(99)) == ThemeEntry(.indexed(4)))
    #expect(theme.entry(for: .terminalDefault) == ThemeEntry(.terminalDefault))
  }

  @Test func everyRoleHasBuiltInEntry() {
    for (key, role) in Theme.keyedRoles {
      #expect(Theme.builtInEntries[role] != nil, "no built-in entry for \(key)")
    }
  }
}

@Suite struct ThemeFileTests {
  /// The repository root, found from this file's path.
  static let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  @Test func shippedThemesParseCleanly() throws {
    let directory = Self.repositoryRoot.appendingPathComponent("themes")
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
      .filter { $0.hasSuffix(".theme") }
    for name in ["default", "light", "high-contrast", "monochrome"] {
      #expect(files.contains("\(name).theme"))
    }
    for file in files {
      let parsed = try Theme.load(path: directory.appendingPathComponent(file).path)
      #expect(parsed.warnings.isEmpty, "\(file): \(parsed.warnings)")
    }
  }

  @Test func defaultFileMatchesBuiltIn() throws {
    let path = Self.repositoryRoot.appendingPathComponent("themes/default.theme").path
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let parsed = Theme.parse(text, name: "default")
    for (key, role) in Theme.keyedRoles {
      #expect(
        parsed.theme.entry(for: role) == Theme.builtIn.entry(for: role),
        "default.theme and the built-in theme differ for \(key)")
      #expect(text.contains("\n\(key) = "), "default.theme does not set \(key)")
    }
  }

  @Test func missingFileThrows() {
    #expect(throws: ThemeLoadError.self) {
      try Theme.load(path: "/nonexistent/lepton/none.theme")
    }
  }

  @Test func loadNamesThemeAfterFile() throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("lepton-theme-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("dusk.theme")
    try "accent = magenta\nnope = red\n".write(to: file, atomically: true, encoding: .utf8)

    let parsed = try Theme.load(path: file.path)

    #expect(parsed.theme.name == "dusk")
    #expect(parsed.theme.entry(for: .accent) == ThemeEntry(.indexed(5)))
    #expect(parsed.warnings.first?.hasPrefix("dusk.theme:2:") == true)
  }
}

@Suite struct ColorReductionTests {
  @Test func colourNamesParse() {
    #expect(TerminalColor(parsing: "black") == .indexed(0))
    #expect(TerminalColor(parsing: "white") == .indexed(7))
    #expect(TerminalColor(parsing: "bright-white") == .indexed(15))
    #expect(TerminalColor(parsing: "gray") == .indexed(8))
    #expect(TerminalColor(parsing: "255") == .indexed(255))
    #expect(TerminalColor(parsing: "-1") == nil)
    #expect(TerminalColor(parsing: "") == nil)
    #expect(TerminalColor(parsing: "#ff0000") == nil)
  }

  @Test func supportFromColourCount() {
    #expect(ColorSupport.forColorCount(256, hasColors: true, noColor: false) == .colors256)
    #expect(ColorSupport.forColorCount(16, hasColors: true, noColor: false) == .colors16)
    #expect(ColorSupport.forColorCount(8, hasColors: true, noColor: false) == .colors8)
    #expect(ColorSupport.forColorCount(256, hasColors: true, noColor: true) == .monochrome)
    #expect(ColorSupport.forColorCount(256, hasColors: false, noColor: false) == .monochrome)
    #expect(ColorSupport.forColorCount(2, hasColors: true, noColor: false) == .monochrome)
  }

  @Test func brightColoursOnEightColourTerminal() {
    let style = ResolvedStyle(foreground: .indexed(12), background: .indexed(9))
    let reduced = style.reduced(to: .colors8)

    #expect(reduced.foreground == .indexed(4))
    #expect(reduced.background == .indexed(1))
    #expect(reduced.attributes == .bold)
  }

  @Test func paletteColoursMapToNearestAnsi() {
    // 196 is pure red (255, 0, 0), 21 pure blue (0, 0, 255), 231 white, 232 near black.
    #expect(Palette.nearest16(.indexed(196)) == .indexed(9))
    #expect(Palette.nearest16(.indexed(21)) == .indexed(4))
    #expect(Palette.nearest16(.indexed(231)) == .indexed(15))
    #expect(Palette.nearest16(.indexed(232)) == .indexed(0))
    #expect(Palette.nearest16(.indexed(5)) == .indexed(5))
    #expect(Palette.nearest16(.terminalDefault) == .terminalDefault)
  }

  @Test func monochromeKeepsAttributesOnly() {
    let plain = ResolvedStyle(foreground: .indexed(2), attributes: .bold)
    let bar = ResolvedStyle(foreground: .indexed(15), background: .indexed(4))

    #expect(plain.reduced(to: .monochrome) == ResolvedStyle(attributes: .bold))
    #expect(bar.reduced(to: .monochrome) == ResolvedStyle(attributes: .reverse))
  }

  @Test func themeResolvesStyleRoles() {
    let theme = Theme.parse("title = bright-white bold\ntitle-bar = blue\n", name: "test").theme
    let style = Style(foreground: .title, background: .titleBar, dim: true)

    let resolved = theme.resolve(style, support: .colors256)

    #expect(resolved.foreground == .indexed(15))
    #expect(resolved.background == .indexed(4))
    #expect(resolved.attributes == [.bold, .dim])
  }

  @Test func reverseBackgroundKeyReversesBar() {
    let theme = Theme.parse("text = default\nstatus-bar = default reverse\n", name: "test").theme
    let style = Style(foreground: .text, background: .statusBar)

    let resolved = theme.resolve(style, support: .colors256)

    #expect(resolved.background == .terminalDefault)
    #expect(resolved.attributes == [.reverse])
  }

  @Test func monochromeThemeMarksBarsWithoutColour() throws {
    let path = ThemeFileTests.repositoryRoot.appendingPathComponent("themes/monochrome.theme").path
    let theme = try Theme.load(path: path).theme
    let bar = theme.resolve(Style(foreground: .text, background: .titleBar), support: .colors256)
    let series = theme.resolve(Style(foreground: .series(3)), support: .colors256)

    #expect(bar.foreground == .terminalDefault)
    #expect(bar.background == .terminalDefault)
    #expect(bar.attributes == [.reverse])
    #expect(series.foreground == .terminalDefault)
  }
}

@Suite struct ThemeLoaderTests {
  private let themes = ThemeFileTests.repositoryRoot.appendingPathComponent("themes").path

  @Test func nilGivesBuiltIn() throws {
    let parsed = try ThemeLoader.load(nameOrPath: nil, searchDirectories: [])

    #expect(parsed.theme.name == "built-in")
    #expect(parsed.warnings.isEmpty)
  }

  @Test func nameFoundInSearchDirectory() throws {
    let parsed = try ThemeLoader.load(
      nameOrPath: "default", searchDirectories: ["/nonexistent", themes])

    #expect(parsed.theme.name == "default")
  }

  @Test func pathLoadsFile() throws {
    let parsed = try ThemeLoader.load(
      nameOrPath: "\(themes)/default.theme", searchDirectories: [])

    #expect(parsed.theme.name == "default")
  }

  @Test func defaultWithoutFileIsBuiltIn() throws {
    let parsed = try ThemeLoader.load(nameOrPath: "default", searchDirectories: [])

    #expect(parsed.theme.name == "built-in")
  }

  @Test func unknownNameThrows() {
    do {
      _ = try ThemeLoader.load(nameOrPath: "no-such-theme", searchDirectories: [themes])
      Issue.record("loading an unknown theme name did not throw")
    } catch {
      #expect(error.description.contains("no theme named \"no-such-theme\""))
      #expect(error.description.contains(themes))
    }
  }

  @Test func searchDirectoriesHaveNoDuplicates() {
    let directories = ThemeLoader.defaultSearchDirectories()

    #expect(Set(directories).count == directories.count)
    #expect(directories.contains { $0.hasSuffix("/themes") })
  }
}
