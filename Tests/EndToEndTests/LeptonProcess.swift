import Foundation

/// Runs the built `lepton` executable and collects its output.
struct LeptonProcess {
  struct Output {
    var status: Int32
    var standardOutput: String
    var standardError: String
  }

  /// The directory of the test bundle, where SwiftPM also puts the `lepton` executable.
  static var executable: URL {
    get throws {
      var candidates: [URL] = [
        Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
      ]
      if let argument = CommandLine.arguments.first {
        candidates.append(URL(fileURLWithPath: argument).deletingLastPathComponent())
      }
      for directory in candidates {
        let binary = directory.appendingPathComponent("lepton")
        if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
      }
      throw LocatorError.notFound(searched: candidates.map(\.path))
    }
  }

  enum LocatorError: Error, CustomStringConvertible {
    case notFound(searched: [String])
    var description: String {
      "the lepton executable is not built; run 'swift build' first (searched \(searched))"
    }
    var searched: [String] {
      switch self {
      case .notFound(let searched): searched
      }
    }
  }

  /// Starts lepton with `arguments` and an environment without a terminal.
  static func start(
    _ arguments: [String], environment extra: [String: String] = [:],
    standardInput: String? = nil
  ) throws -> (Process, Pipe, Pipe) {
    let process = Process()
    process.executableURL = try executable
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["TERM"] = "dumb"
    for (key, value) in extra { environment[key] = value }
    process.environment = environment
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    let input = Pipe()
    process.standardInput = standardInput == nil ? FileHandle.nullDevice : input
    try process.run()
    if let standardInput {
      input.fileHandleForWriting.write(Data(standardInput.utf8))
      try input.fileHandleForWriting.close()
    }
    return (process, output, error)
  }

  /// Starts lepton with `arguments` reading standard input from `input`, which stays open
  /// until the caller closes its writing end.
  static func start(_ arguments: [String], input: Pipe) throws -> (Process, Pipe, Pipe) {
    let process = Process()
    process.executableURL = try executable
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["TERM"] = "dumb"
    process.environment = environment
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = input
    try process.run()
    return (process, output, error)
  }

  /// Waits until `process` exits or `limit` passes. A process still running at the
  /// limit is terminated, and the result is false.
  static func waitForExit(_ process: Process, limit: Duration = .seconds(30)) -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + limit
    while process.isRunning && clock.now < deadline {
      Thread.sleep(forTimeInterval: 0.05)
    }
    guard process.isRunning else { return true }
    process.terminate()
    process.waitUntilExit()
    return false
  }

  /// Runs lepton to completion.
  static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
    let (process, output, error) = try start(arguments, environment: environment)
    // Read before waiting, so a full pipe cannot block the child.
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Output(
      status: process.terminationStatus,
      standardOutput: String(decoding: outputData, as: UTF8.self),
      standardError: String(decoding: errorData, as: UTF8.self))
  }
}

/// A temporary directory removed by `remove()`.
struct TemporaryDirectory {
  let path: String

  init(_ prefix: String) throws {
    path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  func appending(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

  func remove() { try? FileManager.default.removeItem(atPath: path) }
}
