import CNCurses
import Glibc
import Synchronization

/// Failure to take over the terminal. Callers fall back to plain line output.
public struct TerminalError: Error, CustomStringConvertible, Sendable {
  public var message: String

  public var description: String { message }
}

/// True while a curses screen is open. The exit hook calls `endwin` only then.
private let cursesActive = Atomic<Bool>(false)
/// True once the exit hook is registered, so it is registered only once.
private let exitHookRegistered = Atomic<Bool>(false)

/// One cell as it is drawn: the character and the colours after theme resolution.
struct DrawnCell: Hashable, Sendable {
  var character: Character
  var style: ResolvedStyle
}

/// The curses screen: opens and restores the terminal, reads keys and sends changed
/// cells. Use it from one thread only.
final class Terminal {
  /// True when the locale encodes text as UTF-8, so non-ASCII glyphs can be shown.
  let isUTF8: Bool
  let colorSupport: ColorSupport
  private(set) var width: Int
  private(set) var height: Int

  private let screen: OpaquePointer
  /// The controlling terminal opened for keys, closed after the screen, or nil when keys
  /// come from standard input.
  private let keyboard: UnsafeMutablePointer<FILE>?
  private let window: UnsafeMutablePointer<WINDOW>
  private var isOpen = true
  private var savedSignalHandlers: SignalMonitor.SavedHandlers
  private var colorPairs: ColorPairTable
  private var attributeCache: [TextAttributes: attr_t] = [:]
  private var previous: ScreenSnapshot<DrawnCell>?

  /// Opens the terminal on standard output, with keys from standard input or, when
  /// `keysFromControllingTerminal` is set, from `/dev/tty`.
  ///
  /// - Parameter inputTimeoutMilliseconds: how long `readKey` waits for a key.
  /// - Throws: `TerminalError` when `/dev/tty` cannot be opened or curses cannot
  ///   initialise the terminal, for example because `TERM` names a terminal without a
  ///   terminfo entry.
  init(
    inputTimeoutMilliseconds: Int32, environment: [String: String],
    keysFromControllingTerminal: Bool = false
  ) throws(TerminalError) {
    setlocale(LC_ALL, "")
    isUTF8 = Self.localeIsUTF8()

    if keysFromControllingTerminal {
      guard let file = fopen("/dev/tty", "r") else {
        throw TerminalError(
          message: "cannot open /dev/tty to read keys (\(String(cString: strerror(errno))))")
      }
      keyboard = file
    } else {
      keyboard = nil
    }
    savedSignalHandlers = SignalMonitor.install()
    let opened = keyboard.map { lepton_newterm_input($0) } ?? lepton_newterm_stdio()
    guard let screen = opened else {
      SignalMonitor.restore(savedSignalHandlers)
      if let keyboard { fclose(keyboard) }
      let term = environment["TERM"] ?? "(unset)"
      throw TerminalError(
        message: "cannot initialise the terminal (TERM=\(term)); check that TERM names an "
          + "installed terminfo entry, or use --headless")
    }
    guard let window = lepton_stdscr() else {
      endwin()
      delscreen(screen)
      SignalMonitor.restore(savedSignalHandlers)
      if let keyboard { fclose(keyboard) }
      throw TerminalError(message: "curses opened the terminal but returned no window")
    }
    self.screen = screen
    self.window = window
    cursesActive.store(true, ordering: .sequentiallyConsistent)
    Self.registerExitHook()

    cbreak()
    noecho()
    keypad(window, true)
    wtimeout(window, inputTimeoutMilliseconds)
    set_escdelay(25)
    // Terminals without an invisible cursor return ERR here; the dashboard still works.
    curs_set(0)

    colorSupport = Self.startColors(noColor: Self.noColorRequested(environment))
    colorPairs = ColorPairTable(
      maximumPairs: colorSupport == .monochrome ? 0 : Int(lepton_color_pairs()),
      defaultColorsAvailable: colorSupport == .monochrome || use_default_colors() == OK)
    width = Int(lepton_screen_width(window))
    height = Int(lepton_screen_height(window))
  }

  deinit {
    close()
  }

  /// Restores the terminal to the state before `init`. Safe to call more than once.
  func close() {
    guard isOpen else { return }
    isOpen = false
    if cursesActive.exchange(false, ordering: .sequentiallyConsistent) {
      curs_set(1)
      endwin()
    }
    delscreen(screen)
    if let keyboard { fclose(keyboard) }
    SignalMonitor.restore(savedSignalHandlers)
  }

  /// Waits up to the input timeout for a key. Returns nil when none arrives.
  func readKey() -> InputKey? {
    var key: wint_t = 0
    let status = lepton_read_key(window, &key)
    if status == lepton_key_code_yes() {
      return Self.functionKey(Int32(key))
    }
    guard status == OK, let scalar = Unicode.Scalar(UInt32(key)) else { return nil }
    return .character(Character(scalar))
  }

  /// Re-reads the screen size after a resize and forces a full redraw.
  func updateSize() {
    width = Int(lepton_screen_width(window))
    height = Int(lepton_screen_height(window))
    previous = nil
  }

  /// Forces the next `draw` to send every cell, for example after the screen was
  /// overwritten by other output.
  func invalidate() {
    previous = nil
  }

  /// Sends the cells of `snapshot` that differ from the last drawn snapshot, then
  /// refreshes once. Cells outside the current screen size are not drawn.
  func draw(_ snapshot: ScreenSnapshot<DrawnCell>) {
    guard isOpen else { return }
    let visible = Self.clipped(snapshot, width: width, height: height)
    let plan = FlushPlan.between(previous: previous, next: visible)
    if plan.clearsScreen {
      werase(window)
    }
    var buffer: [cchar_t] = []
    buffer.reserveCapacity(visible.width)
    for run in plan.runs {
      buffer.removeAll(keepingCapacity: true)
      for column in run.column..<(run.column + run.length) {
        buffer.append(makeCell(visible[run.row, column]))
      }
      _ = lepton_put_cells(window, Int32(run.row), Int32(run.column), buffer, Int32(run.length))
    }
    if plan.clearsScreen || !plan.runs.isEmpty {
      wrefresh(window)
    }
    previous = visible
  }

  // MARK: - Cells

  private func makeCell(_ cell: DrawnCell) -> cchar_t {
    var result = cchar_t()
    let pair = colorPairs.pair(
      foreground: cell.style.foreground.cursesNumber,
      background: cell.style.background.cursesNumber)
    var text = Self.wideCharacters(for: cell.character, allowNonASCII: isUTF8)
    let attributes = cursesAttributes(cell.style.attributes)
    let status = text.withUnsafeMutableBufferPointer { characters in
      lepton_set_cell(&result, characters.baseAddress, attributes, Int32(pair))
    }
    if status != OK {
      var fallback: [wchar_t] = [wchar_t(UInt8(ascii: "?")), 0]
      _ = fallback.withUnsafeMutableBufferPointer { characters in
        lepton_set_cell(&result, characters.baseAddress, attributes, Int32(pair))
      }
    }
    return result
  }

  private func cursesAttributes(_ attributes: TextAttributes) -> attr_t {
    if let cached = attributeCache[attributes] { return cached }
    var value = lepton_attr_normal()
    if attributes.contains(.bold) { value |= lepton_attr_bold() }
    if attributes.contains(.dim) { value |= lepton_attr_dim() }
    if attributes.contains(.reverse) { value |= lepton_attr_reverse() }
    if attributes.contains(.underline) { value |= lepton_attr_underline() }
    attributeCache[attributes] = value
    return value
  }

  /// Converts a character to the NUL-terminated wide characters of one cell: the first scalar and up to
  /// three combining marks, which is what a curses cell stores (`CCHARW_MAX` is 5).
  /// Characters that would not take exactly one column become `?`, because a wider
  /// glyph would shift the rest of the row. Control characters become a space.
  static func wideCharacters(for character: Character, allowNonASCII: Bool) -> [wchar_t] {
    let scalars = character.unicodeScalars
    guard let first = scalars.first else { return [wchar_t(UInt8(ascii: " ")), 0] }
    if first.value < 0x20 || first.value == 0x7F {
      return [wchar_t(UInt8(ascii: " ")), 0]
    }
    if first.isASCII && scalars.count == 1 {
      return [wchar_t(first.value), 0]
    }
    guard allowNonASCII, lepton_wcwidth(wchar_t(first.value)) == 1 else {
      return [wchar_t(UInt8(ascii: "?")), 0]
    }
    var result = scalars.prefix(4).map { wchar_t(bitPattern: $0.value) }
    result.append(0)
    return result
  }

  /// Cuts `snapshot` to at most `width` x `height` cells, padding with blanks, so a
  /// grid rendered for an older size never draws outside the screen.
  static func clipped(_ snapshot: ScreenSnapshot<DrawnCell>, width: Int, height: Int)
    -> ScreenSnapshot<DrawnCell>
  {
    if snapshot.width == width && snapshot.height == height { return snapshot }
    let blank = DrawnCell(character: " ", style: ResolvedStyle())
    var cells: [DrawnCell] = []
    cells.reserveCapacity(max(0, width * height))
    for row in 0..<max(0, height) {
      for column in 0..<max(0, width) {
        let inside = row < snapshot.height && column < snapshot.width
        cells.append(inside ? snapshot[row, column] : blank)
      }
    }
    return ScreenSnapshot(width: max(0, width), height: max(0, height), cells: cells)
  }

  // MARK: - Setup helpers

  private static func functionKey(_ code: Int32) -> InputKey {
    switch code {
    case lepton_key_resize(): return .resize
    case lepton_key_btab(): return .backTab
    case lepton_key_up(): return .up
    case lepton_key_down(): return .down
    case lepton_key_left(): return .left
    case lepton_key_right(): return .right
    case lepton_key_page_up(): return .pageUp
    case lepton_key_page_down(): return .pageDown
    case lepton_key_shift_left(): return .shiftLeft
    case lepton_key_shift_right(): return .shiftRight
    case lepton_key_backspace(): return .backspace
    default: return .other(code)
    }
  }

  private static func localeIsUTF8() -> Bool {
    guard let codeset = lepton_codeset() else { return false }
    let name = String(cString: codeset).uppercased()
    return name == "UTF-8" || name == "UTF8"
  }

  /// True when `NO_COLOR` is set to a non-empty value, the convention from no-color.org.
  static func noColorRequested(_ environment: [String: String]) -> Bool {
    guard let value = environment["NO_COLOR"] else { return false }
    return !value.isEmpty
  }

  private static func startColors(noColor: Bool) -> ColorSupport {
    guard !noColor, has_colors() else { return .monochrome }
    guard start_color() == OK else { return .monochrome }
    return ColorSupport.forColorCount(
      Int(lepton_colors()), hasColors: true, noColor: false)
  }

  /// Registers an `atexit` hook that calls `endwin` while a screen is open, so `exit`
  /// from anywhere in the process still restores the terminal, and handlers that do the
  /// same before a crash (a Swift trap, SIGSEGV, SIGABRT) ends the process.
  private static func registerExitHook() {
    guard !exitHookRegistered.exchange(true, ordering: .sequentiallyConsistent) else { return }
    CrashGuard.install()
    atexit {
      if cursesActive.exchange(false, ordering: .sequentiallyConsistent) {
        endwin()
      }
    }
  }
}

/// Curses colour pairs, allocated on first use for each foreground and background.
struct ColorPairTable {
  /// Pairs available to this table. Pair 0 is the terminal default and never changed.
  let maximumPairs: Int
  /// False when `use_default_colors` failed, so -1 must be replaced by white on black.
  let defaultColorsAvailable: Bool
  private var pairs: [Int32: Int16] = [:]
  private var nextPair: Int16 = 1

  init(maximumPairs: Int, defaultColorsAvailable: Bool) {
    // setcchar takes the pair as a C short.
    self.maximumPairs = min(maximumPairs, Int(Int16.max))
    self.defaultColorsAvailable = defaultColorsAvailable
  }

  /// Returns the pair for the curses colour numbers (-1 is the default colour). Returns 0,
  /// the default pair, when both are default or every pair is taken.
  mutating func pair(foreground: Int16, background: Int16) -> Int16 {
    if foreground == -1 && background == -1 { return 0 }
    let key = Int32(foreground) << 16 | Int32(UInt16(bitPattern: background))
    if let existing = pairs[key] { return existing }
    // NOTE: once every pair is taken, further colour combinations draw in the
    // default colours. The built-in theme needs about 40 pairs.
    guard Int(nextPair) < maximumPairs else { return 0 }
    let foregroundColor = foreground == -1 && !defaultColorsAvailable ? 7 : foreground
    let backgroundColor = background == -1 && !defaultColorsAvailable ? 0 : background
    guard init_pair(nextPair, foregroundColor, backgroundColor) == OK else { return 0 }
    pairs[key] = nextPair
    nextPair += 1
    return nextPair - 1
  }
}

/// Restores the terminal when the process crashes. Fatal signals (a Swift trap is
/// SIGILL or SIGTRAP) skip `atexit` hooks, so each gets a handler that leaves curses
/// mode first. For a hardware fault it then puts back the previous handler (such as
/// the Swift runtime's backtracer) and returns, so the faulting instruction runs again
/// and that handler reports the crash. A signal sent by a process, which would not
/// repeat, is re-raised with the default action. `endwin` is not async-signal-safe,
/// but the process is ending either way and a usable terminal is worth the risk.
enum CrashGuard {
  static let fatalSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE]

  /// Previous actions by signal number, allocated before any handler can run.
  nonisolated(unsafe) static let previousActions: UnsafeMutablePointer<sigaction> = {
    let actions = UnsafeMutablePointer<sigaction>.allocate(capacity: Int(NSIG))
    actions.initialize(repeating: sigaction(), count: Int(NSIG))
    return actions
  }()

  static func install() {
    let previous = previousActions
    for signalNumber in fatalSignals {
      var action = sigaction()
      action.__sigaction_handler.sa_sigaction = { signalNumber, info, _ in
        if !isendwin() { endwin() }
        // si_code is positive for faults raised by the kernel, and SI_USER (0) or
        // negative for signals sent with kill, raise or abort.
        let isFault = (info?.pointee.si_code ?? 0) > 0
        if isFault {
          sigaction(signalNumber, CrashGuard.previousActions + Int(signalNumber), nil)
        } else {
          signal(signalNumber, SIG_DFL)
          raise(signalNumber)
        }
      }
      sigemptyset(&action.sa_mask)
      action.sa_flags = SA_SIGINFO | SA_NODEFER
      sigaction(signalNumber, &action, previous + Int(signalNumber))
    }
  }
}
