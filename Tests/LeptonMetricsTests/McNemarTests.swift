import Foundation
import LeptonMetrics
import Testing

@Suite("McNemar's test")
struct McNemarTests {
  @Test("exact test on b = 1, c = 6")
  func exactSmallTable() {
    // P[X <= 1] for X ~ Binomial(7, 1/2) is (1 + 7) / 128, doubled.
    let test = McNemarTest(onlyACorrectCount: 1, onlyBCorrectCount: 6)
    #expect(test.method == .exactBinomial)
    #expect(test.statistic == 1)
    expectClose(test.pValue, 2 * (1 + 7) / 128.0, tolerance: 1e-15, "p-value")
    #expect(test.note == nil)
  }

  @Test("chi-squared test on b = 10, c = 20")
  func chiSquaredTable() {
    // (|10 - 20| - 1)² / 30 = 81 / 30 = 2.7, and P[chi²(1) > 2.7] from
    // scipy.stats.chi2.sf(2.7, 1).
    let test = McNemarTest(onlyACorrectCount: 10, onlyBCorrectCount: 20)
    #expect(test.method == .chiSquaredContinuityCorrected)
    expectClose(test.statistic, 2.7, tolerance: 1e-15, "statistic")
    expectClose(test.pValue, 0.10034824646229054, tolerance: 1e-14, "p-value")
  }

  @Test("exact and chi-squared boundary")
  func boundary() {
    // b + c = 24 is the largest exact case and 25 the smallest chi-squared
    // case. Reference values: scipy.stats.binomtest(5, 24).pvalue and
    // chi2.sf(169 / 25, 1).
    let exact = McNemarTest(onlyACorrectCount: 5, onlyBCorrectCount: 19)
    #expect(exact.method == .exactBinomial)
    #expect(exact.statistic == 5)
    expectClose(exact.pValue, 0.006610751152038574, tolerance: 1e-15, "exact p-value")

    let approximate = McNemarTest(onlyACorrectCount: 6, onlyBCorrectCount: 19)
    #expect(approximate.method == .chiSquaredContinuityCorrected)
    expectClose(approximate.statistic, 5.76, tolerance: 1e-14, "chi-squared statistic")
    expectClose(approximate.pValue, 0.01639507184919225, tolerance: 1e-14, "chi-squared p-value")
  }

  @Test("equal counts above exact limit")
  func equalLargeCounts() {
    // The correction stops at 0: max(0, |30 - 30| - 1)² / 60 = 0, so p = 1 exactly.
    let test = McNemarTest(onlyACorrectCount: 30, onlyBCorrectCount: 30)
    #expect(test.method == .chiSquaredContinuityCorrected)
    #expect(test.statistic == 0)
    #expect(test.pValue == 1)
    // Counts one apart meet the clamp's edge: (|31 - 30| - 1)² / 61 = 0 as well.
    let adjacent = McNemarTest(onlyACorrectCount: 31, onlyBCorrectCount: 30)
    #expect(adjacent.statistic == 0)
    #expect(adjacent.pValue == 1)
    // Two apart: (2 - 1)² / 62, and scipy.stats.chi2.sf(1 / 62, 1).
    let apart = McNemarTest(onlyACorrectCount: 32, onlyBCorrectCount: 30)
    expectClose(apart.statistic, 1 / 62.0, tolerance: 1e-15, "statistic")
    expectClose(apart.pValue, 0.8989402980321263, tolerance: 1e-14, "p-value")
  }

  @Test("exact cases against scipy")
  func exactCases() {
    // (b, c, scipy.stats.binomtest(min(b, c), b + c).pvalue), scipy 1.17.1.
    let cases: [(Int, Int, Double)] = [
      (0, 7, 0.015625),
      (3, 21, 0.0002771615982055664),
      (1, 23, 2.9802322387695312e-06),
      (13, 11, 0.8388197422027588),
      (12, 12, 1),
    ]
    for (onlyA, onlyB, expected) in cases {
      let test = McNemarTest(onlyACorrectCount: onlyA, onlyBCorrectCount: onlyB)
      #expect(test.method == .exactBinomial, "b = \(onlyA), c = \(onlyB)")
      expectClose(test.pValue, expected, tolerance: 1e-14, "b = \(onlyA), c = \(onlyB)")
    }
  }

  @Test("large counts against scipy")
  func largeCounts() {
    // Statistic and p-value from scipy.stats.chi2.sf, exact p-value from
    // scipy.stats.binomtest(min(b, c), b + c).pvalue.
    let test = McNemarTest(onlyACorrectCount: 4000, onlyBCorrectCount: 4210)
    #expect(test.method == .chiSquaredContinuityCorrected)
    expectClose(test.statistic, 5.320462850182704, tolerance: 1e-12, "statistic")
    expectClose(test.pValue, 0.02107641241549583, tolerance: 1e-13, "p-value")
    let exact = McNemarTest.exactPValue(onlyACorrectCount: 4000, onlyBCorrectCount: 4210)
    expectClose(exact, 0.021070767756658847, tolerance: 1e-12, "exact p-value")
    let smaller = McNemarTest.exactPValue(onlyACorrectCount: 480, onlyBCorrectCount: 560)
    expectClose(smaller, 0.014259079095385853, tolerance: 1e-13, "exact p-value, n = 1040")
  }

  @Test("far tail in log space")
  func farTail() {
    // 2^-2000 underflows Double, so summing P[X = i] directly would give 0.
    // Reference: 2 · exp(scipy.stats.binom.logcdf(300, 2000, 0.5)).
    let pValue = McNemarTest.exactPValue(onlyACorrectCount: 300, onlyBCorrectCount: 1700)
    let expected = 7.641730279586556e-237
    #expect(abs(pValue - expected) <= 1e-9 * expected, "p-value \(pValue)")
  }

  @Test("no discordant samples")
  func noDiscordantSamples() {
    let test = McNemarTest(onlyACorrectCount: 0, onlyBCorrectCount: 0)
    #expect(test.pValue == 1)
    #expect(test.statistic == 0)
    #expect(test.note != nil)
  }

  @Test("swapping models keeps the result")
  func symmetry() {
    for (onlyA, onlyB) in [(1, 6), (5, 19), (6, 19), (10, 20), (480, 560)] {
      let forward = McNemarTest(onlyACorrectCount: onlyA, onlyBCorrectCount: onlyB)
      let backward = McNemarTest(onlyACorrectCount: onlyB, onlyBCorrectCount: onlyA)
      #expect(forward.statistic == backward.statistic, "b = \(onlyA), c = \(onlyB)")
      #expect(forward.pValue == backward.pValue, "b = \(onlyA), c = \(onlyB)")
      #expect(forward.method == backward.method, "b = \(onlyA), c = \(onlyB)")
    }
  }

  @Test("counts from predictions")
  func countsFromPredictions() throws {
    let labels = [0, 1, 2, 0, 1, 2, 0, 1]
    // Sample: 0 both right, 1 only A, 2 only A, 3 only B, 4 both wrong,
    // 5 only A, 6 both right, 7 only B.
    let predictionsA = [0, 1, 2, 1, 0, 2, 0, 0]
    let predictionsB = [0, 0, 0, 0, 2, 1, 0, 1]
    let test = try McNemarTest(
      labels: labels, predictionsA: predictionsA, predictionsB: predictionsB)
    #expect(test.onlyACorrectCount == 3)
    #expect(test.onlyBCorrectCount == 2)
    let fromCorrectness = try McNemarTest(
      correctA: zip(labels, predictionsA).map { $0 == $1 },
      correctB: zip(labels, predictionsB).map { $0 == $1 })
    #expect(fromCorrectness == test)
  }

  @Test("mismatched lengths throw")
  func lengthMismatch() {
    let error = metricsError {
      try McNemarTest(labels: [0, 1, 2], predictionsA: [0, 1, 2], predictionsB: [0, 1])
    }
    #expect(error == .lengthMismatch(name: "predictionsB", expected: 3, actual: 2))
    let correctnessError = metricsError {
      try McNemarTest(correctA: [true, false], correctB: [true])
    }
    #expect(correctnessError == .lengthMismatch(name: "correctB", expected: 2, actual: 1))
  }
}
