/// One key press as the terminal reports it.
public enum InputKey: Hashable, Sendable {
  /// A printable character or a control character such as tab (`"\t"`).
  case character(Character)
  /// The terminal changed size (curses' `KEY_RESIZE`).
  case resize
  /// Shift-Tab (curses' `KEY_BTAB`).
  case backTab
  case up
  case down
  case left
  case right
  case pageUp
  case pageDown
  case shiftLeft
  case shiftRight
  case backspace
  /// A function key that the dashboard does not use, with its curses key code.
  case other(Int32)
}

/// A dashboard action bound to a key.
public enum DashboardCommand: Hashable, Sendable {
  /// Stop training cleanly and leave the dashboard.
  case quit
  case togglePause
  case toggleHelp
  /// Move the keyboard focus to the next panel.
  case focusNext
  /// Move the keyboard focus to the previous panel.
  case focusPrevious
  /// Switch the confusion matrix between counts and row-normalised fractions.
  case toggleNormalization
  /// Switch loss and accuracy curve smoothing on or off.
  case toggleSmoothing
  /// Switch between the per-class table and the confusion matrix with the ROC curves.
  case togglePerClass
  /// Show or hide the threshold explorer.
  case toggleExplorer
  /// Move the explorer's threshold by a step, such as +0.01.
  case moveThreshold(Double)
  /// Move the explorer's threshold to the next distinct score above (+1) or below (-1).
  case jumpToScore(Int)
  /// Show the next (+1) or previous (-1) class against the rest.
  case changeExplorerClass(Int)
  /// Jump to the threshold with the highest F1.
  case thresholdAtMaximumF1
  /// Jump to the threshold with the highest Youden's J (TPR - FPR).
  case thresholdAtMaximumYoudenJ
  /// Switch between one class against the rest and abstaining on low top probabilities.
  case toggleSelective
  /// Start typing a threshold or a precision or recall target.
  case startPrompt
  /// Show the previous (-1) or next (+1) epoch's evaluation in a stored run.
  case changeEpoch(Int)
  /// Switch to the next colour theme of the theme directories.
  case cycleTheme
  /// Re-query the terminal size and lay the screen out again.
  case resize
}

/// The dashboard's key bindings.
public enum KeyBindings {
  /// Key descriptions for help screens, in display order.
  public static let summary: [(keys: String, action: String)] = [
    ("q", "stop training and quit"),
    ("p", "pause or resume training"),
    ("?", "show or hide this help"),
    ("Tab / Shift-Tab", "move focus between panels"),
    ("n", "normalise the confusion matrix by row"),
    ("s", "smooth the loss and accuracy curves"),
    ("c", "show per-class metrics instead of the matrix and ROC"),
    ("t", "threshold explorer: arrows 0.01, Shift or J/K 0.001, PgUp/PgDn next score"),
    ("[ ]", "explorer: previous or next class"),
    ("f / y", "explorer: threshold of maximum F1 or Youden's J"),
    ("a", "explorer: abstain below the threshold (selective prediction)"),
    ("=", "explorer: type a threshold, or p0.9 / r0.8 for a precision or recall target"),
    ("< >", "stored runs: previous or next epoch"),
    ("v", "next colour theme (default, then the themes/ files by name)"),
  ]

  /// Returns the command bound to `key`, or nil when the key does nothing. Letters match in
  /// either case, so Caps Lock does not disable the keys.
  public static func command(for key: InputKey) -> DashboardCommand? {
    switch key {
    case .resize:
      return .resize
    case .backTab:
      return .focusPrevious
    case .character(let character):
      return command(forCharacter: character)
    case .right, .up: return .moveThreshold(0.01)
    case .left, .down: return .moveThreshold(-0.01)
    case .shiftRight: return .moveThreshold(0.001)
    case .shiftLeft: return .moveThreshold(-0.001)
    case .pageUp: return .jumpToScore(1)
    case .pageDown: return .jumpToScore(-1)
    case .backspace: return nil
    case .other:
      return nil
    }
  }

  private static func command(forCharacter character: Character) -> DashboardCommand? {
    switch character {
    case "q", "Q": return .quit
    case "p", "P": return .togglePause
    case "?": return .toggleHelp
    case "\t": return .focusNext
    case "n", "N": return .toggleNormalization
    case "s", "S": return .toggleSmoothing
    case "c", "C": return .togglePerClass
    case "t", "T": return .toggleExplorer
    case "K", "k": return .moveThreshold(0.001)
    case "J", "j": return .moveThreshold(-0.001)
    case "]": return .changeExplorerClass(1)
    case "[": return .changeExplorerClass(-1)
    case "f", "F": return .thresholdAtMaximumF1
    case "y", "Y": return .thresholdAtMaximumYoudenJ
    case "a", "A": return .toggleSelective
    case "=": return .startPrompt
    case "v", "V": return .cycleTheme
    case "<", ",": return .changeEpoch(-1)
    case ">", ".": return .changeEpoch(1)
    default: return nil
    }
  }
}
