/// An error raised while building or running a `Network`.
public enum NetworkError: Error, CustomStringConvertible, Equatable {
  /// The model name is not one of the presets in `Network.presetNames`.
  case unknownModel(name: String, presets: [String])
  /// A model specification string has a token that is not a layer or does not fit its input.
  case invalidModelSpec(specification: String, token: String, reason: String)
  /// The input shape, class count, batch size or another model setting is invalid.
  case invalidConfiguration(String)
  /// A step received `count` images, but the network accepts 1 through `maximum`.
  case invalidBatchCount(count: Int, maximum: Int)
  /// A buffer argument has fewer elements than the call needs.
  case bufferTooSmall(name: String, required: Int, actual: Int)
  /// A label is outside `0..<classCount`.
  case invalidLabel(index: Int, label: Int32, classCount: Int)
  /// A oneDNN call returned a status other than `dnnl_success`.
  case dnnlFailed(operation: String, status: String)

  public var description: String {
    switch self {
    case .unknownModel(let name, let presets):
      return "unknown model '\(name)'; available presets: \(presets.joined(separator: ", "))"
    case .invalidModelSpec(let specification, let token, let reason):
      return "invalid model '\(specification)' at '\(token)': \(reason)"
    case .invalidConfiguration(let message):
      return "invalid network configuration: \(message)"
    case .invalidBatchCount(let count, let maximum):
      return "invalid batch count \(count): expected 1 through \(maximum)"
    case .bufferTooSmall(let name, let required, let actual):
      return "buffer '\(name)' has \(actual) elements but \(required) are required"
    case .invalidLabel(let index, let label, let classCount):
      return "label \(label) at index \(index) is outside 0..<\(classCount)"
    case .dnnlFailed(let operation, let status):
      return "oneDNN call failed: \(operation) returned \(status)"
    }
  }
}
