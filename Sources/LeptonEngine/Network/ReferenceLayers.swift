import Foundation

/// Sizes of a 2-D convolution with equal strides and symmetric zero padding, NCHW.
struct ConvGeometry: Equatable {
  var batch: Int
  var inputChannels: Int
  var height: Int
  var width: Int
  var outputChannels: Int
  var kernelSize: Int
  var padding: Int
  var stride = 1

  var outputHeight: Int { (height + 2 * padding - kernelSize) / stride + 1 }
  var outputWidth: Int { (width + 2 * padding - kernelSize) / stride + 1 }
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
                  let iy = y * g.stride + ky - g.padding
                  let ix = x * g.stride + kx - g.padding
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
                  let iy = y * g.stride + ky - g.padding
                  let ix = x * g.stride + kx - g.padding
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

  /// Returns the max pooling of `input` `[batch, channels, height, width]` with a square
  /// `kernel` window and `stride`, and for each output the flat input index of its maximum
  /// (the first one on ties).
  static func maxPoolForward(
    input: [Double], batch: Int, channels: Int, height: Int, width: Int, kernel: Int, stride: Int
  ) -> (output: [Double], argmax: [Int]) {
    let outputHeight = (height - kernel) / stride + 1
    let outputWidth = (width - kernel) / stride + 1
    var output: [Double] = []
    var argmax: [Int] = []
    output.reserveCapacity(batch * channels * outputHeight * outputWidth)
    for plane in 0..<(batch * channels) {
      for y in 0..<outputHeight {
        for x in 0..<outputWidth {
          var best = -Double.infinity
          var bestIndex = 0
          for py in 0..<kernel {
            for px in 0..<kernel {
              let index = (plane * height + y * stride + py) * width + x * stride + px
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

  /// Returns the average pooling of `input` `[batch, channels, height, width]` with a
  /// `kernelHeight x kernelWidth` window and `stride`. A window covering the whole plane is
  /// global average pooling.
  static func averagePoolForward(
    input: [Double], planes: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int,
    stride: Int
  ) -> [Double] {
    let outputHeight = (height - kernelHeight) / stride + 1
    let outputWidth = (width - kernelWidth) / stride + 1
    let area = Double(kernelHeight * kernelWidth)
    var output: [Double] = []
    for plane in 0..<planes {
      for y in 0..<outputHeight {
        for x in 0..<outputWidth {
          var sum = 0.0
          for py in 0..<kernelHeight {
            for px in 0..<kernelWidth {
              let row: Int = plane * height + y * stride + py
              sum += input[row * width + x * stride + px]
            }
          }
          output.append(sum / area)
        }
      }
    }
    return output
  }

  /// Returns the average-pooling input gradient: each output gradient is shared equally by
  /// the positions of its window.
  static func averagePoolBackward(
    outputGradient: [Double], planes: Int, height: Int, width: Int, kernelHeight: Int,
    kernelWidth: Int, stride: Int
  ) -> [Double] {
    let outputHeight = (height - kernelHeight) / stride + 1
    let outputWidth = (width - kernelWidth) / stride + 1
    let area = Double(kernelHeight * kernelWidth)
    var inputGradient = [Double](repeating: 0, count: planes * height * width)
    for plane in 0..<planes {
      for y in 0..<outputHeight {
        for x in 0..<outputWidth {
          let share = outputGradient[(plane * outputHeight + y) * outputWidth + x] / area
          for py in 0..<kernelHeight {
            for px in 0..<kernelWidth {
              let row: Int = plane * height + y * stride + py
              inputGradient[row * width + x * stride + px] += share
            }
          }
        }
      }
    }
    return inputGradient
  }

  /// Per-channel statistics of a batch normalisation forward pass.
  struct BatchNormTrace {
    /// Mean `[channels]` used to normalise.
    var mean: [Double]
    /// Biased variance `[channels]` used to normalise.
    var variance: [Double]
    /// Normalised input before scale and shift, the shape of the input.
    var normalized: [Double]
  }

  /// Returns `scale * (x - mean) / sqrt(variance + epsilon) + shift` per channel of `input`
  /// `[batch, channels, spatial]`, with the batch's own statistics, or with `statistics`
  /// (mean and variance) for inference.
  static func batchNormForward(
    input: [Double], batch: Int, channels: Int, spatial: Int, scale: [Double], shift: [Double],
    epsilon: Double, statistics: (mean: [Double], variance: [Double])? = nil
  ) -> (output: [Double], trace: BatchNormTrace) {
    let perChannel = Double(batch * spatial)
    var mean = [Double](repeating: 0, count: channels)
    var variance = [Double](repeating: 0, count: channels)
    func index(_ n: Int, _ c: Int, _ s: Int) -> Int { (n * channels + c) * spatial + s }
    if let statistics {
      mean = statistics.mean
      variance = statistics.variance
    } else {
      for c in 0..<channels {
        var sum = 0.0
        for n in 0..<batch { for s in 0..<spatial { sum += input[index(n, c, s)] } }
        mean[c] = sum / perChannel
        var squares = 0.0
        for n in 0..<batch {
          for s in 0..<spatial {
            let centred = input[index(n, c, s)] - mean[c]
            squares += centred * centred
          }
        }
        variance[c] = squares / perChannel
      }
    }
    var normalized = [Double](repeating: 0, count: input.count)
    var output = [Double](repeating: 0, count: input.count)
    for n in 0..<batch {
      for c in 0..<channels {
        let inverse = 1 / (variance[c] + epsilon).squareRoot()
        for s in 0..<spatial {
          let position = index(n, c, s)
          normalized[position] = (input[position] - mean[c]) * inverse
          output[position] = scale[c] * normalized[position] + shift[c]
        }
      }
    }
    return (output, BatchNormTrace(mean: mean, variance: variance, normalized: normalized))
  }

  /// Returns the training-mode batch normalisation gradients with respect to the input, the
  /// scale `[channels]` and the shift `[channels]`.
  static func batchNormBackward(
    outputGradient: [Double], trace: BatchNormTrace, batch: Int, channels: Int, spatial: Int,
    scale: [Double], epsilon: Double
  ) -> (input: [Double], scale: [Double], shift: [Double]) {
    let perChannel = Double(batch * spatial)
    var scaleGradient = [Double](repeating: 0, count: channels)
    var shiftGradient = [Double](repeating: 0, count: channels)
    func index(_ n: Int, _ c: Int, _ s: Int) -> Int { (n * channels + c) * spatial + s }
    for n in 0..<batch {
      for c in 0..<channels {
        for s in 0..<spatial {
          let position = index(n, c, s)
          shiftGradient[c] += outputGradient[position]
          scaleGradient[c] += outputGradient[position] * trace.normalized[position]
        }
      }
    }
    // dx = scale / sigma * (dy - mean(dy) - xhat * mean(dy * xhat)), per channel.
    var inputGradient = [Double](repeating: 0, count: outputGradient.count)
    for n in 0..<batch {
      for c in 0..<channels {
        let inverse = 1 / (trace.variance[c] + epsilon).squareRoot()
        for s in 0..<spatial {
          let position = index(n, c, s)
          inputGradient[position] =
            scale[c] * inverse
            * (outputGradient[position] - shiftGradient[c] / perChannel
              - trace.normalized[position] * scaleGradient[c] / perChannel)
        }
      }
    }
    return (inputGradient, scaleGradient, shiftGradient)
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
