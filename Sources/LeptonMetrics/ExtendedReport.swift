/// Choices behind an `ExtendedReport`.
public struct ExtendedReportOptions: Sendable, Equatable {
  /// Score kind and zero-division policy, as for `ClassificationReport`.
  public var base: ReportOptions
  /// Values of k for top-k accuracy. Values above the class count are skipped.
  public var topK: [Int]
  /// Equal-width bins of the reliability table.
  public var calibrationBinCount: Int
  /// Bootstrap resamples, or nil to skip the intervals. Their cost grows with
  /// resamples × samples × classes, so they are off unless requested.
  public var bootstrapResampleCount: Int?
  public var bootstrapSeed: UInt64
  /// Coverage of the bootstrap intervals, in (0, 1).
  public var confidenceLevel: Double

  public init(
    base: ReportOptions = ReportOptions(), topK: [Int] = [1, 5], calibrationBinCount: Int = 15,
    bootstrapResampleCount: Int? = nil, bootstrapSeed: UInt64 = 0, confidenceLevel: Double = 0.95
  ) {
    self.base = base
    self.topK = topK
    self.calibrationBinCount = calibrationBinCount
    self.bootstrapResampleCount = bootstrapResampleCount
    self.bootstrapSeed = bootstrapSeed
    self.confidenceLevel = confidenceLevel
  }
}

/// Top-k accuracy for one k, with the samples whose tie at the k-th place
/// scikit-learn's tie rule decided.
public struct TopKEntry: Sendable, Codable, Equatable {
  public var k: Int
  public var accuracy: ReportedValue
  public var hitCount: Int
  public var tiedAtBoundaryCount: Int
}

/// Average precision per class and averaged, as scikit-learn's
/// `average_precision_score`, except that a class without positive samples
/// is undefined (scikit-learn stores 0) and left out of macro and weighted.
public struct AveragePrecisionSummary: Sendable, Codable, Equatable {
  /// In declared class order.
  public var perClass: [ReportedValue]
  public var macro: ReportedValue
  /// Weighted by support.
  public var weighted: ReportedValue
  /// Every score ranked against its one-hot target.
  public var micro: ReportedValue
  /// Classes that entered macro and weighted, for "k of n classes".
  public var includedClassCount: Int
  public var undefinedClassCount: Int
}

/// One-vs-one ROC AUC (Hand & Till), as scikit-learn's
/// `roc_auc_score(multi_class="ovo")` and its weighted variant.
public struct OneVsOneAUCSummary: Sendable, Codable, Equatable {
  public var macro: ReportedValue
  /// Pairs weighted by the fraction of samples in either class.
  public var weighted: ReportedValue
  public var includedPairCount: Int
  /// Pairs left out because a class of the pair has no samples.
  public var undefinedPairCount: Int
}

/// The reliability table with ECE and the maximum calibration error.
public struct CalibrationSummary: Sendable, Codable, Equatable {
  public var bins: [ReliabilityBin]
  public var expectedCalibrationError: ReportedValue
  public var maximumCalibrationError: ReportedValue
}

/// Bootstrap intervals with the settings that reproduce them.
public struct BootstrapSummary: Sendable, Codable, Equatable {
  public var seed: UInt64
  public var resampleCount: Int
  public var accuracy: ConfidenceInterval
  public var macroF1: ConfidenceInterval
  public var macroAUC: ConfidenceInterval
}

/// `ClassificationReport` plus the metrics that need more than its counts:
/// top-k accuracy, Matthews correlation, Cohen's kappa, one-vs-one AUC,
/// average precision, calibration and, on request, bootstrap intervals.
///
/// The embedded `report` encodes as before, so its NaN values still need a
/// non-conforming float strategy. Every other value encodes NaN as `null`
/// beside an "undefined" reason.
public struct ExtendedReport: Sendable, Codable, Equatable {
  public var report: ClassificationReport
  public var topK: [TopKEntry]
  /// 0 with a reason where undefined, as scikit-learn's `matthews_corrcoef`.
  public var matthewsCorrelation: ReportedValue
  /// Unweighted, linear and quadratic kappa over the classes present.
  public var cohenKappa: ReportedValue
  public var cohenKappaLinear: ReportedValue
  public var cohenKappaQuadratic: ReportedValue
  public var oneVsOneAUC: OneVsOneAUCSummary
  public var averagePrecision: AveragePrecisionSummary
  public var calibration: CalibrationSummary
  /// Nil unless `ExtendedReportOptions.bootstrapResampleCount` was set.
  public var bootstrap: BootstrapSummary?
}

extension ExtendedReport {
  /// Computes every metric of one split in one call.
  /// - Parameters:
  ///   - labels: true class of each sample, `[sampleCount]`, in `0..<classCount`.
  ///   - scores: row-major `[sampleCount, classCount]` scores of `options.base.scoreKind`.
  ///   - classCount: number of declared classes, at least 2.
  /// - Throws: `MetricsError` as `ClassificationReport.compute`, and for
  ///   invalid calibration or bootstrap settings.
  public static func compute(
    labels: [Int32], scores: [Float], classCount: Int,
    options: ExtendedReportOptions = ExtendedReportOptions()
  ) throws -> ExtendedReport {
    let report = try ClassificationReport.compute(
      labels: labels, scores: scores, classCount: classCount, options: options.base)
    // Softmax once and round to Float, as the report does, so every metric
    // below ranks the same probabilities as the report.
    let probabilities =
      options.base.scoreKind == .logits
      ? Softmax.unchecked(scores, classCount: classCount).map { Float($0) } : scores
    return try build(
      report: report, labels: labels, probabilities: probabilities, classCount: classCount,
      options: options)
  }

  /// Adds the extended metrics to `report`, computed from validated
  /// probabilities. `options.base` is not used here.
  static func build(
    report: ClassificationReport, labels: [Int32], probabilities: [Float], classCount: Int,
    options: ExtendedReportOptions
  ) throws -> ExtendedReport {
    let topK = try options.topK.filter { $0 <= classCount }.map { k in
      let result = try TopKAccuracy(
        labels: labels, scores: probabilities, classCount: classCount, k: k)
      return TopKEntry(
        k: k, accuracy: ReportedValue(orNaN: result.accuracy, reason: "undefined: no samples"),
        hitCount: result.hitCount, tiedAtBoundaryCount: result.tiedAtBoundaryCount)
    }
    let matrix = report.confusionMatrix
    return ExtendedReport(
      report: report, topK: topK,
      matthewsCorrelation: ReportedValue(matrix.matthewsCorrelation),
      cohenKappa: ReportedValue(try matrix.cohenKappa()),
      cohenKappaLinear: ReportedValue(try matrix.cohenKappa(weighting: .linear)),
      cohenKappaQuadratic: ReportedValue(try matrix.cohenKappa(weighting: .quadratic)),
      oneVsOneAUC: try oneVsOneSummary(
        labels: labels, probabilities: probabilities, classCount: classCount),
      averagePrecision: averagePrecisionSummary(report),
      calibration: try calibrationSummary(
        labels: labels, probabilities: probabilities, classCount: classCount,
        binCount: options.calibrationBinCount),
      bootstrap: try bootstrapSummary(
        labels: labels, probabilities: probabilities, classCount: classCount, options: options))
  }

  private static func oneVsOneSummary(
    labels: [Int32], probabilities: [Float], classCount: Int
  ) throws -> OneVsOneAUCSummary {
    let auc = try MulticlassAUC(
      labels: labels, scores: probabilities, classCount: classCount,
      scoreKind: .probabilities, strategy: .oneVsOne)
    let reason = "undefined: no pair of classes has samples of both"
    return OneVsOneAUCSummary(
      macro: ReportedValue(orNaN: auc.macro, reason: reason),
      weighted: ReportedValue(orNaN: auc.weighted, reason: reason),
      includedPairCount: auc.includedCount, undefinedPairCount: auc.undefinedCount)
  }

  private static func averagePrecisionSummary(_ report: ClassificationReport)
    -> AveragePrecisionSummary
  {
    let perClass = report.perClass.enumerated().map { classIndex, metrics in
      ReportedValue(
        orNaN: metrics.averagePrecision, reason: "undefined: no samples of class \(classIndex)")
    }
    let noClass = "undefined: no class has samples"
    let included = report.macro.includedClasses.averagePrecision
    return AveragePrecisionSummary(
      perClass: perClass,
      macro: ReportedValue(orNaN: report.macro.averagePrecision, reason: noClass),
      weighted: ReportedValue(orNaN: report.weighted.averagePrecision, reason: noClass),
      micro: ReportedValue(orNaN: report.micro.averagePrecision, reason: noClass),
      includedClassCount: included, undefinedClassCount: report.classCount - included)
  }

  private static func calibrationSummary(
    labels: [Int32], probabilities: [Float], classCount: Int, binCount: Int
  ) throws -> CalibrationSummary {
    let calibration = try CalibrationError(
      labels: labels, scores: probabilities, classCount: classCount, binCount: binCount)
    let reason = "undefined: no samples"
    return CalibrationSummary(
      bins: calibration.bins,
      expectedCalibrationError: ReportedValue(orNaN: calibration.expected, reason: reason),
      maximumCalibrationError: ReportedValue(orNaN: calibration.maximum, reason: reason))
  }

  private static func bootstrapSummary(
    labels: [Int32], probabilities: [Float], classCount: Int, options: ExtendedReportOptions
  ) throws -> BootstrapSummary? {
    guard let resampleCount = options.bootstrapResampleCount else { return nil }
    let intervals = try BootstrapIntervals(
      labels: labels, scores: probabilities, classCount: classCount,
      resampleCount: resampleCount, confidenceLevel: options.confidenceLevel,
      seed: options.bootstrapSeed)
    return BootstrapSummary(
      seed: intervals.seed, resampleCount: intervals.resampleCount,
      accuracy: intervals.accuracy, macroF1: intervals.macroF1, macroAUC: intervals.macroAUC)
  }
}
