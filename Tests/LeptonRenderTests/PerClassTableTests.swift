import LeptonEngine
import LeptonMetrics
import Testing

@testable import LeptonRender

/// The per-class table: latest, best and change per metric, support and the F1 sparkline.
struct PerClassTableTests {
  func render(_ table: PerClassTable, width: Int, height: Int, glyphs: GlyphSet = .unicodeSet)
    -> [String]
  {
    var grid = Grid(width: width, height: height)
    table.draw(in: grid.bounds, on: &grid, glyphs: glyphs)
    return grid.lines()
  }

  @Test func wideTableShowsBestAndChange() throws {
    let epochs = (1...6).map(FakeRun.summary(epoch:))
    let table = PerClassTable(epochs: epochs, classNames: FakeRun.classNames)
    let lines = render(table, width: 118, height: 11)
    try expectGolden(lines, named: "PerClassTableWide")
    #expect(lines[0].hasPrefix("Class         Prec   best change  Recall   best change"))
    #expect(lines[0].contains("Support  F1 trend"))
    // Shirt (row 7) is the sixth class's F1 rising every epoch in the fake run.
    let shirt = try #require(lines.first { $0.hasPrefix("Shirt") })
    let f1 = try #require(epochs.last?.test.perClass[6].f1)
    let previous = epochs[4].test.perClass[6].f1
    #expect(shirt.contains(NumberFormat.fixed(f1, decimals: 4)))
    let change = (f1 >= previous ? "+" : "-") + NumberFormat.fixed(abs(f1 - previous), decimals: 3)
    #expect(shirt.contains(change))
    #expect(shirt.contains(" 1000 "))
  }

  @Test func narrowTableDropsBestThenChange() {
    let epochs = (1...3).map(FakeRun.summary(epoch:))
    let table = PerClassTable(epochs: epochs, classNames: FakeRun.classNames)
    #expect(table.columns(width: 118).showsBest)
    let medium = table.columns(width: 96)
    #expect(!medium.showsBest)
    #expect(medium.showsChange)
    let narrow = table.columns(width: 70)
    #expect(!narrow.showsBest)
    #expect(!narrow.showsChange)
    let lines = render(table, width: 70, height: 4, glyphs: .asciiSet)
    #expect(lines[0].hasPrefix("Class         Prec  Recall      F1     AUC Support"))
    #expect(!lines[0].contains("best"))
  }

  @Test func firstEpochHasNoChange() {
    let table = PerClassTable(epochs: [FakeRun.summary(epoch: 1)], classNames: FakeRun.classNames)
    let lines = render(table, width: 118, height: 3)
    let row = lines[1].split(separator: " ")
    #expect(row.contains("-"), "\(lines[1])")
  }

  @Test func undefinedAUCIsMarked() {
    var summary = FakeRun.summary(epoch: 2)
    summary.test = FakeRun.report(epoch: 2, undefinedAUC: true)
    let table = PerClassTable(epochs: [summary], classNames: FakeRun.classNames)
    let lines = render(table, width: 118, height: 11)
    let bag = lines.first { $0.hasPrefix("Bag") } ?? ""
    #expect(bag.contains("undef"), "\(bag)")
  }

  @Test func bestIgnoresUndefinedEpochs() {
    var first = FakeRun.summary(epoch: 1)
    first.test.perClass[0].auc = .nan
    let second = FakeRun.summary(epoch: 2)
    let table = PerClassTable(epochs: [first, second], classNames: FakeRun.classNames)
    let auc = PerClassMetric.all[3]
    #expect(table.bestValue(auc, classIndex: 0) == second.test.perClass[0].auc)
  }

  @Test func emptyRunSaysSo() {
    let table = PerClassTable(epochs: [], classNames: [])
    #expect(render(table, width: 60, height: 3).joined().contains("no finished epoch yet"))
  }

  @Test func sparklineScalesToSeriesRange() {
    #expect(PerClassTable.sparkline([0.1, 0.5, 0.9], glyphs: .unicodeSet) == "▁▅█")
    #expect(PerClassTable.sparkline([0.2, .nan, 0.4], glyphs: .asciiSet) == "_ #")
    #expect(PerClassTable.sparkline([0.7, 0.7], glyphs: .unicodeSet) == "▅▅")
    #expect(PerClassTable.sparkline([.nan], glyphs: .unicodeSet) == " ")
  }
}
