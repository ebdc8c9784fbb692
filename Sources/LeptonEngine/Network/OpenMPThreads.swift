import Foundation

/// The OpenMP thread count of the calling thread, which sets how many threads oneDNN's
/// primitives use when this thread runs them (oneDNN 2.x built with the OpenMP runtime, as
/// Debian's libdnnl is).
///
/// The functions are looked up at run time because oneDNN, not Lepton, links the OpenMP
/// library. With another runtime, such as TBB, `isAvailable` is false and nothing changes.
public enum OpenMPThreads {
  private typealias SetFunction = @convention(c) (Int32) -> Void
  private typealias GetFunction = @convention(c) () -> Int32

  private static func lookUp(_ name: String) -> UnsafeMutableRawPointer? {
    // A null handle is glibc's RTLD_DEFAULT: search every loaded library.
    dlsym(UnsafeMutableRawPointer(bitPattern: 0), name)
  }

  /// Whether the process has an OpenMP runtime whose thread count can be set.
  public static var isAvailable: Bool {
    lookUp("omp_set_num_threads") != nil && lookUp("omp_get_max_threads") != nil
  }

  /// Threads a parallel region started by the calling thread uses, or nil without OpenMP.
  public static var maximum: Int? {
    guard let symbol = lookUp("omp_get_max_threads") else { return nil }
    return Int(unsafeBitCast(symbol, to: GetFunction.self)())
  }

  /// Sets the threads of parallel regions that the calling thread starts from now on. Other
  /// threads keep their own count, so two trainers on two threads can each use part of the
  /// machine.
  /// - Returns: false when there is no OpenMP runtime to set.
  @discardableResult
  public static func setMaximum(_ count: Int) -> Bool {
    guard let symbol = lookUp("omp_set_num_threads") else { return false }
    unsafeBitCast(symbol, to: SetFunction.self)(Int32(clamping: max(1, count)))
    return true
  }
}
