import LeptonRender

/// An action of the comparison screen bound to a key.
public enum ComparisonCommand: Hashable, Sendable {
  case quit
  case toggleHelp
  case nextTab
  case previousTab
  /// Show one view, by its number key.
  case selectTab(ComparisonTab)
  /// Draw the next metric in the curves view.
  case cycleMetric
  /// Switch the curves' x axis between epochs and global steps.
  case toggleAxis
  /// Switch the exponential moving average of step curves on or off.
  case toggleSmoothing
  /// Switch the curves' y axis between linear and log10.
  case toggleLogScale
  /// Switch the matrix difference between counts and row rates.
  case toggleNormalization
  /// Compare the next run with A in the matrix difference.
  case cycleComparedRun
  /// Show the ROC curves of the next (+1) or previous (-1) class.
  case changeClass(Int)
  /// Pause or resume the runs that train while the screen is open.
  case togglePause
  /// Switch to the next colour theme of the theme directories.
  case cycleTheme
  /// Re-query the terminal size and lay the screen out again.
  case resize
}

/// The comparison screen's key bindings.
public enum ComparisonKeyBindings {
  /// Returns the command bound to `key`, or nil when the key does nothing. Letters match in
  /// either case, so Caps Lock does not disable the keys.
  public static func command(for key: InputKey) -> ComparisonCommand? {
    switch key {
    case .resize: return .resize
    case .backTab: return .previousTab
    case .right: return .changeClass(1)
    case .left: return .changeClass(-1)
    case .character(let character): return command(forCharacter: character)
    default: return nil
    }
  }

  private static func command(forCharacter character: Character) -> ComparisonCommand? {
    if let digit = character.wholeNumberValue, let tab = ComparisonTab(rawValue: digit) {
      return .selectTab(tab)
    }
    switch character {
    case "q", "Q": return .quit
    case "p", "P": return .togglePause
    case "v", "V": return .cycleTheme
    case "?": return .toggleHelp
    case "\t": return .nextTab
    case "m", "M": return .cycleMetric
    case "x", "X": return .toggleAxis
    case "s", "S": return .toggleSmoothing
    case "l", "L": return .toggleLogScale
    case "n", "N": return .toggleNormalization
    case "b", "B": return .cycleComparedRun
    case "]": return .changeClass(1)
    case "[": return .changeClass(-1)
    default: return nil
    }
  }
}

extension ComparisonState {
  /// Applies a key's command to the screen state. `quit` and `resize` belong to the app
  /// and change nothing here; the app also passes `togglePause` to the trainers
  /// and carries out `cycleTheme`. Each command clears the previous status message first.
  public mutating func perform(_ command: ComparisonCommand) {
    message = nil
    switch command {
    case .quit, .resize, .cycleTheme: break
    case .togglePause:
      if !live {
        message = "nothing is training: p pauses runs trained side by side"
      } else if !allEnded && !stopRequested {
        paused.toggle()
      }
    case .toggleHelp: helpVisible.toggle()
    case .nextTab: tab = tab.next
    case .previousTab: tab = tab.previous
    case .selectTab(let selected): tab = selected
    case .cycleMetric: cycleMetric()
    case .toggleAxis: toggleAxis()
    case .toggleSmoothing: toggleSmoothing()
    case .toggleLogScale: toggleLogScale()
    case .toggleNormalization: matrixNormalized.toggle()
    case .cycleComparedRun: cycleComparedRun()
    case .changeClass(let delta): changeClass(by: delta)
    }
  }
}
