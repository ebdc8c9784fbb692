/// A model's layers and sizes for a given input, as `lepton models` lists them.
public struct ModelDescription: Sendable, Equatable {
  /// The preset name or the specification string the caller gave.
  public var name: String
  /// The layers as a specification string, with the flatten before the first dense layer.
  public var specification: String
  /// Image shape `[channels, height, width]`.
  public var inputShape: [Int]
  public var parameterCount: Int
  /// One entry per layer with its output shape and parameter count.
  public var layers: [LayerSummary]
}

extension Network {
  /// Builds the layer list of a preset or specification string for `inputShape` and
  /// `classCount` without allocating the network.
  ///
  /// - Throws: `NetworkError.unknownModel`, `.invalidModelSpec` naming the token at fault, or
  ///   `.invalidConfiguration` for an invalid shape or class count.
  public static func describe(model: String, inputShape: [Int], classCount: Int) throws
    -> ModelDescription
  {
    let spec = try ModelSpec(model: model, inputShape: inputShape, classCount: classCount)
    return ModelDescription(
      name: model, specification: spec.specification, inputShape: inputShape,
      parameterCount: spec.parameterCount, layers: spec.layerSummaries)
  }

  /// Checks that `model` is a preset name or a string of valid layer tokens. Shapes are
  /// checked later, when the input size is known.
  ///
  /// - Throws: `NetworkError.unknownModel` or `.invalidModelSpec` naming the bad token.
  public static func checkModelSyntax(_ model: String) throws {
    if ModelSpec.presetNames.contains(model) { return }
    guard ModelSpec.looksLikeSpecification(model) else {
      throw NetworkError.unknownModel(name: model, presets: ModelSpec.presetNames)
    }
    for token in model.split(separator: "-", omittingEmptySubsequences: false) {
      guard ModelSpec.parseToken(String(token)) != nil else {
        throw NetworkError.invalidModelSpec(
          specification: model, token: String(token),
          reason: "not a layer; see `lepton help models` for the grammar")
      }
    }
  }

  /// Returns what a preset is for, in a few words, or an empty string for other names.
  public static func presetSummary(_ name: String) -> String { ModelSpec.presetSummary(name) }

  /// Returns the input shape a preset is designed for: 3x32x32 for `cifar-cnn`, else 1x28x28.
  public static func defaultInputShape(model: String) -> [Int] {
    model == "cifar-cnn" ? [3, 32, 32] : [1, 28, 28]
  }
}
