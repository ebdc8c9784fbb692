/// A small parser for `--name value`, `--name=value` and `--flag` options.
///
/// Each command declares its options; values are validated as they are read so
/// that every error quotes the option and the bad value.
struct OptionParser {
  let command: String
  private var arguments: [String]
  private var index = 0
  private let valueOptions: Set<String>
  private let flagOptions: Set<String>

  init(command: String, arguments: [String], valueOptions: [String], flagOptions: [String]) {
    self.command = command
    self.arguments = arguments
    self.valueOptions = Set(valueOptions)
    self.flagOptions = Set(flagOptions + ["--help", "-h"])
  }

  /// One parsed token: an option with its value (nil for a flag) or a positional argument.
  enum Token: Equatable {
    case option(name: String, value: String?)
    case positional(String)
  }

  mutating func next() throws -> Token? {
    guard index < arguments.count else { return nil }
    let argument = arguments[index]
    index += 1
    guard argument.hasPrefix("-"), argument != "-" else { return .positional(argument) }
    var name = argument
    var inlineValue: String?
    if let equals = argument.firstIndex(of: "=") {
      name = String(argument[..<equals])
      inlineValue = String(argument[argument.index(after: equals)...])
    }
    if flagOptions.contains(name) {
      guard inlineValue == nil else {
        throw CommandLineError.invalidValue(
          option: name, value: inlineValue ?? "", expected: "no value (it is a switch)")
      }
      return .option(name: name, value: nil)
    }
    guard valueOptions.contains(name) else {
      let known = Array(valueOptions) + Array(flagOptions)
      throw CommandLineError.unknownOption(
        name, command: command, suggestion: closestMatch(to: name, in: known.sorted()))
    }
    if let inlineValue { return .option(name: name, value: inlineValue) }
    guard index < arguments.count, !isOptionName(arguments[index]) else {
      throw CommandLineError.missingValue(option: name, expected: "a value")
    }
    let value = arguments[index]
    index += 1
    return .option(name: name, value: value)
  }

  private func isOptionName(_ token: String) -> Bool {
    token.hasPrefix("--") || (token.hasPrefix("-") && Double(token) == nil && token != "-")
  }
}

// MARK: - Value conversion

func parseInteger(_ value: String?, option: String, range: ClosedRange<Int>) throws -> Int {
  let expected = "a whole number from \(range.lowerBound) to \(range.upperBound)"
  guard let value else { throw CommandLineError.missingValue(option: option, expected: expected) }
  guard let number = Int(value), range.contains(number) else {
    throw CommandLineError.invalidValue(option: option, value: value, expected: expected)
  }
  return number
}

func parseDouble(_ value: String?, option: String, range: ClosedRange<Double>, expected: String)
  throws -> Double
{
  guard let value else { throw CommandLineError.missingValue(option: option, expected: expected) }
  guard let number = Double(value), number.isFinite, range.contains(number) else {
    throw CommandLineError.invalidValue(option: option, value: value, expected: expected)
  }
  return number
}

func parseString(_ value: String?, option: String, expected: String) throws -> String {
  guard let value, !value.isEmpty else {
    throw CommandLineError.missingValue(option: option, expected: expected)
  }
  return value
}

/// Parses one of the raw values of `Choice`, such as `adamw` for `OptimizerKind`.
func parseChoice<Choice: RawRepresentable & CaseIterable>(
  _ value: String?, option: String, as type: Choice.Type
) throws -> Choice where Choice.RawValue == String {
  let names = Choice.allCases.map(\.rawValue)
  let expected = "one of " + names.joined(separator: ", ")
  guard let value else { throw CommandLineError.missingValue(option: option, expected: expected) }
  guard let choice = Choice(rawValue: value.lowercased()) else {
    throw CommandLineError.invalidValue(option: option, value: value, expected: expected)
  }
  return choice
}
