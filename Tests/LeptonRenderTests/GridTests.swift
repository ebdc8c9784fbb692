import Testing

@testable import LeptonRender

@Suite struct GridTests {
  @Test func writeClipsAtRightEdge() {
    var grid = Grid(width: 5, height: 1)
    let end = grid.write("abcdefg", x: 2, y: 0)
    #expect(grid.lines() == ["  abc"])
    #expect(end == 9)
  }

  @Test func writeSkipsNegativeColumns() {
    var grid = Grid(width: 4, height: 1)
    grid.write("abcdef", x: -3, y: 0)
    #expect(grid.lines() == ["def "])
  }

  @Test func writeOutsideRowsIsIgnored() {
    var grid = Grid(width: 3, height: 2)
    grid.write("xyz", x: 0, y: -1)
    grid.write("xyz", x: 0, y: 2)
    #expect(grid.lines() == ["   ", "   "])
  }

  @Test func writeRespectsClipRect() {
    var grid = Grid(width: 6, height: 2)
    grid.write("abcdef", x: 0, y: 1, clip: Rect(x: 1, y: 1, width: 3, height: 1))
    #expect(grid.lines() == ["      ", " bcd  "])
  }

  @Test func controlCharactersBecomeSpaces() {
    var grid = Grid(width: 4, height: 1)
    grid.write("a\tb\u{1B}", x: 0, y: 0)
    #expect(grid.lines() == ["a b "])
  }

  @Test func zeroSizeGridAcceptsEveryCall() {
    var grid = Grid(width: 0, height: 0)
    grid.write("text", x: 0, y: 0)
    grid.fill(Rect(x: -1, y: -1, width: 5, height: 5), with: Cell("#"))
    grid.drawBox(Rect(x: 0, y: 0, width: 4, height: 4), title: "t", glyphs: .unicodeSet)
    #expect(grid.lines().isEmpty)
    #expect(grid.cells.isEmpty)
  }

  @Test func negativeSizeIsEmpty() {
    let grid = Grid(width: -3, height: 2)
    #expect(grid.width == 0)
    #expect(grid.lines() == ["", ""])
  }

  @Test func fillClipsToGrid() {
    var grid = Grid(width: 3, height: 3)
    grid.fill(Rect(x: 1, y: 1, width: 9, height: 9), with: Cell("#"))
    #expect(grid.lines() == ["   ", " ##", " ##"])
  }

  @Test func boxDrawsTitleAndReturnsInner() {
    var grid = Grid(width: 12, height: 4)
    let inner = grid.drawBox(grid.bounds, title: "Loss", glyphs: .unicodeSet)
    #expect(inner == Rect(x: 1, y: 1, width: 10, height: 2))
    #expect(
      grid.lines() == [
        "┌─ Loss ───┐",
        "│          │",
        "│          │",
        "└──────────┘",
      ])
  }

  @Test func boxTitleIsCutWhenLong() {
    var grid = Grid(width: 9, height: 2)
    grid.drawBox(grid.bounds, title: "Confusion matrix", glyphs: .asciiSet)
    #expect(grid.lines() == ["+- Conf~+", "+-------+"])
  }

  @Test func focusedBoxUsesFocusRole() {
    var grid = Grid(width: 4, height: 3)
    grid.drawBox(grid.bounds, focused: true, glyphs: .asciiSet)
    #expect(grid[0, 0]?.style.foreground == .focusedBorder)
    #expect(grid[1, 1]?.character == " ")
  }

  @Test func boxTooSmallDrawsNothing() {
    var grid = Grid(width: 3, height: 3)
    let inner = grid.drawBox(Rect(x: 0, y: 0, width: 1, height: 3), glyphs: .unicodeSet)
    #expect(inner.isEmpty)
    #expect(grid.lines() == ["   ", "   ", "   "])
  }

  @Test func changedCellsListsOnlyDifferences() {
    let before = Grid(width: 4, height: 2)
    var after = before
    after.write("x", x: 2, y: 1, style: Style(foreground: .bad))
    let changes = after.changedCells(since: before)
    #expect(changes == [CellChange(x: 2, y: 1, cell: Cell("x", style: Style(foreground: .bad)))])
    #expect(after.changedRows(since: before) == [1])
  }

  @Test func styleChangeCountsAsChange() {
    var before = Grid(width: 2, height: 1)
    before.write("ab", x: 0, y: 0)
    var after = before
    after.setStyle(Style(bold: true), x: 1, y: 0)
    #expect(after.changedCells(since: before).map(\.x) == [1])
  }

  @Test func everyCellChangesWithoutPreviousFrame() {
    let grid = Grid(width: 3, height: 2)
    #expect(grid.changedCells(since: nil).count == 6)
    #expect(grid.changedCells(since: Grid(width: 2, height: 2)).count == 6)
  }

  @Test func rowsDistributeRemainder() {
    let parts = Rect(x: 0, y: 2, width: 5, height: 7).rows(3)
    #expect(parts.map(\.height) == [3, 2, 2])
    #expect(parts.map(\.y) == [2, 5, 7])
  }

  @Test func splitsClampToSize() {
    let rect = Rect(x: 0, y: 0, width: 4, height: 3)
    let (top, rest) = rect.splitTop(10)
    #expect(top.height == 3)
    #expect(rest.isEmpty)
    let (left, right) = rect.splitRight(1)
    #expect(left.width == 3)
    #expect(right.x == 3)
  }

  @Test func intersectionOfDisjointIsEmpty() {
    let a = Rect(x: 0, y: 0, width: 2, height: 2)
    let b = Rect(x: 5, y: 5, width: 2, height: 2)
    #expect(a.intersection(b).isEmpty)
  }

  @Test func truncateAddsEllipsis() {
    #expect(TextFit.truncate("abcdef", to: 4, glyphs: .unicodeSet) == "abc…")
    #expect(TextFit.truncate("abcdef", to: 1, glyphs: .unicodeSet) == "a")
    #expect(TextFit.truncate("abc", to: 0, glyphs: .unicodeSet) == "")
    #expect(TextFit.truncate("abc", to: 3, glyphs: .asciiSet) == "abc")
  }

  @Test func glyphSetFollowsLocale() {
    #expect(GlyphSet.forLocale(lcAll: nil, lcCtype: nil, lang: "en_US.UTF-8").unicode)
    #expect(!GlyphSet.forLocale(lcAll: "C", lcCtype: nil, lang: "en_US.UTF-8").unicode)
    #expect(GlyphSet.forLocale(lcAll: "", lcCtype: "C.utf8", lang: nil).unicode)
    #expect(!GlyphSet.forLocale(lcAll: nil, lcCtype: nil, lang: nil).unicode)
  }
}
