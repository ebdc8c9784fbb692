import Foundation
import LeptonMetrics
import Testing

@Suite("Report encoding")
struct CodableTests {
  /// NaN marks undefined values, so JSON needs a spelling for non-finite numbers.
  static func encoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "NaN")
    return encoder
  }

  static func decoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "NaN")
    return decoder
  }

  @Test("round trip keeps every field")
  func roundTrip() throws {
    // Class 2 has no samples, so its AUC and AP are NaN.
    let report = try ClassificationReport.compute(
      labels: [0, 1, 0, 1], probabilities: oneHot([0, 1, 1, 2], classCount: 3), classCount: 3)
    let data = try Self.encoder().encode(report)
    let decoded = try Self.decoder().decode(ClassificationReport.self, from: data)
    #expect(decoded.perClass[2].auc.isNaN)
    #expect(decoded.perClass[2].aucUndefinedReason == .noPositiveSamples)
    #expect(decoded.perClass[2].undefined == report.perClass[2].undefined)
    #expect(decoded.confusionMatrix == report.confusionMatrix)
    #expect(decoded.macro.includedClasses == report.macro.includedClasses)
    #expect(decoded.zeroDivision == .zero)
    // Re-encoding gives the same bytes, which compares NaN fields too.
    #expect(try Self.encoder().encode(decoded) == data)
  }

  @Test("fields added later default when missing")
  func olderFormat() throws {
    let json = """
      {"precision": 0.5, "recall": 1, "f1": 0.6666, "support": 2, "auc": "NaN"}
      """
    let metrics = try Self.decoder().decode(ClassMetrics.self, from: Data(json.utf8))
    #expect(metrics.support == 2)
    #expect(metrics.auc.isNaN)
    #expect(metrics.averagePrecision.isNaN)
    #expect(metrics.undefined == [])
    #expect(metrics.aucUndefinedReason == nil)
  }
}
