import LeptonEngine
import Synchronization

/// A `TrainingObserver` that queues the trainer's events for the dashboard loop.
///
/// `trainer(didEmit:)` only appends under a lock, which the dashboard loop holds just
/// long enough to take the queued events, so drawing to a slow terminal does not slow
/// training.
public final class DashboardObserver: TrainingObserver {
  /// Maximum number of queued events. Past it, further `batchEnded` events are dropped
  /// and counted; every other event is always queued. The dashboard loop drains the
  /// queue about 20 times a second, so the limit is reached only when the loop stalls.
  public let capacity: Int

  private struct Pending {
    var events: [TrainingEvent] = []
    var droppedBatchEvents = 0
  }

  private let pending = Mutex(Pending())

  /// Creates an observer whose queue contains at most `capacity` events.
  public init(capacity: Int = 100_000) {
    self.capacity = capacity
  }

  public func trainer(didEmit event: TrainingEvent) {
    pending.withLock { queue in
      if case .batchEnded = event, queue.events.count >= capacity {
        queue.droppedBatchEvents += 1
        return
      }
      queue.events.append(event)
    }
  }

  /// Removes and returns every queued event in arrival order.
  func drain() -> [TrainingEvent] {
    pending.withLock { queue in
      let events = queue.events
      queue.events = []
      return events
    }
  }

  /// Number of `batchEnded` events dropped because the queue was full.
  public var droppedBatchEvents: Int {
    pending.withLock { $0.droppedBatchEvents }
  }
}
