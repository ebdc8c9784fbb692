/// A sequence of chart points with bounded memory. Once it contains `capacity`
/// points it averages neighbouring pairs into one point and doubles the number of
/// raw points that each later point stands for. Appending therefore costs O(1)
/// amortised time, and the buffer keeps the whole history at falling resolution.
public struct SeriesBuffer: Hashable, Sendable {
  public let capacity: Int
  public private(set) var points: [ChartPoint] = []
  /// Raw points averaged into each stored point.
  public private(set) var pointsPerBucket = 1
  private var pendingX = 0.0
  private var pendingY = 0.0
  private var pendingCount = 0

  /// Creates an empty buffer. Capacities below 2 count as 2.
  public init(capacity: Int) {
    self.capacity = max(2, capacity)
    points.reserveCapacity(self.capacity)
  }

  /// The stored points plus the partly filled bucket, in order of arrival.
  public var allPoints: [ChartPoint] {
    guard pendingCount > 0 else { return points }
    let count = Double(pendingCount)
    return points + [ChartPoint(x: pendingX / count, y: pendingY / count)]
  }

  public var isEmpty: Bool { points.isEmpty && pendingCount == 0 }

  /// The most recent raw value appended, if any.
  public private(set) var last: ChartPoint?

  /// Removes the stored points whose x is above `limit` and the partly filled bucket.
  /// A stored point that averages raw points on both sides of `limit` stays.
  public mutating func removePoints(afterX limit: Double) {
    points.removeAll { $0.x > limit }
    pendingX = 0
    pendingY = 0
    pendingCount = 0
    if let last, last.x > limit { self.last = points.last }
  }

  public mutating func append(x: Double, y: Double) {
    last = ChartPoint(x: x, y: y)
    pendingX += x
    pendingY += y
    pendingCount += 1
    guard pendingCount >= pointsPerBucket else { return }
    let count = Double(pendingCount)
    points.append(ChartPoint(x: pendingX / count, y: pendingY / count))
    pendingX = 0
    pendingY = 0
    pendingCount = 0
    if points.count >= capacity { halve() }
  }

  private mutating func halve() {
    var merged: [ChartPoint] = []
    merged.reserveCapacity(capacity)
    var index = 0
    while index + 1 < points.count {
      let first = points[index]
      let second = points[index + 1]
      merged.append(ChartPoint(x: (first.x + second.x) / 2, y: (first.y + second.y) / 2))
      index += 2
    }
    if index < points.count {
      // An odd point out stays behind as a half-filled bucket.
      let leftover = points[index]
      pendingX = leftover.x * Double(pointsPerBucket)
      pendingY = leftover.y * Double(pointsPerBucket)
      pendingCount = pointsPerBucket
    }
    points = merged
    pointsPerBucket *= 2
  }
}

/// An exponential moving average with the start-up bias removed, as in the Adam
/// optimiser: after n values the sum of weights is 1 - weight^n, so dividing by
/// it keeps early values from being pulled towards zero.
public struct ExponentialMovingAverage: Hashable, Sendable {
  /// Weight of the previous average, in `0..<1`; larger values smooth more.
  public let weight: Double
  private var biased = 0.0
  private var correction = 1.0

  public init(weight: Double) {
    self.weight = min(max(weight, 0), 0.9999)
  }

  /// The current average, or nil before the first value.
  public var value: Double? {
    correction == 1 ? nil : biased / (1 - correction)
  }

  /// Adds a value and returns the new average. Non-finite values are skipped so
  /// that one diverged batch does not poison the curve.
  @discardableResult
  public mutating func add(_ sample: Double) -> Double? {
    guard sample.isFinite else { return value }
    biased = weight * biased + (1 - weight) * sample
    correction *= weight
    return value
  }
}
