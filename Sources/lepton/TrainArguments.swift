import LeptonEngine

/// The options of `lepton train`.
struct TrainArguments: Equatable {
  var options = TrainingOptions()
  /// Every `--model` in the order given; `options.model` is the first. Two or more train
  /// side by side, one run each, with the same data and settings.
  var models: [String] = []
  var dataDirectory = IDXDataset.defaultDirectory
  var runsDirectory = "runs"
  var headless = false
  var theme: String?
  var showHelp = false
  /// The run directory or run id given to `--resume`, nil for a new run.
  var resume: String?
  /// The options given on the command line, without their values.
  var givenOptions: Set<String> = []

  static let valueOptions = [
    "--model", "--data", "--epochs", "--batch", "--lr", "--momentum", "--weight-decay", "--seed",
    "--limit", "--runs-dir", "--theme", "--optimizer", "--lr-schedule", "--lr-step-epochs",
    "--lr-gamma", "--augment", "--val-split", "--resume",
  ]
  /// The options that `--resume` accepts. The others would change what the stored run
  /// trains, so they need a new run.
  static let resumeCompatibleOptions: Set<String> = [
    "--resume", "--epochs", "--runs-dir", "--headless", "--theme", "--help", "-h",
  ]
  static let flagOptions = ["--headless", "--nesterov"]

  static let help = """
    Usage: lepton train [options]

    Trains a CNN and shows it live: curves, the per-epoch metric table, the
    confusion matrix and ROC curves. Without a terminal (or with --headless)
    it prints progress lines, a table row per epoch and a final report.

    Options:
      --model NAME|SPEC   preset (fmnist-cnn, fmnist-bn, cifar-cnn, lenet5) or layer
                          string such as conv32k3p1-bn-relu-pool2-dense10; see
                          'lepton models' and 'lepton help models' (default fmnist-cnn);
                          give it two or more times to train the models side by side
                          with the same settings and compare them live
      --data DIR          data directory: four IDX files (gzipped or raw), the
                          CIFAR-10 or CIFAR-100 binary files, or an image folder
                          (train/CLASS/*.png, test/CLASS/*.png); the format is
                          detected (default \(IDXDataset.defaultDirectory))
      --epochs N          passes over the training set (default 2)
      --batch N           images per optimisation step (default 64)
      --optimizer NAME    sgd, adam or adamw, with PyTorch's rules (default sgd)
      --lr X              learning rate (default 0.01 for sgd, 0.001 for adam and adamw)
      --momentum X        SGD momentum, 0 to below 1 (default 0.9)
      --nesterov          use Nesterov momentum with sgd
      --weight-decay X    L2 penalty added to the gradient, or for adamw the decoupled
                          decay (default 0, and 0.01 for adamw)
      --lr-schedule NAME  constant, step, cosine (to 0 over the run) or onecycle
                          (the learning rate is the peak) (default constant)
      --lr-step-epochs N  epochs between decays of the step schedule (default 1)
      --lr-gamma X        factor of each decay of the step schedule (default 0.1)
      --seed N            seed for initial weights, shuffling, augmentation and the
                          validation split (default 42)
      --limit N           train on the first N training images only
      --augment LIST      random changes to training images, comma-separated: cropN
                          (pad N black pixels per side, crop back to size at a random
                          place) and flip (mirror left to right with probability
                          0.5), or none (default none)
      --val-split X       fraction of the training images (after --limit) held out and
                          evaluated after every epoch, from 0 to below 1 (default 0,
                          no validation set)
      --runs-dir DIR      where run directories are written (default ./runs)
      --theme NAME|PATH   colour theme from themes/ or a .theme file
      --headless          print text instead of drawing the dashboard
      --resume RUN        continue a stored run from its checkpoint (model.ckpt) and
                          append to its log; RUN is a run directory or an id in
                          --runs-dir. The run's stored settings are used, so only
                          --epochs (the new total, above the completed epochs; by
                          default the stored total), --runs-dir, --theme and --headless
                          may be given. A larger total stretches the cosine and
                          onecycle schedules over the new number of steps.
      -h, --help          show this help

    Keys in the dashboard: q stop and quit, p pause or resume, ? help,
    Tab next panel, n normalise the confusion matrix, s smoothing, c per-class
    table, t threshold explorer, v next colour theme. With two or
    more --model options the comparison screen of 'lepton compare' opens
    instead (keys in 'lepton compare --help'), p pausing every run.
    """

  static func parse(_ arguments: [String]) throws -> TrainArguments {
    var result = TrainArguments()
    var givenOptions: Set<String> = []
    var parser = OptionParser(
      command: "train", arguments: arguments, valueOptions: valueOptions, flagOptions: flagOptions)
    while let token = try parser.next() {
      switch token {
      case .positional(let argument):
        throw CommandLineError.unexpectedArgument(argument, command: "train")
      case .option(let name, let value):
        try result.apply(name: name, value: value)
        givenOptions.insert(name)
      }
    }
    result.givenOptions = givenOptions
    if result.resume != nil && !result.showHelp {
      let conflicting = givenOptions.subtracting(resumeCompatibleOptions).sorted()
      if let option = conflicting.first {
        throw CommandLineError.conflictingOption(
          option, with: "--resume",
          reason: "a resumed run keeps the settings stored in its run directory",
          fix: "Start a new run with 'lepton train \(option) ...' to change it.")
      }
      return result
    }
    // Adam and AdamW have PyTorch's own defaults where the user did not choose.
    if result.options.optimizerKind != .sgd && !givenOptions.contains("--lr") {
      result.options.optimizer.learningRate = 0.001
    }
    if result.options.optimizerKind == .adamw && !givenOptions.contains("--weight-decay") {
      result.options.optimizer.weightDecay = 0.01
    }
    if result.options.optimizer.nesterov && result.options.optimizerKind != .sgd {
      throw CommandLineError.invalidValue(
        option: "--optimizer", value: result.options.optimizerKind.rawValue,
        expected: "sgd, because --nesterov applies to SGD only")
    }
    return result
  }

  private mutating func apply(name: String, value: String?) throws {
    switch name {
    case "--help", "-h": showHelp = true
    case "--headless": headless = true
    case "--nesterov": options.optimizer.nesterov = true
    case "--optimizer":
      options.optimizerKind = try parseChoice(value, option: name, as: OptimizerKind.self)
    case "--lr-schedule":
      options.schedule = try parseChoice(value, option: name, as: ScheduleKind.self)
    case "--lr-step-epochs":
      options.scheduleStepEpochs = try parseInteger(value, option: name, range: 1...100_000)
    case "--augment":
      let text = try parseString(value, option: name, expected: Self.augmentExpected)
      do {
        options.augmentation = try Augmentation.parse(text)
      } catch let error as AugmentationError {
        throw CommandLineError.invalidValue(
          option: name, value: text, expected: "\(Self.augmentExpected) (\(error))")
      }
    case "--val-split":
      options.validationSplit = try parseDouble(
        value, option: name, range: 0...(1.0).nextDown,
        expected: "a fraction from 0 to below 1, such as 0.1, or 0 for no validation set")
    case "--lr-gamma":
      options.scheduleGamma = try parseDouble(
        value, option: name, range: Double.leastNonzeroMagnitude...1,
        expected: "a number above 0 and at most 1, such as 0.1")
    case "--model":
      let model = try parseString(value, option: name, expected: "a model name")
      do {
        try Network.checkModelSyntax(model)
      } catch let error as NetworkError {
        throw CommandLineError.invalidValue(
          option: name, value: model, expected: modelExpectation(error))
      }
      if models.isEmpty { options.model = model }
      models.append(model)
    case "--data": dataDirectory = try parseString(value, option: name, expected: "a directory")
    case "--resume":
      let run = try parseString(value, option: name, expected: "a run id or directory")
      if let first = resume {
        throw CommandLineError.invalidValueWithReason(
          option: name, value: run, reason: "--resume \(first) was given already",
          fix: "Resume one run at a time.")
      }
      resume = run
    case "--runs-dir": runsDirectory = try parseString(value, option: name, expected: "a directory")
    case "--theme": theme = try parseString(value, option: name, expected: "a theme name or path")
    case "--epochs": options.epochs = try parseInteger(value, option: name, range: 1...100_000)
    case "--batch": options.batchSize = try parseInteger(value, option: name, range: 1...65_536)
    case "--limit": options.limit = try parseInteger(value, option: name, range: 1...Int(Int32.max))
    case "--seed":
      options.seed = UInt64(try parseInteger(value, option: name, range: 0...Int.max))
    case "--lr":
      options.optimizer.learningRate = try parseDouble(
        value, option: name, range: Double.leastNonzeroMagnitude...10,
        expected: "a positive number up to 10, such as 0.01")
    case "--momentum":
      options.optimizer.momentum = try parseDouble(
        value, option: name, range: 0...0.999_999,
        expected: "a number from 0 to below 1, such as 0.9")
    case "--weight-decay":
      options.optimizer.weightDecay = try parseDouble(
        value, option: name, range: 0...1, expected: "a number from 0 to 1, such as 0.0005")
    default:
      throw CommandLineError.unknownOption(name, command: "train", suggestion: nil)
    }
  }
}

/// Describes what `--model` accepts after `error`, naming the bad token of a layer string.
func modelExpectation(_ error: NetworkError) -> String {
  let presets = Network.presetNames.joined(separator: ", ")
  if case .invalidModelSpec(_, let token, _) = error {
    return "layer tokens only, but '\(token)' is not one; run 'lepton help models' for the "
      + "grammar, or use a preset (\(presets))"
  }
  return "a preset (\(presets)) or a layer string such as conv32k3p1-relu-pool2-dense10"
}

extension TrainArguments {
  /// The accepted `--augment` forms, for error messages.
  static let augmentExpected = "cropN and flip, comma-separated, such as crop4,flip, or none"

  /// Checks the options whose valid range depends on the loaded data: the validation
  /// split must leave at least 1 image in each part, and the crop padding must be
  /// smaller than the images.
  func validate(against dataset: ImageDataset) throws {
    let trainCount = min(options.limit ?? dataset.train.count, dataset.train.count)
    let split = options.validationSplit
    if split > 0 {
      let heldOut = ImageSplit.validationCount(fraction: split, of: trainCount)
      if trainCount < 2 {
        throw CommandLineError.invalidValueWithReason(
          option: "--val-split", value: String(split),
          reason: "\(trainCount) training image cannot be split into two parts",
          fix: "Remove --val-split or train on more images.")
      }
      if heldOut < 1 || heldOut >= trainCount {
        throw CommandLineError.invalidValueWithReason(
          option: "--val-split", value: String(split),
          reason: "it holds out \(heldOut) of the \(trainCount) training images",
          fix:
            "Choose a fraction that holds out from 1 to \(trainCount - 1) of them, such as "
            + (trainCount >= 5 ? "0.1." : "0.5."))
      }
    }

    let padding = options.augmentation.cropPadding
    let shape = dataset.train.shape
    if padding > 0, shape.count == 3 {
      let side = min(shape[1], shape[2])
      if padding >= side {
        throw CommandLineError.invalidValueWithReason(
          option: "--augment", value: options.augmentation.description,
          reason: "a padding of \(padding) is not smaller than the \(shape[1])x\(shape[2]) images",
          fix: side > 1
            ? "Use a padding from 1 to \(side - 1), such as crop\(min(4, side - 1))."
            : "Remove the crop from --augment.")
      }
    }
  }
}
