import Foundation

/// A failed step of `AtomicFile.replace`, with the system's reason.
struct AtomicWriteError: Error, Equatable {
  var reason: String
}

/// Replaces files so that a reader, or the file system after a crash, finds either the old
/// file or the whole new one.
enum AtomicFile {
  /// Writes `data` to a new temporary file in the directory of `path`, flushes it to disk
  /// with `fsync` and renames it over `path`. A failure removes the temporary file and
  /// leaves `path` as it was.
  ///
  /// The directory is flushed after the rename so that the new name survives a crash too.
  /// A failure of that last flush is ignored, because the file is complete by then and
  /// some file systems do not flush directories.
  static func replace(_ path: String, with data: Data) throws {
    let (descriptor, temporaryPath) = try createTemporaryFile(beside: path)
    var isOpen = true
    do {
      try writeAll(data, to: descriptor, path: temporaryPath)
      guard fsync(descriptor) == 0 else { throw failure("flushing", temporaryPath) }
      isOpen = false
      guard close(descriptor) == 0 else { throw failure("closing", temporaryPath) }
      guard rename(temporaryPath, path) == 0 else {
        throw failure("renaming \(temporaryPath) to", path)
      }
    } catch {
      if isOpen { close(descriptor) }
      unlink(temporaryPath)
      throw error
    }
    let directory = (path as NSString).deletingLastPathComponent
    let directoryDescriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY)
    if directoryDescriptor >= 0 {
      _ = fsync(directoryDescriptor)
      close(directoryDescriptor)
    }
  }

  /// Creates a new, empty file named `.<name>.tmp-<pid>-<random>` beside `path`.
  private static func createTemporaryFile(beside path: String) throws -> (Int32, String) {
    let directory = (path as NSString).deletingLastPathComponent
    let name = (path as NSString).lastPathComponent
    var lastPath = ""
    // A name taken by another writer gets a new random suffix, a few times at most.
    for _ in 0..<8 {
      let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
      let temporaryName = ".\(name).tmp-\(getpid())-\(suffix)"
      lastPath = (directory as NSString).appendingPathComponent(temporaryName)
      let descriptor = open(lastPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
      if descriptor >= 0 { return (descriptor, lastPath) }
      if errno != EEXIST { break }
    }
    throw failure("creating the temporary file", lastPath)
  }

  /// Writes every byte of `data`, continuing after partial writes and interruptions.
  private static func writeAll(_ data: Data, to descriptor: Int32, path: String) throws {
    try data.withUnsafeBytes { raw in
      guard let base = raw.baseAddress else { return }
      var offset = 0
      while offset < raw.count {
        let written = write(descriptor, base + offset, raw.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          throw failure("writing", path)
        }
        offset += written
      }
    }
  }

  /// Returns an error for a system call that failed on `path`, with the reason in `errno`.
  private static func failure(_ step: String, _ path: String) -> AtomicWriteError {
    AtomicWriteError(reason: "\(step) \(path) failed: \(String(cString: strerror(errno)))")
  }
}
