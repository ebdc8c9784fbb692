/// Problems with a run directory or its files. Each message names the path and the fix.
public enum RunError: Error, Equatable, CustomStringConvertible {
  case cannotCreateDirectory(path: String, reason: String)
  case cannotWrite(path: String, reason: String)
  case runNotFound(path: String)
  case invalidNumpy(path: String, reason: String)
  case invalidEventLog(path: String, line: Int, reason: String)
  case newerSchema(path: String, version: Int, supported: Int)
  /// A log with lines but no `runStarted` record, so it describes no run.
  case missingRunStart(path: String, malformedLines: Int)

  public var description: String {
    switch self {
    case .cannotCreateDirectory(let path, let reason):
      return
        "\(path): cannot create the run directory (\(reason)). "
        + "Pass a writable directory with --runs-dir DIR."
    case .cannotWrite(let path, let reason):
      return "\(path): write failed (\(reason)). Check free disk space and permissions."
    case .runNotFound(let path):
      return "\(path): run not found. Give a run directory that contains events.jsonl."
    case .invalidNumpy(let path, let reason):
      return "\(path): invalid .npy file: \(reason)."
    case .invalidEventLog(let path, let line, let reason):
      return "\(path):\(line): invalid event: \(reason)."
    case .newerSchema(let path, let version, let supported):
      return
        "\(path): event log schema version \(version) is newer than this Lepton reads "
        + "(\(supported)). Update Lepton to read it."
    case .missingRunStart(let path, let malformedLines):
      let message = "\(path): no runStarted record, so the log describes no run"
      switch malformedLines {
      case 0: return message + "."
      case 1: return message + " (1 malformed line skipped)."
      default: return message + " (\(malformedLines) malformed lines skipped)."
      }
    }
  }
}
