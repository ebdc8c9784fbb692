import Foundation
import LeptonEngine
import Testing

@Suite("OpenMP thread count")
struct OpenMPThreadsTests {
  @Test func runtimeIsFound() {
    // Debian's libdnnl uses the OpenMP runtime, which the test process has loaded.
    #expect(OpenMPThreads.isAvailable)
  }

  @Test func countIsPerThread() throws {
    let before = try #require(OpenMPThreads.maximum)
    let inside = ThreadCounts()
    let thread = Thread {
      OpenMPThreads.setMaximum(1)
      inside.record(OpenMPThreads.maximum)
      OpenMPThreads.setMaximum(3)
      inside.record(OpenMPThreads.maximum)
      inside.finish()
    }
    thread.start()
    let counts = inside.wait()
    #expect(counts == [1, 3])
    #expect(OpenMPThreads.maximum == before)
  }
}

/// Counts seen on another thread, handed back once it is done.
private final class ThreadCounts: @unchecked Sendable {
  private let condition = NSCondition()
  private var counts: [Int?] = []
  private var done = false

  func record(_ count: Int?) {
    condition.lock()
    counts.append(count)
    condition.unlock()
  }

  func finish() {
    condition.lock()
    done = true
    condition.broadcast()
    condition.unlock()
  }

  func wait() -> [Int?] {
    condition.lock()
    defer { condition.unlock() }
    while !done { condition.wait() }
    return counts
  }
}
