import LeptonMetrics
import Testing

private func matrix(_ actual: [Int], _ predicted: [Int], classCount: Int) throws
  -> ConfusionMatrix
{
  try ConfusionMatrix(classCount: classCount, actual: actual, predicted: predicted)
}

@Suite("Matthews correlation")
struct MatthewsCorrelationTests {
  @Test("binary example by hand")
  func binaryReference() throws {
    // The input of the example in scikit-learn's `matthews_corrcoef`
    // documentation: y_true [+1, +1, +1, -1], y_pred [+1, -1, +1, +1].
    // By hand, with -1 as class 0, and scikit-learn 1.9.1 agrees:
    // TP 2, FN 1, FP 1, TN 0, so (2·0 − 1·1) / √(3·3·1·1) = −1/3.
    let score = try matrix([1, 1, 1, 0], [1, 0, 1, 1], classCount: 2).matthewsCorrelation
    expectClose(score.value, -1.0 / 3)
    #expect(score.undefinedReason == nil)
  }

  @Test("multiclass by hand")
  func multiclassReference() throws {
    // Trace c = 3, s = 6, row and column sums all 2 (scikit-learn 1.9.1 agrees):
    // (3·6 − 12) / √((36 − 12)(36 − 12)) = 6 / 24.
    let score = try matrix([0, 0, 1, 1, 2, 2], [0, 1, 1, 2, 2, 0], classCount: 3)
      .matthewsCorrelation
    expectClose(score.value, 0.25)
  }

  @Test("perfect and inverted predictions")
  func extremes() throws {
    let perfect = try matrix([0, 1, 2, 1], [0, 1, 2, 1], classCount: 3)
    expectClose(perfect.matthewsCorrelation.value, 1)
    let inverted = try matrix([0, 1, 0, 1], [1, 0, 1, 0], classCount: 2)
    expectClose(inverted.matthewsCorrelation.value, -1)
  }

  @Test("undefined cases return 0 with a reason")
  func undefined() throws {
    // scikit-learn 1.9.1 returns 0.0 for the constant prediction, without a warning.
    let constantPrediction = try matrix([0, 1, 2, 1], [1, 1, 1, 1], classCount: 3)
      .matthewsCorrelation
    #expect(constantPrediction.value == 0)
    #expect(constantPrediction.undefinedReason == .constantPredictions)
    let constantTruth = try matrix([2, 2, 2], [0, 1, 2], classCount: 3).matthewsCorrelation
    #expect(constantTruth.value == 0)
    #expect(constantTruth.undefinedReason == .constantTrueLabels)
    let empty = ConfusionMatrix(classCount: 3).matthewsCorrelation
    #expect(empty.value == 0)
    #expect(empty.undefinedReason == .noSamples)
    #expect(
      AgreementUndefinedReason.constantPredictions.message
        == "undefined: every prediction is the same class")
  }
}

@Suite("Cohen's kappa")
struct CohenKappaTests {
  // y1 = [negative, positive, negative, neutral, positive] and
  // y2 = [negative, positive, negative, neutral, negative], with sorted labels
  // (negative 0, neutral 1, positive 2) as scikit-learn orders them.
  static let first = [0, 2, 0, 1, 2]
  static let second = [0, 2, 0, 1, 0]

  @Test("unweighted kappa by hand")
  func unweighted() throws {
    // By hand: p_o = 4/5, p_e = (2·3 + 1·1 + 2·1)/25, so (0.8 − 0.36) / 0.64.
    // scikit-learn 1.9.1 gives 0.6875 for the string labels.
    let kappa = try matrix(Self.first, Self.second, classCount: 3).cohenKappa()
    expectClose(kappa.value, 0.6875)
    #expect(kappa.undefinedReason == nil)
  }

  @Test("linear and quadratic weights by hand")
  func weighted() throws {
    // Row sums r = [2, 1, 2], column sums c = [3, 1, 1], n = 5, and the only
    // disagreement is one sample at distance 2.
    // Linear: Σ w·O = 2, Σ |i−j|·r_i·c_j / n = 24/5, so 1 − 2/4.8 = 7/12.
    // Quadratic: Σ w·O = 4, Σ (i−j)²·r_i·c_j / n = 40/5, so 1 − 4/8 = 1/2.
    // scikit-learn 1.9.1 gives 0.5833333333333333 and 0.5.
    let counts = try matrix(Self.first, Self.second, classCount: 3)
    expectClose(try counts.cohenKappa(weighting: .linear).value, 7.0 / 12, "linear")
    expectClose(try counts.cohenKappa(weighting: .quadratic).value, 0.5, "quadratic")
  }

  @Test("weights use positions among present classes")
  func absentMiddleClass() throws {
    // Class 1 never occurs, so scikit-learn's inferred labels are [0, 2] and
    // the two classes are at distance 1: every weighting gives plain kappa.
    // By hand: p_o = 2/4, p_e = (2·2 + 2·2)/16 = 1/2, so kappa = 0, which
    // scikit-learn 1.9.1 gives for every weighting.
    let counts = try matrix([0, 0, 2, 2], [0, 2, 2, 0], classCount: 3)
    for weighting in KappaWeighting.allCases {
      expectClose(try counts.cohenKappa(weighting: weighting).value, 0, weighting.rawValue)
    }
    // Over the declared classes the distance is 2, which quadratic weights
    // square; the value still cancels to 0 because both disagreements match.
    expectClose(try counts.cohenKappa(weighting: .quadratic, labels: .declared).value, 0)
  }

  @Test("one shared class is undefined")
  func undefined() throws {
    let kappa = try matrix([1, 1, 1], [1, 1, 1], classCount: 3).cohenKappa()
    #expect(kappa.value.isNaN)
    #expect(kappa.undefinedReason == .perfectChanceAgreement)
    let empty = try ConfusionMatrix(classCount: 2).cohenKappa(labels: .declared)
    #expect(empty.value.isNaN)
    #expect(empty.undefinedReason == .noSamples)
  }

  @Test("symmetric in its two raters")
  func symmetry() throws {
    var generator = SeededGenerator(seed: 7)
    let actual = (0..<60).map { _ in Int.random(in: 0..<4, using: &generator) }
    let predicted = (0..<60).map { _ in Int.random(in: 0..<4, using: &generator) }
    for weighting in KappaWeighting.allCases {
      let forward = try matrix(actual, predicted, classCount: 4).cohenKappa(weighting: weighting)
      let backward = try matrix(predicted, actual, classCount: 4).cohenKappa(weighting: weighting)
      expectClose(forward.value, backward.value, tolerance: 1e-12, weighting.rawValue)
    }
  }
}

@Suite("Agreement properties")
struct AgreementPropertyTests {
  static let seeds: [UInt64] = [1, 2, 3, 42, 2024]

  static func randomLabels(seed: UInt64, classCount: Int) -> (actual: [Int], predicted: [Int]) {
    var generator = SeededGenerator(seed: seed)
    let actual = (0..<80).map { _ in Int.random(in: 0..<classCount, using: &generator) }
    // Three in four predictions copy the label, so the statistics are positive.
    let predicted = actual.map { label in
      Int.random(in: 0..<4, using: &generator) == 0
        ? Int.random(in: 0..<classCount, using: &generator) : label
    }
    return (actual, predicted)
  }

  @Test("binary MCC equals the 2x2 formula", arguments: seeds)
  func binaryFormula(seed: UInt64) throws {
    let data = Self.randomLabels(seed: seed, classCount: 2)
    let counts = try matrix(data.actual, data.predicted, classCount: 2).binaryCounts(forClass: 1)
    let tp = Double(counts.truePositives)
    let tn = Double(counts.trueNegatives)
    let fp = Double(counts.falsePositives)
    let fn = Double(counts.falseNegatives)
    let denominator = ((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)).squareRoot()
    let expected = (tp * tn - fp * fn) / denominator
    let actual = try matrix(data.actual, data.predicted, classCount: 2).matthewsCorrelation
    expectClose(actual.value, expected, tolerance: 1e-12)
  }

  @Test("values within bounds and order-free", arguments: seeds)
  func boundsAndPermutation(seed: UInt64) throws {
    let data = Self.randomLabels(seed: seed, classCount: 5)
    var generator = SeededGenerator(seed: seed &+ 99)
    let order = Array(data.actual.indices).shuffled(using: &generator)
    let original = try matrix(data.actual, data.predicted, classCount: 5)
    let permuted = try matrix(
      order.map { data.actual[$0] }, order.map { data.predicted[$0] }, classCount: 5)
    let mcc = original.matthewsCorrelation.value
    #expect(mcc >= -1)
    #expect(mcc <= 1)
    #expect(mcc == permuted.matthewsCorrelation.value)
    for weighting in KappaWeighting.allCases {
      let kappa = try original.cohenKappa(weighting: weighting).value
      #expect(kappa >= -1, "\(weighting) kappa \(kappa)")
      #expect(kappa <= 1, "\(weighting) kappa \(kappa)")
      #expect(kappa == (try permuted.cohenKappa(weighting: weighting).value))
    }
  }
}
