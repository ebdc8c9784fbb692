/// Metrics of one class, computed one-vs-rest. Undefined values hold the
/// zero-division value (precision, recall, F1) or NaN (AUC, average
/// precision), and `undefined` marks them so a view shows "undefined".
public struct ClassMetrics: Sendable, Codable, Equatable {
  public var precision: Double
  public var recall: Double
  public var f1: Double
  /// Number of samples whose true class is this one.
  public var support: Int
  /// One-vs-rest ROC AUC, or NaN when the class or its complement has no samples.
  public var auc: Double
  /// One-vs-rest step-wise average precision, or NaN when the class has no samples.
  public var averagePrecision: Double
  public var truePositives: Int
  public var falsePositives: Int
  public var falseNegatives: Int
  /// Values above that had a zero denominator or a missing class.
  public var undefined: UndefinedMetrics
  /// Reason `auc` is NaN, or nil when it has a value.
  public var aucUndefinedReason: AUCUndefinedReason?

  public init(
    precision: Double, recall: Double, f1: Double, support: Int, auc: Double,
    averagePrecision: Double = .nan, truePositives: Int = 0, falsePositives: Int = 0,
    falseNegatives: Int = 0, undefined: UndefinedMetrics = [],
    aucUndefinedReason: AUCUndefinedReason? = nil
  ) {
    self.precision = precision
    self.recall = recall
    self.f1 = f1
    self.support = support
    self.auc = auc
    self.averagePrecision = averagePrecision
    self.truePositives = truePositives
    self.falsePositives = falsePositives
    self.falseNegatives = falseNegatives
    self.undefined = undefined
    self.aucUndefinedReason = aucUndefinedReason
  }

  /// Samples predicted as this class: TP + FP.
  public var predictedCount: Int { truePositives + falsePositives }

  /// False when the class occurs in neither the true nor the predicted
  /// labels. A view lists it as "not present", and macro averages skip it.
  public var isPresent: Bool { support > 0 || falsePositives > 0 }

  /// Decodes every field, defaulting the fields added after the first
  /// version so that older event logs still load.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      precision: try container.decode(Double.self, forKey: .precision),
      recall: try container.decode(Double.self, forKey: .recall),
      f1: try container.decode(Double.self, forKey: .f1),
      support: try container.decode(Int.self, forKey: .support),
      auc: try container.decode(Double.self, forKey: .auc),
      averagePrecision: try container.decodeIfPresent(Double.self, forKey: .averagePrecision)
        ?? .nan,
      truePositives: try container.decodeIfPresent(Int.self, forKey: .truePositives) ?? 0,
      falsePositives: try container.decodeIfPresent(Int.self, forKey: .falsePositives) ?? 0,
      falseNegatives: try container.decodeIfPresent(Int.self, forKey: .falseNegatives) ?? 0,
      undefined: try container.decodeIfPresent(UndefinedMetrics.self, forKey: .undefined) ?? [],
      aucUndefinedReason: try container.decodeIfPresent(
        AUCUndefinedReason.self, forKey: .aucUndefinedReason))
  }
}

/// An average over classes of precision, recall, F1, AUC and average precision.
public struct AveragedMetrics: Sendable, Codable, Equatable {
  public var precision: Double
  public var recall: Double
  public var f1: Double
  /// NaN when no class has a defined AUC.
  public var auc: Double
  /// Classes whose AUC was undefined and left out of `auc`.
  public var undefinedAUCCount: Int
  /// NaN when no class has samples.
  public var averagePrecision: Double
  /// Averages that are themselves undefined (see `AveragedScores.undefined`).
  public var undefined: UndefinedMetrics
  /// Classes that entered each average, for "k of n classes".
  public var includedClasses: IncludedClassCounts

  public init(
    precision: Double, recall: Double, f1: Double, auc: Double, undefinedAUCCount: Int,
    averagePrecision: Double = .nan, undefined: UndefinedMetrics = [],
    includedClasses: IncludedClassCounts = IncludedClassCounts(all: 0)
  ) {
    self.precision = precision
    self.recall = recall
    self.f1 = f1
    self.auc = auc
    self.undefinedAUCCount = undefinedAUCCount
    self.averagePrecision = averagePrecision
    self.undefined = undefined
    self.includedClasses = includedClasses
  }

  /// Decodes every field, defaulting the fields added after the first version.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      precision: try container.decode(Double.self, forKey: .precision),
      recall: try container.decode(Double.self, forKey: .recall),
      f1: try container.decode(Double.self, forKey: .f1),
      auc: try container.decode(Double.self, forKey: .auc),
      undefinedAUCCount: try container.decode(Int.self, forKey: .undefinedAUCCount),
      averagePrecision: try container.decodeIfPresent(Double.self, forKey: .averagePrecision)
        ?? .nan,
      undefined: try container.decodeIfPresent(UndefinedMetrics.self, forKey: .undefined) ?? [],
      includedClasses: try container.decodeIfPresent(
        IncludedClassCounts.self, forKey: .includedClasses) ?? IncludedClassCounts(all: 0))
  }
}
