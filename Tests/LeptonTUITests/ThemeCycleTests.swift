import Foundation
import Testing

@testable import LeptonTUI

@Suite struct ThemeCycleTests {
  /// Makes a directory with the named theme files, each setting `accent` to palette 1.
  static func themeDirectory(_ names: [String]) throws -> URL {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("lepton-theme-cycle-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for name in names {
      try "accent = 1\n".write(
        to: directory.appendingPathComponent("\(name).theme"), atomically: true, encoding: .utf8)
    }
    return directory
  }

  @Test func defaultFirstThenFilesByName() throws {
    let directory = try Self.themeDirectory(["zebra", "light", "default"])
    defer { try? FileManager.default.removeItem(at: directory) }
    var cycle = ThemeCycle(current: Theme.builtIn.name, searchDirectories: [directory.path])

    #expect(cycle.names == ["default", "light", "zebra"])
    #expect(cycle.index == 0)
    #expect(cycle.advance().name == "light")
    #expect(cycle.advance().name == "zebra")
    #expect(cycle.advance().name == "default")
  }

  @Test func themeOutsideDirectoriesComesFirst() throws {
    let directory = try Self.themeDirectory(["light"])
    defer { try? FileManager.default.removeItem(at: directory) }
    let cycle = ThemeCycle(current: "mine", searchDirectories: [directory.path])

    #expect(cycle.names == ["mine", "default", "light"])
    #expect(cycle.index == 0)
  }

  @Test func themeFileComesBackByPath() throws {
    let directory = try Self.themeDirectory(["light"])
    let elsewhere = try Self.themeDirectory(["mine"])
    defer {
      try? FileManager.default.removeItem(at: directory)
      try? FileManager.default.removeItem(at: elsewhere)
    }
    let path = elsewhere.appendingPathComponent("mine.theme").path
    let loaded = try Theme.load(path: path).theme
    var cycle = ThemeCycle(
      current: loaded.name, currentPath: loaded.filePath, searchDirectories: [directory.path])

    #expect(cycle.names == [path, "default", "light"])
    _ = cycle.advance()
    _ = cycle.advance()
    let back = cycle.advance()
    #expect(back.name == path)
    #expect(back.skipped.isEmpty)
  }

  @Test func unreadableThemeIsSkipped() throws {
    let directory = try Self.themeDirectory(["light"])
    defer { try? FileManager.default.removeItem(at: directory) }
    // A directory named like a theme file lists as a theme but cannot be read.
    try FileManager.default.createDirectory(
      at: directory.appendingPathComponent("broken.theme"), withIntermediateDirectories: true)
    var cycle = ThemeCycle(current: "default", searchDirectories: [directory.path])

    let result = cycle.advance()

    #expect(result.name == "light")
    #expect(result.skipped.count == 1)
    #expect(result.skipped.first?.contains("broken.theme") == true)
    #expect(result.theme.theme.entry(for: .accent).color == .indexed(1))
  }
}
