/// Training settings: the model, the optimiser and the epoch loop.
public struct TrainingOptions: Sendable, Equatable {
  public var model: String
  public var epochs: Int
  public var batchSize: Int
  public var optimizer: SGDConfiguration
  public var seed: UInt64
  /// Train on the first `limit` training images only; nil trains on all of them.
  public var limit: Int?
  /// File that receives the network's checkpoint after every epoch, or nil to save none.
  public var checkpointPath: String?
  /// Batch size for test-set evaluation; larger batches run faster in inference mode.
  public var evaluationBatchSize: Int
  /// The optimiser. `optimizer` contains the learning rate and weight decay for every
  /// kind, and the momentum and Nesterov setting for SGD.
  public var optimizerKind: OptimizerKind = .sgd
  public var schedule: ScheduleKind = .constant
  /// Epochs between decays of the `step` schedule.
  public var scheduleStepEpochs = 1
  /// Factor of each decay of the `step` schedule.
  public var scheduleGamma = 0.1
  /// Random crops and flips of the training images, drawn from a generator seeded by
  /// `seed` and the epoch.
  public var augmentation = Augmentation.none
  /// Fraction of the training images, after `limit`, held out as a validation set
  /// and picked by `seed`. 0 holds out nothing. Values in `0..<1`.
  public var validationSplit = 0.0
  /// OpenMP threads of the trainer's oneDNN primitives, or nil for the runtime's default
  /// (`OMP_NUM_THREADS` or one per core). Two trainers in one process each take a share.
  public var threadCount: Int?

  public init(
    model: String = "fmnist-cnn", epochs: Int = 2, batchSize: Int = 64,
    optimizer: SGDConfiguration = SGDConfiguration(), seed: UInt64 = 42, limit: Int? = nil,
    evaluationBatchSize: Int = 500
  ) {
    self.model = model
    self.epochs = epochs
    self.batchSize = batchSize
    self.optimizer = optimizer
    self.seed = seed
    self.limit = limit
    self.evaluationBatchSize = evaluationBatchSize
  }
}
