import LeptonEngine

/// One column of the per-epoch metric table. The dashboard and the headless
/// output share these, so both print the same columns in the same format.
public struct EpochColumn: Sendable {
  public var header: String
  /// Width in characters; values are right-aligned.
  public var width: Int
  /// Formats one epoch's value in at most `width` characters.
  public var value: @Sendable (EpochSummary) -> String

  public init(header: String, width: Int, value: @escaping @Sendable (EpochSummary) -> String) {
    self.header = header
    self.width = width
    self.value = value
  }

  /// Every column of a run without a validation set, in display order: epoch,
  /// losses, accuracy, the macro averages of precision, recall, F1 and AUC, mean
  /// absolute error, duration and throughput. Undefined metrics print as "n/a".
  public static let all = trainingColumns + testColumns

  /// Validation loss and accuracy, shown after the training loss when the run holds
  /// out a validation set. An epoch without a validation report prints "n/a".
  public static let validation: [EpochColumn] = [
    EpochColumn(header: "Val loss", width: 8) { metric($0.validation?.loss ?? .nan, width: 8) },
    EpochColumn(header: "Val acc", width: 7) {
      NumberFormat.percent($0.validation?.accuracy ?? .nan, decimals: 2)
    },
  ]

  /// Returns every column in display order, with the validation columns after the
  /// training loss when `includingValidation` is true.
  public static func columns(includingValidation: Bool) -> [EpochColumn] {
    includingValidation ? trainingColumns + validation + testColumns : all
  }

  private static let trainingColumns: [EpochColumn] = [
    EpochColumn(header: "Epoch", width: 5) { String($0.epoch) },
    EpochColumn(header: "Train loss", width: 10) { metric($0.trainLoss, width: 10) },
  ]

  private static let testColumns: [EpochColumn] = [
    EpochColumn(header: "Test loss", width: 9) { metric($0.test.loss, width: 9) },
    EpochColumn(header: "Accuracy", width: 8) {
      NumberFormat.percent($0.test.accuracy, decimals: 2)
    },
    EpochColumn(header: "Precision", width: 9) { metric($0.test.macro.precision, width: 9) },
    EpochColumn(header: "Recall", width: 6) { metric($0.test.macro.recall, width: 6) },
    EpochColumn(header: "F1", width: 6) { metric($0.test.macro.f1, width: 6) },
    EpochColumn(header: "AUC", width: 6) { metric($0.test.macro.auc, width: 6) },
    EpochColumn(header: "MAE", width: 6) { metric($0.test.meanAbsoluteError, width: 6) },
    EpochColumn(header: "Time", width: 6) {
      NumberFormat.shortDuration($0.trainSeconds + $0.evaluationSeconds)
    },
    EpochColumn(header: "Img/s", width: 6) { NumberFormat.rate($0.imagesPerSecond) },
  ]

  /// Spaces between columns.
  public static let gap = 2

  /// Returns the leading columns that fit in `width`, keeping at least the epoch column
  /// when it fits.
  public static func fitting(width: Int, includingValidation: Bool = false) -> [EpochColumn] {
    var used = 0
    var result: [EpochColumn] = []
    for column in columns(includingValidation: includingValidation) {
      let needed = result.isEmpty ? column.width : column.width + gap
      if used + needed > width { break }
      used += needed
      result.append(column)
    }
    return result
  }

  /// Joins cell texts padded to their columns' widths.
  public static func line(_ texts: [String], columns: [EpochColumn]) -> String {
    zip(texts, columns).map { text, column in
      TextFit.pad(text, to: column.width, alignment: .right)
    }.joined(separator: String(repeating: " ", count: gap))
  }

  private static func metric(_ value: Double, width: Int) -> String {
    NumberFormat.metric(value, width: width)
  }
}

/// The per-epoch metric table: a header row, then the latest epochs that fit,
/// with the best epoch highlighted. The validation columns appear when the run holds out
/// a validation set or any epoch has a validation report.
public struct EpochTable: Sendable {
  public var epochs: [EpochSummary]
  /// Whether the run has a validation set, so its columns show before the first epoch ends.
  public var expectsValidation: Bool

  public init(epochs: [EpochSummary], expectsValidation: Bool = false) {
    self.epochs = epochs
    self.expectsValidation = expectsValidation
  }

  public func draw(in rect: Rect, on grid: inout Grid, glyphs: GlyphSet) {
    guard !rect.isEmpty else { return }
    let hasValidation = expectsValidation || epochs.contains { $0.validation != nil }
    let columns = EpochColumn.fitting(width: rect.width, includingValidation: hasValidation)
    guard !columns.isEmpty else { return }
    let header = EpochColumn.line(columns.map(\.header), columns: columns)
    grid.write(
      header, x: rect.x, y: rect.y, style: Style(foreground: .title, bold: true),
      clip: rect)
    let rows = rect.height - 1
    guard rows > 0 else { return }
    guard !epochs.isEmpty else {
      grid.writeCentered("no finished epoch yet", in: rect.splitTop(1).rest, glyphs: glyphs)
      return
    }
    let best = bestEpoch()
    for (offset, summary) in epochs.suffix(rows).enumerated() {
      let texts = columns.map { $0.value(summary) }
      let style = Style(foreground: summary.epoch == best ? .good : .text)
      grid.write(
        EpochColumn.line(texts, columns: columns), x: rect.x, y: rect.y + 1 + offset,
        style: style, clip: rect)
    }
  }

  /// Returns the epoch with the highest defined validation accuracy, or test accuracy
  /// when no epoch has a validation report, the earliest on ties. Choosing by
  /// validation keeps the test set out of model selection.
  func bestEpoch() -> Int? {
    let hasValidation = epochs.contains { $0.validation != nil }
    func accuracy(_ summary: EpochSummary) -> Double {
      hasValidation ? summary.validation?.accuracy ?? .nan : summary.test.accuracy
    }
    var best: EpochSummary?
    for summary in epochs where !accuracy(summary).isNaN {
      if best.map({ accuracy(summary) > accuracy($0) }) ?? true { best = summary }
    }
    return best?.epoch
  }
}
