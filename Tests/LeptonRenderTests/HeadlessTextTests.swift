import LeptonEngine
import LeptonMetrics
import Testing

@testable import LeptonRender

@Suite struct HeadlessTextTests {
  @Test func progressLineAlignsSteps() {
    let progress = BatchProgress(
      epoch: 3, step: 42, stepsPerEpoch: 938, globalStep: 1918, loss: 0.41234, accuracy: 0.859375,
      imagesPerSecond: 4321.4)
    let line = HeadlessText.progressLine(progress, epochs: 10, secondsRemaining: 252)
    #expect(
      line
        == "epoch  3/10  step  42/938  batch loss 0.4123  batch acc 0.8594  4321 img/s  ETA 4m12s")
  }

  @Test func progressLineWithoutEstimate() {
    let progress = BatchProgress(
      epoch: 1, step: 1, stepsPerEpoch: 9, globalStep: 1, loss: .nan, accuracy: 0,
      imagesPerSecond: 0)
    let line = HeadlessText.progressLine(progress, epochs: 2, secondsRemaining: nil)
    #expect(line == "epoch 1/2  step 1/9  batch loss undefined  batch acc 0.0000  0 img/s")
  }

  @Test func progressLineFromState() {
    #expect(HeadlessText.progressLine(state: DashboardState()) == nil)
    let line = HeadlessText.progressLine(state: FakeRun.midRunState())
    #expect(line?.hasPrefix("epoch  4/10  step 512/938") == true)
  }

  @Test func epochRowsAlignWithHeader() throws {
    var summary = FakeRun.summary(epoch: 2)
    summary.test.macro.auc = .nan
    let header = HeadlessText.epochTableHeader()
    let row = HeadlessText.epochTableRow(summary)
    try expectGolden(
      [header, row, HeadlessText.epochTableRow(FakeRun.summary(epoch: 10))],
      named: "HeadlessEpochTable")
    #expect(header.count == row.count)
    #expect(row.contains("n/a"))
  }

  @Test func epochRowsWithValidation() throws {
    let header = HeadlessText.epochTableHeader(includingValidation: true)
    let rows = [
      HeadlessText.epochTableRow(FakeRun.summary(epoch: 2, validationAccuracy: 0.9012)),
      HeadlessText.epochTableRow(FakeRun.summary(epoch: 10, validationAccuracy: 1)),
    ]
    try expectGolden([header] + rows, named: "HeadlessEpochTableValidation")
    #expect(header.hasPrefix("Epoch  Train loss  Val loss  Val acc  Test loss"))
    for row in rows {
      #expect(row.count == header.count)
    }
    #expect(rows[0].contains("90.12%"))
    #expect(rows[1].contains("100.00%"))
    // Without a validation report the row keeps the columns of the plain header.
    let plainHeader = HeadlessText.epochTableHeader()
    #expect(!plainHeader.contains("Val"))
    #expect(HeadlessText.epochTableRow(FakeRun.summary(epoch: 2)).count == plainHeader.count)
  }

  @Test func finalReportListsEverything() throws {
    let report = FakeRun.report(epoch: 10, undefinedAUC: true)
    let text = HeadlessText.finalReport(report, classNames: FakeRun.classNames)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    try expectGolden(lines, named: "HeadlessFinalReport")
    let bagLine = try #require(lines.first { $0.hasPrefix("Bag") })
    #expect(bagLine.hasSuffix("undefined"))
    #expect(lines.contains { $0.hasPrefix("weighted avg") })
    #expect(!text.hasSuffix("\n"))
  }

  @Test func formatsNumbersWithoutLocale() {
    #expect(NumberFormat.fixed(0.12345, decimals: 4) == "0.1235")
    #expect(NumberFormat.fixed(-0.00001, decimals: 2) == "0.00")
    #expect(NumberFormat.fixed(-1.5, decimals: 0) == "-2")
    #expect(NumberFormat.fixed(3, decimals: 2) == "3.00")
    #expect(NumberFormat.fixed(.infinity, decimals: 2) == "inf")
    #expect(NumberFormat.metric(.nan) == "undefined")
    #expect(NumberFormat.percent(0.8912, decimals: 2) == "89.12%")
    #expect(NumberFormat.trimmed(0.0100) == "0.01")
    #expect(NumberFormat.trimmed(3) == "3")
  }

  @Test func formatsDurations() {
    #expect(NumberFormat.duration(42.4) == "42s")
    #expect(NumberFormat.duration(252) == "4m12s")
    #expect(NumberFormat.duration(3725) == "1h02m")
    #expect(NumberFormat.duration(-1) == "--")
    #expect(NumberFormat.shortDuration(14.63) == "14.6s")
  }

  @Test func compactCountsFitWidth() {
    #expect(NumberFormat.compactCount(953, width: 3) == "953")
    #expect(NumberFormat.compactCount(1000, width: 3) == "1k")
    #expect(NumberFormat.compactCount(12_345, width: 3) == "12k")
    #expect(NumberFormat.compactCount(953, width: 2) == nil)
  }
}
