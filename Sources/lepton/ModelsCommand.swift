import Foundation
import LeptonEngine

/// `lepton models`: every preset, or the given models, with parameter counts and the output
/// shape of every layer.
enum ModelsCommand {
  static let help = """
    Usage: lepton models [NAME|SPEC ...] [options]

    Lists the model presets, or the given presets and layer strings, with their
    parameter counts and the output shape and parameter count of every layer.

    Options:
      --input CxHxW     image shape (default 3x32x32 for cifar-cnn, else 1x28x28)
      --classes N       number of classes (default 10)
      -h, --help        show this help

    Run 'lepton help models' for the layer-string grammar.
    """

  /// The grammar of layer strings, shown by `lepton help models`.
  static let grammar = """
    Model layer strings

    A model is a preset name or layer tokens joined by '-', read from the image
    to the output, for example:

      conv32k3p1-bn-relu-pool2-conv64k3p1-bn-relu-pool2-dense128-relu-dropout0.5-dense10

    Tokens (N, K, S, P and R are numbers):
      convNkKsSpP   convolution with N filters, a KxK kernel, stride S and zero
                    padding P on every side; kK defaults to 3, sS to 1, pP to 0
                    (conv32k3p1 keeps the size, conv64k3s2p1 halves it)
      bn            batch normalisation (per channel, or per feature after a
                    flatten), with running statistics used for evaluation
      relu          max(x, 0)
      poolK[sS]     max pooling over KxK windows with stride S (default K);
                    maxpoolK is the same
      avgpoolK[sS]  average pooling over KxK windows with stride S (default K)
      gap           global average pooling: one value per channel
      flatten       [C, H, W] to [C*H*W]; added before the first dense layer
                    when left out
      denseN        fully connected layer with N outputs
      dropoutR      zeroes each value with probability R (0 <= R < 1) while
                    training and scales the rest by 1/(1-R)

    The last token must be dense with one output per class (dense10 for
    Fashion-MNIST). Sizes follow PyTorch: a convolution's output side is
    (side + 2P - K) / S + 1, rounded down.

    Presets:
    \(Network.presetNames.map { "  \($0.padding(toLength: 12, withPad: " ", startingAt: 0))\(Network.presetSummary($0))" }.joined(separator: "\n"))

    'lepton models' lists every preset's layers, and 'lepton models SPEC' any
    layer string's, with output shapes and parameter counts.
    """

  static func run(arguments: [String]) throws -> Int32 {
    var names: [String] = []
    var inputShape: [Int]?
    var classCount = 10
    var parser = OptionParser(
      command: "models", arguments: arguments, valueOptions: ["--input", "--classes"],
      flagOptions: [])
    while let token = try parser.next() {
      switch token {
      case .positional(let argument):
        names.append(argument)
      case .option(let name, let value):
        switch name {
        case "--help", "-h":
          print(help)
          return ExitStatus.success
        case "--input": inputShape = try parseShape(value, option: name)
        case "--classes": classCount = try parseInteger(value, option: name, range: 2...100_000)
        default: throw CommandLineError.unknownOption(name, command: "models", suggestion: nil)
        }
      }
    }
    if names.isEmpty { names = Network.presetNames }
    var blocks: [String] = []
    for name in names {
      let shape = inputShape ?? Network.defaultInputShape(model: name)
      do {
        let description = try Network.describe(
          model: name, inputShape: shape, classCount: classCount)
        blocks.append(render(description))
      } catch let error as NetworkError {
        let text = error.description
        writeError(
          text.contains("lepton help models")
            ? text : "\(text). Run 'lepton help models' for the grammar.")
        return ExitStatus.usage
      }
    }
    print(blocks.joined(separator: "\n\n"))
    return ExitStatus.success
  }

  /// Parses `3x32x32` into `[3, 32, 32]`.
  static func parseShape(_ value: String?, option: String) throws -> [Int] {
    let text = try parseString(value, option: option, expected: "a shape such as 3x32x32")
    let sizes = text.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
    guard sizes.count == 3, sizes.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 4096 }) else {
      throw CommandLineError.invalidValue(
        option: option, value: text,
        expected: "channels x height x width, each 1 to 4096, such as 3x32x32")
    }
    return sizes.compactMap { $0 }
  }

  /// Formats one model as a title line, its layer string and a table of layers.
  static func render(_ model: ModelDescription) -> String {
    let shape = model.inputShape.map(String.init).joined(separator: "x")
    var lines: [String] = []
    let summary = Network.presetSummary(model.name)
    let title = Network.presetNames.contains(model.name) ? model.name : "custom"
    lines.append(
      "\(title): \(grouped(model.parameterCount)) parameters, input \(shape)"
        + (summary.isEmpty ? "" : " (\(summary))"))
    lines.append("  \(model.specification)")
    let nameWidth = max(12, model.layers.map(\.name.count).max() ?? 0)
    lines.append(
      "  " + "layer".padding(toLength: nameWidth, withPad: " ", startingAt: 0)
        + "  " + leftPad("output", 12) + "  " + leftPad("parameters", 10))
    for layer in model.layers {
      let output = layer.outputShape.map(String.init).joined(separator: "x")
      lines.append(
        "  " + layer.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
          + "  " + leftPad(output, 12) + "  " + leftPad(grouped(layer.parameterCount), 10))
    }
    return lines.joined(separator: "\n")
  }

  private static func leftPad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
  }

  /// Formats `421642` as `421,642`.
  static func grouped(_ value: Int) -> String {
    let digits = String(value)
    var result = ""
    for (index, digit) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
      result.append(digit)
    }
    return result
  }
}
