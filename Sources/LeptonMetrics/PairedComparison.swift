/// Input checks for statistics that compare two models sample by sample.
public enum PairedComparison {
  /// Throws unless both label vectors have the same length and the same
  /// label at every index. Paired statistics such as McNemar's test and
  /// the paired bootstrap match samples by index, so two runs on different
  /// test sets, or on one test set in another order, would give numbers
  /// without meaning. Equal labels are necessary but not sufficient: two
  /// test sets with the same labels in the same order also pass.
  /// - Throws: `MetricsError.testSetSizeMismatch` for different lengths,
  ///   or `MetricsError.testSetLabelMismatch` at the first differing index.
  public static func checkSameTestSet<Label: BinaryInteger>(labelsA: [Label], labelsB: [Label])
    throws
  {
    guard labelsA.count == labelsB.count else {
      throw MetricsError.testSetSizeMismatch(countA: labelsA.count, countB: labelsB.count)
    }
    for (index, (labelA, labelB)) in zip(labelsA, labelsB).enumerated() where labelA != labelB {
      throw MetricsError.testSetLabelMismatch(
        index: index, labelA: Int(clamping: labelA), labelB: Int(clamping: labelB))
    }
  }
}
