import Foundation
import LeptonEngine
import LeptonMetrics

/// One test metric of the comparison tables, with the direction that counts as better.
public struct ComparedMetric: Sendable {
  public var name: String
  public var higherIsBetter: Bool
  public var value: @Sendable (ClassificationReport) -> Double

  public init(
    name: String, higherIsBetter: Bool, value: @escaping @Sendable (ClassificationReport) -> Double
  ) {
    self.name = name
    self.higherIsBetter = higherIsBetter
    self.value = value
  }
}

/// McNemar's test and paired bootstrap intervals of one run against run A, on the same
/// test images.
public struct PairedStatistics: Sendable, Equatable {
  public var mcNemar: McNemarTest
  public var bootstrap: PairedBootstrapDifference
  /// The bootstrap seed, shown next to the intervals so that they can be reproduced.
  public var seed: UInt64

  /// Runs both tests on argmax predictions of the same labelled test set.
  /// - Throws: `MetricsError` when the label and prediction vectors differ in length or
  ///   there are fewer than two classes.
  public init(
    labels: [Int32], predictionsA: [Int32], predictionsB: [Int32], classCount: Int, seed: UInt64
  ) throws {
    mcNemar = try McNemarTest(
      labels: labels, predictionsA: predictionsA, predictionsB: predictionsB)
    bootstrap = try PairedBootstrapDifference(
      labels: labels, predictionsA: predictionsA, predictionsB: predictionsB,
      classCount: classCount, seed: seed)
    self.seed = seed
  }
}

/// Text formatting shared by `lepton compare`'s tables and its interactive screen, so
/// that both show the same numbers the same way.
public enum ComparisonText {
  /// The metrics of the comparison table, in display order.
  public static let metrics: [ComparedMetric] = [
    ComparedMetric(name: "accuracy", higherIsBetter: true) { $0.accuracy },
    ComparedMetric(name: "macro precision", higherIsBetter: true) { $0.macro.precision },
    ComparedMetric(name: "macro recall", higherIsBetter: true) { $0.macro.recall },
    ComparedMetric(name: "macro F1", higherIsBetter: true) { $0.macro.f1 },
    ComparedMetric(name: "macro AUC", higherIsBetter: true) { $0.macro.auc },
    ComparedMetric(name: "balanced accuracy", higherIsBetter: true) { $0.balancedAccuracy },
    ComparedMetric(name: "loss", higherIsBetter: false) { $0.loss },
    ComparedMetric(name: "MAE", higherIsBetter: false) { $0.meanAbsoluteError },
  ]

  /// Returns the column name of run `index`: A, B, C and so on, then R27, R28 past Z.
  public static func letter(_ index: Int) -> String {
    index < 26 ? String(UnicodeScalar(UInt8(65 + index))) : "R\(index + 1)"
  }

  /// Formats a metric with four decimals, or "undefined" for NaN.
  public static func value(_ value: Double) -> String {
    value.isNaN ? "undefined" : String(format: "%.4f", value)
  }

  /// Formats `value - base` with a sign and four decimals, or "-" when either is NaN.
  public static func change(_ value: Double, from base: Double) -> String {
    guard !value.isNaN, !base.isNaN else { return "-" }
    return String(format: "%+.4f", value - base)
  }

  /// Returns the index of the best defined value, the first one on ties, or nil when no
  /// value is defined.
  public static func bestIndex(of values: [Double], higherIsBetter: Bool) -> Int? {
    var best: Int?
    for (index, value) in values.enumerated() where !value.isNaN {
      guard let current = best else {
        best = index
        continue
      }
      if higherIsBetter ? value > values[current] : value < values[current] { best = index }
    }
    return best
  }

  /// Formats McNemar's p-value as "= 0.01234", or "< 1e-300" when it underflows to zero.
  public static func pValue(_ test: McNemarTest) -> String {
    test.pValue > 0 ? "= " + String(format: "%.4g", test.pValue) : "< 1e-300"
  }

  /// Formats McNemar's result of run `letter` against A on one line, without indentation.
  public static func mcNemarLine(_ test: McNemarTest, letter: String) -> String {
    let method = test.method == .exactBinomial ? "exact binomial" : "chi-squared"
    return "\(letter): McNemar p \(pValue(test)) (\(method); "
      + "\(test.onlyACorrectCount) right only in A, "
      + "\(test.onlyBCorrectCount) right only in \(letter))"
      + (test.note.map { ", \($0)" } ?? "")
  }

  /// Formats the bootstrap intervals of the accuracy and macro-F1 differences of run
  /// `letter` against A, one line each, without indentation.
  public static func bootstrapLines(_ statistics: PairedStatistics, letter: String) -> [String] {
    let bootstrap = statistics.bootstrap
    return [
      ("accuracy", bootstrap.accuracyDifference), ("macro F1", bootstrap.macroF1Difference),
    ].map { name, interval in
      "\(name) \(letter) - A \(String(format: "%+.4f", interval.estimate)), 95% interval "
        + "\(String(format: "%+.4f", interval.lower)) to \(String(format: "%+.4f", interval.upper))"
        + " (\(bootstrap.resampleCount) paired resamples, seed \(statistics.seed))"
    }
  }

  /// Formats an interval as "+0.0120 [-0.0040, +0.0280]", for narrow places.
  public static func shortInterval(_ interval: ConfidenceInterval) -> String {
    String(
      format: "%+.4f [%+.4f, %+.4f]", interval.estimate, interval.lower, interval.upper)
  }
}
