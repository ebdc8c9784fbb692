/// Mistakes on the command line. Each message quotes the bad token and names a valid form.
enum CommandLineError: Error, Equatable, CustomStringConvertible {
  case unknownCommand(String, suggestion: String?)
  case unknownOption(String, command: String, suggestion: String?)
  case missingValue(option: String, expected: String)
  case missingOption(String, command: String, expected: String)
  case invalidValue(option: String, value: String, expected: String)
  /// A value that is well-formed but does not suit the data, such as a validation split
  /// that leaves no training image.
  case invalidValueWithReason(option: String, value: String, reason: String, fix: String)
  case unexpectedArgument(String, command: String)
  /// `--theme` names no theme file, or the file cannot be read.
  case invalidTheme(String)
  /// A required positional argument, such as the RUN of `lepton report RUN`, is absent.
  case missingArgument(String, command: String, expected: String)
  /// `option` cannot be combined with `other`, for `reason`.
  case conflictingOption(String, with: String, reason: String, fix: String)

  var description: String {
    switch self {
    case .unknownCommand(let name, let suggestion):
      return "unknown command '\(name)'." + hint(suggestion)
        + " Run 'lepton help' for the commands."
    case .unknownOption(let name, let command, let suggestion):
      return
        "unknown option '\(name)' for 'lepton \(command)'." + hint(suggestion)
        + " Run 'lepton \(command) --help' for its options."
    case .missingValue(let option, let expected):
      return "missing value for \(option): expected \(expected), as in '\(option) VALUE'."
    case .missingOption(let option, let command, let expected):
      return
        "missing option \(option) for 'lepton \(command)': expected \(expected), as in "
        + "'lepton \(command) \(option) VALUE'."
    case .invalidValue(let option, let value, let expected):
      return "invalid value '\(value)' for \(option): expected \(expected)."
    case .invalidValueWithReason(let option, let value, let reason, let fix):
      return "invalid value '\(value)' for \(option): \(reason). \(fix)"
    case .invalidTheme(let message):
      return "invalid value for --theme: \(message)"
    case .unexpectedArgument(let argument, let command):
      return
        "unexpected argument '\(argument)' for 'lepton \(command)'. "
        + "Options start with '--'; run 'lepton \(command) --help'."
    case .missingArgument(let name, let command, let expected):
      return
        "missing argument \(name) for 'lepton \(command)': expected \(expected), as in "
        + "'lepton \(command) \(name)'. Run 'lepton \(command) --help' for its options."
    case .conflictingOption(let option, let other, let reason, let fix):
      return "\(option) cannot be used with \(other): \(reason). \(fix)"
    }
  }

  private func hint(_ suggestion: String?) -> String {
    guard let suggestion else { return "" }
    return " Did you mean '\(suggestion)'?"
  }
}

/// Returns the candidate closest to `word` by edit distance, if it is close enough to be a typo.
func closestMatch(to word: String, in candidates: [String]) -> String? {
  let scored = candidates.map { ($0, editDistance(word, $0)) }
  guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
  let allowed = max(2, word.count / 3)
  return best.1 <= allowed ? best.0 : nil
}

/// Levenshtein distance between two strings, by characters.
func editDistance(_ first: String, _ second: String) -> Int {
  let a = Array(first)
  let b = Array(second)
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previous = Array(0...b.count)
  var current = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
      current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
    }
    swap(&previous, &current)
  }
  return previous[b.count]
}
