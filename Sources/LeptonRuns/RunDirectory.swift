import Foundation

/// A run's folder under the runs root: `<root>/<run-id>/`.
public struct RunDirectory: Sendable {
  public let id: String
  public let path: String

  public var eventsPath: String { (path as NSString).appendingPathComponent("events.jsonl") }
  public var configPath: String { (path as NSString).appendingPathComponent("run.json") }
  /// Path of `model.ckpt`, the checkpoint that `lepton train` replaces after every epoch.
  public var checkpointPath: String { (path as NSString).appendingPathComponent("model.ckpt") }

  public func file(_ name: String) -> String {
    (path as NSString).appendingPathComponent(name)
  }

  public init(path: String) {
    self.path = path
    self.id = (path as NSString).lastPathComponent
  }

  /// Creates a new, empty run directory named after the time and the model.
  ///
  /// Creating the final folder fails when it exists, so two runs started in
  /// the same second get different ids (`-2`, `-3`, ... are appended).
  public static func create(root: String, model: String, date: Date = Date()) throws
    -> RunDirectory
  {
    let manager = FileManager.default
    do {
      try manager.createDirectory(atPath: root, withIntermediateDirectories: true)
    } catch {
      throw RunError.cannotCreateDirectory(
        path: root, reason: blockingFile(in: root).map { "\($0) is a file" } ?? reason(error))
    }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    let safeModel = String(
      model.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }.prefix(40))
    let base = "\(formatter.string(from: date))-\(safeModel)"
    for attempt in 1...1000 {
      let id = attempt == 1 ? base : "\(base)-\(attempt)"
      let path = (root as NSString).appendingPathComponent(id)
      if mkdir(path, 0o755) == 0 {
        return RunDirectory(path: path)
      }
      if errno != EEXIST {
        throw RunError.cannotCreateDirectory(path: path, reason: String(cString: strerror(errno)))
      }
    }
    throw RunError.cannotCreateDirectory(
      path: (root as NSString).appendingPathComponent(base),
      reason: "1000 runs already use this name")
  }

  /// Returns the first part of `path` that exists but is not a directory, which stops a
  /// directory from being created there, or nil when there is none.
  static func blockingFile(in path: String) -> String? {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/") {
      prefix += prefix.isEmpty || prefix.hasSuffix("/") ? component : "/" + component
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory) else {
        return nil
      }
      if !isDirectory.boolValue { return prefix }
    }
    return nil
  }

  private static func reason(_ error: Error) -> String {
    if let cocoa = error as NSError?,
      let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError
    {
      return String(cString: strerror(Int32(underlying.code)))
    }
    return error.localizedDescription
  }
}
