import CDNNL
import Foundation

private let noTranspose = CChar(UInt8(ascii: "N"))
private let transpose = CChar(UInt8(ascii: "T"))

/// Sizes of a fully connected layer `y = x W^T + b` with `W` of shape `[outputs, inputs]`.
struct DenseShape {
  var inputs: Int
  var outputs: Int
  /// Whether ReLU follows the layer inside it.
  var appliesReLU: Bool
  /// The layer's name in error messages.
  var name: String
}

/// Computes `output = input * weights^T + bias`, then ReLU if the layer has one, with one
/// `dnnl_sgemm` call (row-major).
///
/// - Parameters:
///   - input: `[batch, layer.inputs]`.
///   - weights: `[layer.outputs, layer.inputs]`.
///   - bias: `[layer.outputs]`.
///   - output: `[batch, layer.outputs]`.
func denseForward(
  _ layer: DenseShape, batch: Int, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
  bias: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>
) throws {
  let inputs = Int64(layer.inputs)
  let outputs = Int64(layer.outputs)
  try checkDNNL(
    dnnl_sgemm(
      noTranspose, transpose, Int64(batch), outputs, inputs, 1, input, inputs, weights, inputs,
      0, output, outputs),
    "dnnl_sgemm (\(layer.name) forward)")
  let width = layer.outputs
  for row in 0..<batch {
    let values = output + row * width
    if layer.appliesReLU {
      for column in 0..<width { values[column] = max(values[column] + bias[column], 0) }
    } else {
      for column in 0..<width { values[column] += bias[column] }
    }
  }
}

/// Computes the weight, bias and (optionally) input gradients of a dense layer from the
/// gradient with respect to its output, with one `dnnl_sgemm` call for each matrix.
///
/// - Parameters:
///   - input: Forward input `[batch, layer.inputs]`.
///   - weights: `[layer.outputs, layer.inputs]`.
///   - output: Forward output after the ReLU `[batch, layer.outputs]`, read only if the layer
///     has a ReLU.
///   - outputGradient: `[batch, layer.outputs]`, the gradient after the ReLU on entry and
///     before it on return.
///   - weightGradient: `[layer.outputs, layer.inputs]`, overwritten.
///   - biasGradient: `[layer.outputs]`, overwritten.
///   - inputGradient: `[batch, layer.inputs]`, overwritten, or nil to skip.
func denseBackward(
  _ layer: DenseShape, batch: Int, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
  output: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>,
  weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>,
  inputGradient: UnsafeMutablePointer<Float>?
) throws {
  let width = layer.outputs
  let count = batch * width
  if layer.appliesReLU {
    for index in 0..<count where output[index] <= 0 { outputGradient[index] = 0 }
  }
  biasGradient.initialize(repeating: 0, count: width)
  for row in 0..<batch {
    let values = outputGradient + row * width
    for column in 0..<width { biasGradient[column] += values[column] }
  }
  let inputs = Int64(layer.inputs)
  let outputs = Int64(layer.outputs)
  // dW [outputs, inputs] = dY^T [outputs, batch] * X [batch, inputs]
  try checkDNNL(
    dnnl_sgemm(
      transpose, noTranspose, outputs, inputs, Int64(batch), 1, outputGradient, outputs, input,
      inputs, 0, weightGradient, inputs),
    "dnnl_sgemm (\(layer.name) weight gradient)")
  if let inputGradient {
    // dX [batch, inputs] = dY [batch, outputs] * W [outputs, inputs]
    try checkDNNL(
      dnnl_sgemm(
        noTranspose, noTranspose, Int64(batch), inputs, outputs, 1, outputGradient, outputs,
        weights, inputs, 0, inputGradient, inputs),
      "dnnl_sgemm (\(layer.name) input gradient)")
  }
}

/// Computes softmax probabilities and cross-entropy of `batch` rows of logits.
///
/// - Parameters:
///   - logits: `[batch, classes]`.
///   - labels: `[batch]`, each in `0..<classes`.
///   - probabilities: `[batch, classes]`, overwritten.
///   - logitGradient: `[batch, classes]`, overwritten with the gradient of the mean loss,
///     `(probabilities - oneHot(labels)) / batch`, or nil to skip.
/// - Returns: The summed cross-entropy and the number of rows whose argmax is the label.
///   NaN logits give a NaN loss and are never counted as correct.
func softmaxCrossEntropy(
  classes: Int, batch: Int, logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>,
  probabilities: UnsafeMutablePointer<Float>, logitGradient: UnsafeMutablePointer<Float>?
) -> (lossSum: Double, correct: Int) {
  var lossSum = 0.0
  var correct = 0
  let scale = 1 / Float(batch)
  for row in 0..<batch {
    let values = logits + row * classes
    let output = probabilities + row * classes
    let label = Int(labels[row])
    var maximum = values[0]
    var argmax = 0
    for column in 1..<classes where values[column] > maximum {
      maximum = values[column]
      argmax = column
    }
    var sum: Float = 0
    for column in 0..<classes {
      let exponential = exp(values[column] - maximum)
      output[column] = exponential
      sum += exponential
    }
    let inverse = 1 / sum
    for column in 0..<classes { output[column] *= inverse }
    // log-sum-exp form: -log p[label] = log(sum) + maximum - logit[label].
    lossSum += Double(log(sum)) + Double(maximum) - Double(values[label])
    if argmax == label && values[argmax] == values[argmax] { correct += 1 }
    if let logitGradient {
      let gradient = logitGradient + row * classes
      for column in 0..<classes { gradient[column] = output[column] * scale }
      gradient[label] -= scale
    }
  }
  return (lossSum, correct)
}
