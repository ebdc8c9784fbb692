import Foundation

/// Sizes of a stride-1 2-D convolution with symmetric zero padding, NCHW.
struct ConvGeometry: Equatable {
  var batch: Int
  var inputChannels: Int
  var height: Int
  var width: Int
  var outputChannels: Int
  var kernelSize: Int
  var padding: Int

  var outputHeight: Int { height + 2 * padding - kernelSize + 1 }
  var outputWidth: Int { width + 2 * padding - kernelSize + 1 }
}

/// Plain-loop implementations of every layer in `Double`, NCHW and row-major, used as the
/// test oracle for the oneDNN network and as the benchmark baseline. They favour clarity
/// over speed.
enum ReferenceLayers {
  /// Returns the convolution output `[batch, outputChannels, outputHeight, outputWidth]`.
  ///
  /// - Parameters:
  ///   - input: `[batch, inputChannels, height, width]`.
  ///   - weights: `[outputChannels, inputChannels, kernelSize, kernelSize]`.
  ///   - bias: `[outputChannels]`.
  static func convolutionForward(
    _ geometry: ConvGeometry, input: [Double], weights: [Double], bias: [Double]
  ) -> [Double] {
    let g = geometry
    var output = [Double](
      repeating: 0, count: g.batch * g.outputChannels * g.outputHeight * g.outputWidth)
    for n in 0..<g.batch {
      for o in 0..<g.outputChannels {
        for y in 0..<g.outputHeight {
          for x in 0..<g.outputWidth {
            var sum = bias[o]
            for c in 0..<g.inputChannels {
              for ky in 0..<g.kernelSize {
                for kx in 0..<g.kernelSize {
                  let iy = y + ky - g.padding
                  let ix = x + kx - g.padding
                  guard iy >= 0, iy < g.height, ix >= 0, ix < g.width else { continue }
                  let inputIndex = ((n * g.inputChannels + c) * g.height + iy) * g.width + ix
                  let weightIndex =
                    ((o * g.inputChannels + c) * g.kernelSize + ky) * g.kernelSize + kx
                  sum += input[inputIndex] * weights[weightIndex]
                }
              }
            }
            output[((n * g.outputChannels + o) * g.outputHeight + y) * g.outputWidth + x] = sum
          }
        }
      }
    }
    return output
  }

  /// Returns the convolution gradients with respect to the input
  /// `[batch, inputChannels, height, width]`, the weights
  /// `[outputChannels, inputChannels, kernelSize, kernelSize]` and the bias `[outputChannels]`.
  ///
  /// - Parameter outputGradient: `[batch, outputChannels, outputHeight, outputWidth]`.
  static func convolutionBackward(
    _ geometry: ConvGeometry, input: [Double], weights: [Double], outputGradient: [Double]
  ) -> (input: [Double], weights: [Double], bias: [Double]) {
    let g = geometry
    var inputGradient = [Double](repeating: 0, count: input.count)
    var weightGradient = [Double](repeating: 0, count: weights.count)
    var biasGradient = [Double](repeating: 0, count: g.outputChannels)
    for n in 0..<g.batch {
      for o in 0..<g.outputChannels {
        for y in 0..<g.outputHeight {
          for x in 0..<g.outputWidth {
            let gradient =
              outputGradient[((n * g.outputChannels + o) * g.outputHeight + y) * g.outputWidth + x]
            biasGradient[o] += gradient
            for c in 0..<g.inputChannels {
              for ky in 0..<g.kernelSize {
                for kx in 0..<g.kernelSize {
                  let iy = y + ky - g.padding
                  let ix = x + kx - g.padding
                  guard iy >= 0, iy < g.height, ix >= 0, ix < g.width else { continue }
                  let inputIndex = ((n * g.inputChannels + c) * g.height + iy) * g.width + ix
                  let weightIndex =
                    ((o * g.inputChannels + c) * g.kernelSize + ky) * g.kernelSize + kx
                  inputGradient[inputIndex] += gradient * weights[weightIndex]
                  weightGradient[weightIndex] += gradient * input[inputIndex]
                }
              }
            }
          }
        }
      }
    }
    return (inputGradient, weightGradient, biasGradient)
  }

  /// Returns `max(x, 0)` elementwise.
  static func reluForward(_ input: [Double]) -> [Double] {
    input.map { max($0, 0) }
  }

  /// Returns the ReLU input gradient from the ReLU output: the gradient passes where the
  /// output is positive, and is zero elsewhere (including at exactly zero).
  static func reluBackward(output: [Double], outputGradient: [Double]) -> [Double] {
    zip(output, outputGradient).map { $0 > 0 ? $1 : 0 }
  }

  /// Returns the `pool x pool` max pooling with stride `pool` of `input`
  /// `[batch, channels, height, width]` as `[batch, channels, height / pool, width / pool]`,
  /// and for each output the flat input index of its maximum (the first one on ties).
  static func maxPoolForward(
    input: [Double], batch: Int, channels: Int, height: Int, width: Int, pool: Int
  ) -> (output: [Double], argmax: [Int]) {
    let outputHeight = height / pool
    let outputWidth = width / pool
    var output: [Double] = []
    var argmax: [Int] = []
    output.reserveCapacity(batch * channels * outputHeight * outputWidth)
    for plane in 0..<(batch * channels) {
      for y in 0..<outputHeight {
        for x in 0..<outputWidth {
          var best = -Double.infinity
          var bestIndex = plane * height * width + y * pool * width + x * pool
          for py in 0..<pool {
            for px in 0..<pool {
              let index = (plane * height + y * pool + py) * width + x * pool + px
              if input[index] > best {
                best = input[index]
                bestIndex = index
              }
            }
          }
          output.append(best)
          argmax.append(bestIndex)
        }
      }
    }
    return (output, argmax)
  }

  /// Returns the max-pooling input gradient `[inputCount]`: each output gradient goes to
  /// the input position that won the forward maximum.
  static func maxPoolBackward(outputGradient: [Double], argmax: [Int], inputCount: Int)
    -> [Double]
  {
    var inputGradient = [Double](repeating: 0, count: inputCount)
    for (gradient, index) in zip(outputGradient, argmax) { inputGradient[index] += gradient }
    return inputGradient
  }

  /// Returns `input * weights^T + bias` as `[batch, outputs]`.
  ///
  /// - Parameters:
  ///   - input: `[batch, inputs]`.
  ///   - weights: `[outputs, inputs]`.
  ///   - bias: `[outputs]`.
  static func denseForward(
    input: [Double], weights: [Double], bias: [Double], batch: Int, inputs: Int, outputs: Int
  ) -> [Double] {
    var output = [Double](repeating: 0, count: batch * outputs)
    for n in 0..<batch {
      for o in 0..<outputs {
        var sum = bias[o]
        for i in 0..<inputs { sum += input[n * inputs + i] * weights[o * inputs + i] }
        output[n * outputs + o] = sum
      }
    }
    return output
  }

  /// Returns the dense gradients with respect to the input `[batch, inputs]`, the weights
  /// `[outputs, inputs]` and the bias `[outputs]`.
  ///
  /// - Parameter outputGradient: `[batch, outputs]`.
  static func denseBackward(
    input: [Double], weights: [Double], outputGradient: [Double], batch: Int, inputs: Int,
    outputs: Int
  ) -> (input: [Double], weights: [Double], bias: [Double]) {
    var inputGradient = [Double](repeating: 0, count: batch * inputs)
    var weightGradient = [Double](repeating: 0, count: outputs * inputs)
    var biasGradient = [Double](repeating: 0, count: outputs)
    for n in 0..<batch {
      for o in 0..<outputs {
        let gradient = outputGradient[n * outputs + o]
        biasGradient[o] += gradient
        for i in 0..<inputs {
          inputGradient[n * inputs + i] += gradient * weights[o * inputs + i]
          weightGradient[o * inputs + i] += gradient * input[n * inputs + i]
        }
      }
    }
    return (inputGradient, weightGradient, biasGradient)
  }

  /// Returns the summed cross-entropy of softmax(logits), the probabilities `[batch, classes]`
  /// and the gradient of the mean loss with respect to the logits `[batch, classes]`.
  ///
  /// - Parameters:
  ///   - logits: `[batch, classes]`.
  ///   - labels: `[batch]`, each in `0..<classes`.
  static func softmaxCrossEntropy(logits: [Double], labels: [Int32], classes: Int)
    -> (lossSum: Double, probabilities: [Double], logitGradient: [Double])
  {
    let batch = labels.count
    var lossSum = 0.0
    var probabilities = [Double](repeating: 0, count: batch * classes)
    var gradient = [Double](repeating: 0, count: batch * classes)
    for n in 0..<batch {
      let row = Array(logits[(n * classes)..<((n + 1) * classes)])
      let maximum = row.max() ?? 0
      let sum = row.reduce(0) { $0 + exp($1 - maximum) }
      let label = Int(labels[n])
      lossSum += log(sum) + maximum - row[label]
      for c in 0..<classes {
        let probability = exp(row[c] - maximum) / sum
        probabilities[n * classes + c] = probability
        let target = c == label ? 1.0 : 0.0
        gradient[n * classes + c] = (probability - target) / Double(batch)
      }
    }
    return (lossSum, probabilities, gradient)
  }
}
