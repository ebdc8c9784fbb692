import Foundation
import LeptonEngine
import LeptonRender
import LeptonTUI

/// `lepton bench`: training and evaluation throughput of a model preset, with the
/// plain-loop reference implementation and the dashboard's frame cost measured in
/// the same run for scale.
enum BenchCommand {
  static let help = """
    Usage: lepton bench [options]

    Prints training images per second (the line starting 'train:'), evaluation
    images per second, the speed of the plain Swift reference implementation
    in the same run, and the time to render one dashboard frame.

    Options:
      --model NAME|SPEC preset or layer string (default fmnist-cnn)
      --input CxHxW     image shape of the random images (default 3x32x32 for
                        cifar-cnn, else 1x28x28)
      --batch N         training batch size (default 64)
      --eval-batch N    evaluation batch size (default 1000)
      --steps N         training steps per repeat (default 50)
      --repeats N       repeats; the median is reported (default 5)
      --data DIR        time on the training images of a data set in any format
                        that train reads, instead of random noise
      --no-reference    skip the reference implementation
      --threshold       time 'lepton report' instead: build the threshold explorer
                        for 100,000 samples of 10 classes of random probabilities,
                        then print the median and 99th percentile time per query
      -h, --help        show this help
    """

  static func run(arguments: [String]) throws -> Int32 {
    var model = "fmnist-cnn"
    var batch = 64
    var evaluationBatch = 1000
    var steps = 50
    var repeats = 5
    var dataDirectory: String?
    var referenceImages = 16
    var requestedShape: [Int]?
    var timeThresholds = false
    var parser = OptionParser(
      command: "bench", arguments: arguments,
      valueOptions: [
        "--model", "--batch", "--eval-batch", "--steps", "--repeats", "--data", "--input",
      ],
      flagOptions: ["--no-reference", "--threshold"])
    while let token = try parser.next() {
      switch token {
      case .positional(let argument):
        throw CommandLineError.unexpectedArgument(argument, command: "bench")
      case .option(let name, let value):
        switch name {
        case "--help", "-h":
          print(help)
          return ExitStatus.success
        case "--model": model = try parseString(value, option: name, expected: "a model name")
        case "--batch": batch = try parseInteger(value, option: name, range: 1...65_536)
        case "--eval-batch":
          evaluationBatch = try parseInteger(value, option: name, range: 1...65_536)
        case "--steps": steps = try parseInteger(value, option: name, range: 1...100_000)
        case "--repeats": repeats = try parseInteger(value, option: name, range: 1...1000)
        case "--data": dataDirectory = try parseString(value, option: name, expected: "a directory")
        case "--input": requestedShape = try ModelsCommand.parseShape(value, option: name)
        case "--no-reference": referenceImages = 0
        case "--threshold": timeThresholds = true
        default: throw CommandLineError.unknownOption(name, command: "bench", suggestion: nil)
        }
      }
    }
    if timeThresholds {
      try ThresholdBenchmark.run(sampleCount: 100_000, classCount: 10, queryCount: 10_000)
      let keys = FrameBenchmark.measureExplorerKeys(sampleCount: 100_000, classCount: 10)
      print(
        String(
          format:
            "explorer key to frame: median %.2f ms, 99th percentile %.2f ms over %d keys "
            + "(state update, 160x48 frame and changed cells; opening it took %.0f ms)",
          keys.medianMilliseconds, keys.percentile99Milliseconds, keys.keyCount,
          keys.openMilliseconds))
      return ExitStatus.success
    }
    do {
      try Network.checkModelSyntax(model)
    } catch let error as NetworkError {
      throw CommandLineError.invalidValue(
        option: "--model", value: model, expected: modelExpectation(error))
    }

    var images: [Float]?
    var labels: [Int32]?
    var inputShape = requestedShape ?? Network.defaultInputShape(model: model)
    var classCount = 10
    var source = "random noise"
    if let dataDirectory {
      let (_, dataset) = try DatasetLoader.load(directory: dataDirectory)
      let normalization = Normalization.measure(dataset.train.pixels)
      images = normalization.normalizedImages(of: dataset.train)
      labels = dataset.train.labels
      inputShape = dataset.train.shape
      classCount = dataset.classCount
      source = "\(dataset.name) training images"
      // Batches larger than the data set would need more images than it has.
      batch = min(batch, dataset.train.count)
      evaluationBatch = min(evaluationBatch, dataset.train.count)
    }

    let shape = inputShape.map(String.init).joined(separator: "x")
    print(
      "lepton bench: \(model), batch \(batch), \(shape) \(source), oneDNN \(Versions.oneDNN), "
        + "\(ProcessInfo.processInfo.activeProcessorCount) cores")
    let result = try Benchmark.run(
      model: model, inputShape: inputShape, classCount: classCount, trainBatchSize: batch,
      evaluationBatchSize: evaluationBatch, trainSteps: steps, repeats: repeats,
      referenceImages: referenceImages, images: images, labels: labels)
    print(
      String(
        format: "train: %.0f images/s (%.2f ms per step, median of %d repeats of %d steps)",
        result.trainImagesPerSecond, result.trainStepMilliseconds, repeats, steps))
    print(
      String(
        format: "eval: %.0f images/s (batch %d, median of %d repeats)",
        result.evalImagesPerSecond, evaluationBatch, repeats))
    if let reference = result.referenceTrainImagesPerSecond,
      let speedup = result.speedupOverReference
    {
      print(
        String(
          format: "reference: %.1f images/s with plain Swift loops; oneDNN is %.0fx faster",
          reference, speedup))
    }
    let frame = FrameBenchmark.measure(classCount: classCount)
    let frameInterval = DashboardApp.Options().minimumFrameInterval.components
    let intervalSeconds =
      Double(frameInterval.seconds) + Double(frameInterval.attoseconds) / 1e18
    let framesPerSecond = Int((1 / intervalSeconds).rounded())
    print(
      String(
        format: "render: %.2f ms per %dx%d dashboard frame, %.1f%% of one core at %d frames/s",
        frame.milliseconds, frame.width, frame.height,
        frame.milliseconds * Double(framesPerSecond) / 10, framesPerSecond))
    return ExitStatus.success
  }
}
