import LeptonMetrics

/// The shape and size of one layer of a network, for display and the run log.
public struct LayerSummary: Sendable, Codable, Equatable {
  public var name: String
  /// Output shape without the batch dimension, such as `[32, 28, 28]`.
  public var outputShape: [Int]
  public var parameterCount: Int

  public init(name: String, outputShape: [Int], parameterCount: Int) {
    self.name = name
    self.outputShape = outputShape
    self.parameterCount = parameterCount
  }
}

/// Everything that defines a run: model, data and hyperparameters.
public struct RunConfig: Sendable, Codable, Equatable {
  public var runID: String
  public var model: String
  public var layers: [LayerSummary]
  public var parameterCount: Int
  public var dataset: String
  public var dataDirectory: String
  public var classNames: [String]
  /// Image shape `[channels, height, width]`.
  public var inputShape: [Int]
  /// Images trained on, after `--limit` and without the validation images.
  public var trainCount: Int
  public var testCount: Int
  /// Fraction of the training images held out for validation, 0 when none were.
  public var validationSplit: Double
  /// Images held out for validation, 0 when none were.
  public var validationCount: Int
  /// The training-image augmentation in `--augment` form, such as `crop4,flip`, or `none`.
  public var augmentation: String
  public var epochs: Int
  public var batchSize: Int
  public var learningRate: Double
  public var momentum: Double
  public var weightDecay: Double
  /// The optimiser, such as `sgd (momentum 0.9)` or `adamw`.
  public var optimizer: String
  /// The learning-rate schedule, such as `constant` or `cosine`.
  public var learningRateSchedule: String
  public var seed: UInt64
  public var stepsPerEpoch: Int
  /// Tool and library versions, such as `["lepton": "0.1.0", "onednn": "2.6.3"]`.
  public var versions: [String: String]
  /// ISO 8601 start time.
  public var startedAt: String

  public init(
    runID: String, model: String, layers: [LayerSummary], parameterCount: Int, dataset: String,
    dataDirectory: String, classNames: [String], inputShape: [Int], trainCount: Int,
    testCount: Int, epochs: Int, batchSize: Int, learningRate: Double, momentum: Double,
    weightDecay: Double, seed: UInt64, stepsPerEpoch: Int, versions: [String: String],
    startedAt: String, optimizer: String = "sgd", learningRateSchedule: String = "constant",
    validationSplit: Double = 0, validationCount: Int = 0, augmentation: String = "none"
  ) {
    self.optimizer = optimizer
    self.learningRateSchedule = learningRateSchedule
    self.validationSplit = validationSplit
    self.validationCount = validationCount
    self.augmentation = augmentation
    self.runID = runID
    self.model = model
    self.layers = layers
    self.parameterCount = parameterCount
    self.dataset = dataset
    self.dataDirectory = dataDirectory
    self.classNames = classNames
    self.inputShape = inputShape
    self.trainCount = trainCount
    self.testCount = testCount
    self.epochs = epochs
    self.batchSize = batchSize
    self.learningRate = learningRate
    self.momentum = momentum
    self.weightDecay = weightDecay
    self.seed = seed
    self.stepsPerEpoch = stepsPerEpoch
    self.versions = versions
    self.startedAt = startedAt
  }

  private enum CodingKeys: String, CodingKey {
    case runID, model, layers, parameterCount, dataset, dataDirectory, classNames, inputShape
    case trainCount, testCount, epochs, batchSize, learningRate, momentum, weightDecay
    case optimizer, learningRateSchedule, seed, stepsPerEpoch, versions, startedAt
    case validationSplit, validationCount, augmentation
  }

  /// Decodes a config. Fields that older logs lack get the value that matches how those
  /// runs trained: `sgd`, a `constant` schedule, no validation split and augmentation `none`.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    runID = try container.decode(String.self, forKey: .runID)
    model = try container.decode(String.self, forKey: .model)
    layers = try container.decode([LayerSummary].self, forKey: .layers)
    parameterCount = try container.decode(Int.self, forKey: .parameterCount)
    dataset = try container.decode(String.self, forKey: .dataset)
    dataDirectory = try container.decode(String.self, forKey: .dataDirectory)
    classNames = try container.decode([String].self, forKey: .classNames)
    inputShape = try container.decode([Int].self, forKey: .inputShape)
    trainCount = try container.decode(Int.self, forKey: .trainCount)
    testCount = try container.decode(Int.self, forKey: .testCount)
    epochs = try container.decode(Int.self, forKey: .epochs)
    batchSize = try container.decode(Int.self, forKey: .batchSize)
    learningRate = try container.decode(Double.self, forKey: .learningRate)
    momentum = try container.decode(Double.self, forKey: .momentum)
    weightDecay = try container.decode(Double.self, forKey: .weightDecay)
    optimizer = try container.decodeIfPresent(String.self, forKey: .optimizer) ?? "sgd"
    learningRateSchedule =
      try container.decodeIfPresent(String.self, forKey: .learningRateSchedule) ?? "constant"
    seed = try container.decode(UInt64.self, forKey: .seed)
    stepsPerEpoch = try container.decode(Int.self, forKey: .stepsPerEpoch)
    versions = try container.decode([String: String].self, forKey: .versions)
    startedAt = try container.decode(String.self, forKey: .startedAt)
    validationSplit = try container.decodeIfPresent(Double.self, forKey: .validationSplit) ?? 0
    validationCount = try container.decodeIfPresent(Int.self, forKey: .validationCount) ?? 0
    augmentation = try container.decodeIfPresent(String.self, forKey: .augmentation) ?? "none"
  }
}

/// Progress after one optimisation step. Epochs and steps count from 1.
public struct BatchProgress: Sendable, Codable, Equatable {
  public var epoch: Int
  /// Step within the epoch.
  public var step: Int
  public var stepsPerEpoch: Int
  /// Step counted over the whole run.
  public var globalStep: Int
  /// Mean cross-entropy of this batch.
  public var loss: Double
  /// Accuracy of this batch.
  public var accuracy: Double
  /// Training throughput since the epoch started.
  public var imagesPerSecond: Double
  /// Learning rate of this step, nil in logs written before the field was added.
  public var learningRate: Double?

  public init(
    epoch: Int, step: Int, stepsPerEpoch: Int, globalStep: Int, loss: Double, accuracy: Double,
    imagesPerSecond: Double, learningRate: Double? = nil
  ) {
    self.learningRate = learningRate
    self.epoch = epoch
    self.step = step
    self.stepsPerEpoch = stepsPerEpoch
    self.globalStep = globalStep
    self.loss = loss
    self.accuracy = accuracy
    self.imagesPerSecond = imagesPerSecond
  }
}

/// Per-sample class probabilities of one split at the end of an epoch.
public struct Evaluation: Sendable {
  public var epoch: Int
  /// `"test"` or `"validation"`.
  public var split: String
  public var classCount: Int
  /// True class of each sample, `[sampleCount]`.
  public var labels: [Int32]
  /// Softmax probabilities, row-major `[sampleCount, classCount]`.
  public var scores: [Float]

  public var sampleCount: Int { labels.count }

  public init(epoch: Int, split: String, classCount: Int, labels: [Int32], scores: [Float]) {
    self.epoch = epoch
    self.split = split
    self.classCount = classCount
    self.labels = labels
    self.scores = scores
  }
}

/// The metrics of one finished epoch.
public struct EpochSummary: Sendable, Codable, Equatable {
  public var epoch: Int
  /// Mean cross-entropy over every training sample of the epoch.
  public var trainLoss: Double
  public var trainAccuracy: Double
  /// Metrics on the test set after the epoch.
  public var test: ClassificationReport
  /// Metrics on the validation images held out of the training set, nil without a
  /// validation split.
  public var validation: ClassificationReport?
  /// Wall time of the training part of the epoch, in seconds.
  public var trainSeconds: Double
  /// Wall time of the validation and test evaluations, in seconds.
  public var evaluationSeconds: Double
  /// Training throughput over the epoch.
  public var imagesPerSecond: Double

  public init(
    epoch: Int, trainLoss: Double, trainAccuracy: Double, test: ClassificationReport,
    validation: ClassificationReport? = nil, trainSeconds: Double, evaluationSeconds: Double,
    imagesPerSecond: Double
  ) {
    self.epoch = epoch
    self.trainLoss = trainLoss
    self.trainAccuracy = trainAccuracy
    self.test = test
    self.validation = validation
    self.trainSeconds = trainSeconds
    self.evaluationSeconds = evaluationSeconds
    self.imagesPerSecond = imagesPerSecond
  }
}

/// The cause of a run that ended early.
public enum FailureKind: String, Sendable, Codable {
  case interrupted
  case diverged
  case invalidInput
  case internalError
  /// A file of the run, such as the checkpoint, could not be written.
  case saveFailed
}

public struct RunFailure: Sendable, Codable, Equatable, Error {
  public var kind: FailureKind
  public var message: String
  /// The epoch and step in progress when the run stopped, if any.
  public var epoch: Int?
  public var step: Int?
  public var completedEpochs: Int

  public init(kind: FailureKind, message: String, epoch: Int?, step: Int?, completedEpochs: Int) {
    self.kind = kind
    self.message = message
    self.epoch = epoch
    self.step = step
    self.completedEpochs = completedEpochs
  }
}

/// The start of a resumed run: training continues from a checkpoint after
/// `resumedFromEpoch` completed epochs, with `config.epochs` as the new total.
public struct RunResumption: Sendable, Codable, Equatable {
  public var config: RunConfig
  /// Epochs completed before the resume, the epoch count of the checkpoint.
  public var resumedFromEpoch: Int

  public init(config: RunConfig, resumedFromEpoch: Int) {
    self.config = config
    self.resumedFromEpoch = resumedFromEpoch
  }
}

public struct RunSummary: Sendable, Codable, Equatable {
  public var completedEpochs: Int
  public var finalTest: ClassificationReport?
  public var totalSeconds: Double

  public init(completedEpochs: Int, finalTest: ClassificationReport?, totalSeconds: Double) {
    self.completedEpochs = completedEpochs
    self.finalTest = finalTest
    self.totalSeconds = totalSeconds
  }
}

/// A report from the trainer. Events arrive in order: `runStarted`, then per epoch many
/// `batchEnded`, one `evaluated` with split `validation` when the run holds out a
/// validation set, one `evaluated` with split `test` and one `epochEnded`, then
/// `runFinished` or `runFailed`. A resumed run starts with `runResumed` in place of
/// `runStarted`, and its epochs count on from the checkpoint's.
public enum TrainingEvent: Sendable {
  case runStarted(RunConfig)
  case runResumed(RunResumption)
  case batchEnded(BatchProgress)
  case evaluated(Evaluation)
  case epochEnded(EpochSummary)
  case runFinished(RunSummary)
  case runFailed(RunFailure)
}

/// Receives the trainer's events on the trainer's thread. Observers must
/// return quickly: a slow observer slows training.
public protocol TrainingObserver: AnyObject, Sendable {
  func trainer(didEmit event: TrainingEvent)
}
