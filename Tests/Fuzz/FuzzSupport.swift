import Foundation

/// Stops the process with `message` when `condition` is false, so libFuzzer records the
/// input as a crash. Unlike `precondition`, it prints the message in optimized builds.
func fuzzCheck(
  _ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID,
  line: UInt = #line
) {
  if !condition {
    fatalError("invariant failed: \(message())", file: file, line: line)
  }
}

/// Returns the product of `dimensions`, or nil when it overflows `Int`.
func elementCount(_ dimensions: [Int]) -> Int? {
  var count = 1
  for dimension in dimensions {
    let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
    if overflow { return nil }
    count = product
  }
  return count
}

/// A directory that belongs to this fuzzer process, for parsers that only read files.
///
/// It is in the RAM-backed /dev/shm where that exists. On ext4, rewriting a truncated
/// file starts writeback when the file is closed, which made each execution wait for
/// the disk.
let scratchDirectory: String = {
  var isDirectory: ObjCBool = false
  let memoryBacked =
    FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDirectory)
    && isDirectory.boolValue && access("/dev/shm", W_OK) == 0
  let parent = memoryBacked ? "/dev/shm/" : NSTemporaryDirectory()
  let path = parent + "lepton-fuzz-\(getpid())"
  try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  // libFuzzer calls exit() after the last run, which runs this. A crash leaves the
  // directory behind, with the files of the crashing input.
  atexit { try? FileManager.default.removeItem(atPath: scratchDirectory) }
  return path
}()

/// Writes `bytes` to a file in `scratchDirectory`, replacing it, and returns its path.
///
func writeScratchFile(_ bytes: UnsafeRawBufferPointer, name: String) -> String {
  let path = scratchDirectory + "/" + name
  guard let file = fopen(path, "wb") else {
    fuzzCheck(false, "cannot open the scratch file \(path): \(String(cString: strerror(errno)))")
    return path
  }
  let written = bytes.isEmpty ? 0 : fwrite(bytes.baseAddress, 1, bytes.count, file)
  let closed = fclose(file)
  fuzzCheck(written == bytes.count && closed == 0, "cannot write the scratch file \(path)")
  return path
}
