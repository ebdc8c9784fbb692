@testable import LeptonEngine

/// Returns `count` normal samples scaled by `scale`, reproducible from `seed`.
func normalValues(_ count: Int, seed: UInt64, scale: Double = 1) -> [Double] {
  var generator = Xoshiro256StarStar(seed: seed)
  return (0..<count).map { _ in generator.nextNormal() * scale }
}

/// Returns labels `[count]` in `0..<classes`, reproducible from `seed`.
func randomLabels(_ count: Int, classes: Int, seed: UInt64) -> [Int32] {
  var generator = Xoshiro256StarStar(seed: seed)
  return (0..<count).map { _ in Int32(generator.next() % UInt64(classes)) }
}

/// Returns the largest absolute elementwise difference of two equal-length arrays.
func maxDifference(_ lhs: [Double], _ rhs: [Double]) -> Double {
  precondition(lhs.count == rhs.count, "length mismatch: \(lhs.count) and \(rhs.count)")
  return zip(lhs, rhs).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// Returns the largest absolute value, or 0 for an empty array.
func maxMagnitude(_ values: [Double]) -> Double {
  values.reduce(0) { max($0, abs($1)) }
}

/// Returns the central finite-difference gradient of `loss` at `point`, step `step`.
func numericGradient(
  at point: [Double], step: Double = 1e-6, loss: ([Double]) -> Double
) -> [Double] {
  var shifted = point
  var gradient = [Double](repeating: 0, count: point.count)
  for index in point.indices {
    shifted[index] = point[index] + step
    let above = loss(shifted)
    shifted[index] = point[index] - step
    let below = loss(shifted)
    shifted[index] = point[index]
    gradient[index] = (above - below) / (2 * step)
  }
  return gradient
}

/// Returns the dot product of two equal-length arrays.
func dot(_ lhs: [Double], _ rhs: [Double]) -> Double {
  zip(lhs, rhs).reduce(0) { $0 + $1.0 * $1.1 }
}
