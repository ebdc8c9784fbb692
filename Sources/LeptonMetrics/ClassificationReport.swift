/// Metrics of one class, computed one-vs-rest. Undefined values are NaN.
public struct ClassMetrics: Sendable, Codable, Equatable {
  public var precision: Double
  public var recall: Double
  public var f1: Double
  /// Number of samples whose true class is this one.
  public var support: Int
  /// One-vs-rest ROC AUC; NaN when the class or its complement has no samples.
  public var auc: Double

  public init(precision: Double, recall: Double, f1: Double, support: Int, auc: Double) {
    self.precision = precision
    self.recall = recall
    self.f1 = f1
    self.support = support
    self.auc = auc
  }
}

/// An average over classes of precision, recall, F1 and AUC.
public struct AveragedMetrics: Sendable, Codable, Equatable {
  public var precision: Double
  public var recall: Double
  public var f1: Double
  /// NaN when no class has a defined AUC.
  public var auc: Double
  /// Classes whose AUC was undefined and left out of `auc`.
  public var undefinedAUCCount: Int

  public init(precision: Double, recall: Double, f1: Double, auc: Double, undefinedAUCCount: Int) {
    self.precision = precision
    self.recall = recall
    self.f1 = f1
    self.auc = auc
    self.undefinedAUCCount = undefinedAUCCount
  }
}
