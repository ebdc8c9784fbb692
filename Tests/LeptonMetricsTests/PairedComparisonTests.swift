import LeptonMetrics
import Testing

@Suite("Same test set check")
struct PairedComparisonTests {
  @Test("identical labels pass")
  func identicalLabels() throws {
    let labels: [Int32] = [0, 2, 1, 1, 0]
    try PairedComparison.checkSameTestSet(labelsA: labels, labelsB: labels)
    try PairedComparison.checkSameTestSet(labelsA: [Int32](), labelsB: [])
  }

  @Test("different sample counts throw")
  func differentCounts() {
    let error = metricsError {
      try PairedComparison.checkSameTestSet(labelsA: [0, 1, 2] as [Int], labelsB: [0, 1])
    }
    #expect(error == .testSetSizeMismatch(countA: 3, countB: 2))
  }

  @Test("first differing label reported")
  func firstDifference() {
    let error = metricsError {
      try PairedComparison.checkSameTestSet(
        labelsA: [0, 1, 2, 3, 4] as [Int], labelsB: [0, 1, 4, 3, 2])
    }
    #expect(error == .testSetLabelMismatch(index: 2, labelA: 2, labelB: 4))
  }

  @Test("same labels in another order throw")
  func reordered() {
    // A shuffled copy of one test set has the same counts per class, but
    // samples no longer line up by index.
    let error = metricsError {
      try PairedComparison.checkSameTestSet(labelsA: [0, 0, 1, 1] as [Int], labelsB: [0, 1, 0, 1])
    }
    #expect(error == .testSetLabelMismatch(index: 1, labelA: 0, labelB: 1))
  }
}
