import LeptonEngine

@testable import lepton

/// Splits `bytes` into arguments at NUL and newline bytes. Empty arguments are kept,
/// as a shell passes `""`.
func splitArguments(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
  bytes.split(omittingEmptySubsequences: false, whereSeparator: { $0 == 0 || $0 == 0x0A })
    .map { String(decoding: $0, as: UTF8.self) }
}

/// Options of `lepton bench`, `train` and `models` for the generic parser, which passes
/// each value to every value converter.
let genericValueOptions = ["--model", "--batch", "--lr", "--input", "--optimizer", "--data"]
let genericFlagOptions = ["--json", "--threshold"]

/// Parses `arguments` the way `lepton bench` and `lepton models` do, passing every value
/// to each converter of OptionParser.swift and every positional argument to the model
/// parser as `lepton models` does.
func parseGeneric(_ arguments: [String]) throws {
  var parser = OptionParser(
    command: "bench", arguments: arguments, valueOptions: genericValueOptions,
    flagOptions: genericFlagOptions)
  var tokenCount = 0
  while let token = try parser.next() {
    tokenCount += 1
    fuzzCheck(tokenCount <= arguments.count, "more tokens than the \(arguments.count) arguments")
    switch token {
    case .positional(let argument):
      fuzzCheck(
        argument == "-" || !argument.hasPrefix("-"), "option \(argument) read as positional")
      let shape = Network.defaultInputShape(model: argument)
      do {
        let description = try Network.describe(model: argument, inputShape: shape, classCount: 10)
        fuzzCheck(description.parameterCount >= 0, "negative parameter count for \(argument)")
      } catch let error as NetworkError {
        _ = error.description
      }
    case .option(let name, let value):
      let isFlag = genericFlagOptions.contains(name) || name == "--help" || name == "-h"
      fuzzCheck(isFlag == (value == nil), "option \(name) has value \(String(describing: value))")
      _ = try? parseInteger(value, option: name, range: 1...65_536)
      _ = try? parseDouble(value, option: name, range: 0...1, expected: "a fraction")
      _ = try? parseString(value, option: name, expected: "text")
      _ = try? parseChoice(value, option: name, as: OptimizerKind.self)
      if let shape = try? ModelsCommand.parseShape(value, option: name) {
        fuzzCheck(shape.count == 3, "shape \(shape) from \(String(describing: value))")
      }
    }
  }
}

/// Fuzzes the command-line parsers of `lepton`.
///
/// The first byte selects the parser: `train`, `eval`, `evaluate`, `report`, or the
/// generic option loop of `parseGeneric`. The rest is split into arguments at NUL and
/// newline bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCommandLine(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  guard size >= 1 else { return 0 }
  let selector = data[0] % 5
  let arguments = splitArguments(UnsafeBufferPointer(start: data + 1, count: size - 1))
  do {
    switch selector {
    case 0:
      let parsed = try TrainArguments.parse(arguments)
      fuzzCheck(
        parsed.models.isEmpty || parsed.models[0] == parsed.options.model,
        "first --model \(parsed.models[0]) is not the trained model \(parsed.options.model)")
      fuzzCheck(parsed.options.epochs >= 1, "\(parsed.options.epochs) epochs")
      fuzzCheck(parsed.options.batchSize >= 1, "batch size \(parsed.options.batchSize)")
    case 1:
      _ = try EvalArguments.parse(arguments)
    case 2:
      _ = try EvaluateArguments.parse(arguments)
    case 3:
      _ = try ReportArguments.parse(arguments)
    default:
      try parseGeneric(arguments)
    }
  } catch let error as CommandLineError {
    fuzzCheck(!error.description.isEmpty, "empty message for \(error)")
  } catch {
    fuzzCheck(false, "parser threw \(type(of: error)), not CommandLineError: \(error)")
  }
  return 0
}
