import Testing

@testable import LeptonRender

@Suite struct BrailleCanvasTests {
  @Test func dotsMapToBrailleBits() {
    var canvas = BrailleCanvas(columns: 1, rows: 1)
    canvas.setDot(x: 0, y: 0, role: .text)
    #expect(canvas.mask(column: 0, row: 0) == 0x01)
    canvas.setDot(x: 1, y: 3, role: .text)
    #expect(canvas.mask(column: 0, row: 0) == 0x81)
    canvas.setDot(x: 0, y: 3, role: .text)
    canvas.setDot(x: 1, y: 0, role: .text)
    #expect(canvas.mask(column: 0, row: 0) == 0xC9)
  }

  @Test func fullCellIsFullBrailleCharacter() {
    var canvas = BrailleCanvas(columns: 1, rows: 1)
    for y in 0..<4 {
      for x in 0..<2 { canvas.setDot(x: x, y: y, role: .text) }
    }
    var grid = Grid(width: 1, height: 1)
    canvas.draw(into: &grid, x: 0, y: 0, glyphs: .unicodeSet)
    #expect(grid.lines() == ["⣿"])
  }

  @Test func dotsOutsideCanvasAreIgnored() {
    var canvas = BrailleCanvas(columns: 2, rows: 1)
    canvas.setDot(x: -1, y: 0, role: .text)
    canvas.setDot(x: 4, y: 0, role: .text)
    canvas.setDot(x: 0, y: 4, role: .text)
    #expect(canvas.mask(column: 0, row: 0) == 0)
    #expect(canvas.mask(column: 1, row: 0) == 0)
  }

  @Test func diagonalLineTouchesEveryCell() {
    var canvas = BrailleCanvas(columns: 3, rows: 3)
    canvas.drawLine(from: (0, 11), to: (5, 0), role: .series(0))
    var grid = Grid(width: 3, height: 3)
    canvas.draw(into: &grid, x: 0, y: 0, glyphs: .unicodeSet)
    #expect(grid.lines() == ["  ⡜", " ⡜ ", "⡜  "])
    #expect(grid[1, 1]?.style.foreground == .series(0))
  }

  @Test func asciiFallbackUsesRowMarks() {
    var canvas = BrailleCanvas(columns: 4, rows: 1)
    canvas.setDot(x: 0, y: 0, role: .text)
    canvas.setDot(x: 2, y: 1, role: .text)
    canvas.setDot(x: 2, y: 2, role: .text)
    canvas.setDot(x: 4, y: 3, role: .text)
    canvas.drawLine(from: (6, 0), to: (6, 3), role: .text)
    var grid = Grid(width: 4, height: 1)
    canvas.draw(into: &grid, x: 0, y: 0, glyphs: .asciiSet)
    #expect(grid.lines() == ["'-.|"])
  }

  @Test func markerReplacesDots() {
    var canvas = BrailleCanvas(columns: 2, rows: 1)
    canvas.setDot(x: 0, y: 0, role: .muted)
    canvas.mark(dotX: 1, dotY: 2, character: "*", role: .series(1))
    var grid = Grid(width: 2, height: 1)
    canvas.draw(into: &grid, x: 0, y: 0, glyphs: .unicodeSet)
    #expect(grid.lines() == ["* "])
    #expect(grid[0, 0]?.style.foreground == .series(1))
  }

  @Test func emptyCellsKeepGridContent() {
    let canvas = BrailleCanvas(columns: 2, rows: 1)
    var grid = Grid(width: 2, height: 1)
    grid.write("ab", x: 0, y: 0)
    canvas.draw(into: &grid, x: 0, y: 0, glyphs: .unicodeSet)
    #expect(grid.lines() == ["ab"])
  }

  @Test func zeroSizeCanvasDrawsNothing() {
    var canvas = BrailleCanvas(columns: 0, rows: 0)
    canvas.drawLine(from: (0, 0), to: (3, 3), role: .text)
    var grid = Grid(width: 2, height: 2)
    canvas.draw(into: &grid, x: 0, y: 0, glyphs: .unicodeSet)
    #expect(canvas.dotWidth == 0)
    #expect(grid.lines() == ["  ", "  "])
  }

  @Test func dotMappingClampsToRange() {
    let ranges = (x: 0.0...10.0, y: 0.0...1.0)
    let low = LineChart.dot(ChartPoint(x: -5, y: -1), ranges: ranges, width: 20, height: 8)
    let high = LineChart.dot(ChartPoint(x: 10, y: 1), ranges: ranges, width: 20, height: 8)
    #expect(low.x == 0)
    #expect(low.y == 7)
    #expect(high.x == 19)
    #expect(high.y == 0)
  }
}
