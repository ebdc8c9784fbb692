import LeptonEngine
import LeptonMetrics

extension DashboardState {
  /// Computes one-vs-rest ROC curves for every class of an evaluation and keeps
  /// at most `rocPointLimit` points of each. Throws `MetricsError` when the
  /// labels or scores are invalid, such as NaN scores after a diverged step.
  static func rocSeries(for evaluation: Evaluation, classNames: [String]) throws -> [ROCSeries] {
    let curves = try ClassificationReport.oneVsRestROCCurves(
      labels: evaluation.labels, probabilities: evaluation.scores,
      classCount: evaluation.classCount, dropIntermediate: true)
    return curves.enumerated().map { index, curve in
      let name = index < classNames.count ? classNames[index] : String(index)
      let rates = downsample(
        falsePositiveRates: curve.falsePositiveRates,
        truePositiveRates: curve.truePositiveRates, limit: rocPointLimit)
      return ROCSeries(
        className: name, falsePositiveRates: rates.falsePositive,
        truePositiveRates: rates.truePositive, auc: curve.auc)
    }
  }

  /// Keeps at most `limit` points spread evenly along the curve, always keeping
  /// the first and last point so the curve still runs from (0, 0) to (1, 1).
  static func downsample(
    falsePositiveRates: [Double], truePositiveRates: [Double], limit: Int
  ) -> (falsePositive: [Double], truePositive: [Double]) {
    let count = min(falsePositiveRates.count, truePositiveRates.count)
    guard count > limit, limit >= 2 else {
      return (Array(falsePositiveRates.prefix(count)), Array(truePositiveRates.prefix(count)))
    }
    var falsePositive: [Double] = []
    var truePositive: [Double] = []
    falsePositive.reserveCapacity(limit)
    truePositive.reserveCapacity(limit)
    for slot in 0..<limit {
      let index = slot * (count - 1) / (limit - 1)
      falsePositive.append(falsePositiveRates[index])
      truePositive.append(truePositiveRates[index])
    }
    return (falsePositive, truePositive)
  }
}
