import Foundation
import Testing

@testable import LeptonEngine

/// Finite-difference checks of every reference layer. Each layer's scalar test loss is
/// `dot(output, weights)` with fixed random `weights`, so the analytic input gradient is
/// the layer's backward applied to `weights`.
struct ReferenceGradientTests {
  /// Central differences in `Double` with step 1e-6 are accurate to about 1e-8 here.
  let tolerance = 1e-6

  let geometry = ConvGeometry(
    batch: 2, inputChannels: 3, height: 5, width: 4, outputChannels: 2, kernelSize: 3,
    padding: 1)

  @Test func convolutionInputGradient() {
    let g = geometry
    let input = normalValues(g.batch * g.inputChannels * g.height * g.width, seed: 1)
    let weights = normalValues(g.outputChannels * g.inputChannels * 9, seed: 2)
    let bias = normalValues(g.outputChannels, seed: 3)
    let projection = normalValues(
      g.batch * g.outputChannels * g.outputHeight * g.outputWidth, seed: 4)
    let analytic = ReferenceLayers.convolutionBackward(
      g, input: input, weights: weights, outputGradient: projection)
    let numeric = numericGradient(at: input) { point in
      dot(
        ReferenceLayers.convolutionForward(g, input: point, weights: weights, bias: bias),
        projection)
    }
    let difference = maxDifference(analytic.input, numeric)
    print("convolution input gradient: max difference \(difference)")
    #expect(difference < tolerance)
  }

  @Test func convolutionWeightAndBiasGradients() {
    let g = geometry
    let input = normalValues(g.batch * g.inputChannels * g.height * g.width, seed: 5)
    let weights = normalValues(g.outputChannels * g.inputChannels * 9, seed: 6)
    let bias = normalValues(g.outputChannels, seed: 7)
    let projection = normalValues(
      g.batch * g.outputChannels * g.outputHeight * g.outputWidth, seed: 8)
    let analytic = ReferenceLayers.convolutionBackward(
      g, input: input, weights: weights, outputGradient: projection)
    let numericWeights = numericGradient(at: weights) { point in
      dot(
        ReferenceLayers.convolutionForward(g, input: input, weights: point, bias: bias), projection)
    }
    let numericBias = numericGradient(at: bias) { point in
      dot(
        ReferenceLayers.convolutionForward(g, input: input, weights: weights, bias: point),
        projection)
    }
    let weightDifference = maxDifference(analytic.weights, numericWeights)
    let biasDifference = maxDifference(analytic.bias, numericBias)
    print("convolution weight gradient: max difference \(weightDifference)")
    print("convolution bias gradient: max difference \(biasDifference)")
    #expect(weightDifference < tolerance)
    #expect(biasDifference < tolerance)
  }

  @Test func reluGradient() {
    // Keep inputs away from zero, where ReLU has no derivative.
    let input = normalValues(40, seed: 9).map { $0 + ($0 >= 0 ? 0.1 : -0.1) }
    let projection = normalValues(40, seed: 10)
    let output = ReferenceLayers.reluForward(input)
    let analytic = ReferenceLayers.reluBackward(output: output, outputGradient: projection)
    let numeric = numericGradient(at: input) { dot(ReferenceLayers.reluForward($0), projection) }
    let difference = maxDifference(analytic, numeric)
    print("relu gradient: max difference \(difference)")
    #expect(difference < tolerance)
    #expect(analytic.contains(0), "some inputs are negative, so some gradients must be zero")
  }

  @Test func maxPoolGradient() {
    let (batch, channels, height, width) = (2, 3, 4, 6)
    let input = normalValues(batch * channels * height * width, seed: 11)
    let projection = normalValues(batch * channels * (height / 2) * (width / 2), seed: 12)
    let forward = ReferenceLayers.maxPoolForward(
      input: input, batch: batch, channels: channels, height: height, width: width,
      kernel: 2, stride: 2)
    let analytic = ReferenceLayers.maxPoolBackward(
      outputGradient: projection, argmax: forward.argmax, inputCount: input.count)
    let numeric = numericGradient(at: input) { point in
      let output = ReferenceLayers.maxPoolForward(
        input: point, batch: batch, channels: channels, height: height, width: width,
        kernel: 2, stride: 2)
      return dot(output.output, projection)
    }
    let difference = maxDifference(analytic, numeric)
    print("max pool gradient: max difference \(difference)")
    #expect(difference < tolerance)
  }

  @Test func maxPoolOddSizeDropsLastRow() {
    // 3x3 input pooled by 2 gives 1x1 from the top-left 2x2 window only.
    let input: [Double] = [1, 2, 9, 3, 4, 9, 9, 9, 9]
    let forward = ReferenceLayers.maxPoolForward(
      input: input, batch: 1, channels: 1, height: 3, width: 3, kernel: 2, stride: 2)
    #expect(forward.output == [4])
    #expect(forward.argmax == [4])
  }

  @Test func denseGradients() {
    let (batch, inputs, outputs) = (3, 5, 4)
    let input = normalValues(batch * inputs, seed: 13)
    let weights = normalValues(outputs * inputs, seed: 14)
    let bias = normalValues(outputs, seed: 15)
    let projection = normalValues(batch * outputs, seed: 16)
    func loss(_ input: [Double], _ weights: [Double], _ bias: [Double]) -> Double {
      let output = ReferenceLayers.denseForward(
        input: input, weights: weights, bias: bias, batch: batch, inputs: inputs,
        outputs: outputs)
      return dot(output, projection)
    }
    let analytic = ReferenceLayers.denseBackward(
      input: input, weights: weights, outputGradient: projection, batch: batch, inputs: inputs,
      outputs: outputs)
    let inputDifference = maxDifference(
      analytic.input, numericGradient(at: input) { loss($0, weights, bias) })
    let weightDifference = maxDifference(
      analytic.weights, numericGradient(at: weights) { loss(input, $0, bias) })
    let biasDifference = maxDifference(
      analytic.bias, numericGradient(at: bias) { loss(input, weights, $0) })
    print(
      "dense gradients: max differences \(inputDifference), \(weightDifference), \(biasDifference)")
    #expect(inputDifference < tolerance)
    #expect(weightDifference < tolerance)
    #expect(biasDifference < tolerance)
  }

  @Test func softmaxCrossEntropyGradient() {
    let (batch, classes) = (4, 5)
    let logits = normalValues(batch * classes, seed: 17, scale: 3)
    let labels = randomLabels(batch, classes: classes, seed: 18)
    let analytic = ReferenceLayers.softmaxCrossEntropy(
      logits: logits, labels: labels, classes: classes)
    // The gradient is of the mean loss, so differentiate lossSum / batch.
    let numeric = numericGradient(at: logits) { point in
      ReferenceLayers.softmaxCrossEntropy(logits: point, labels: labels, classes: classes)
        .lossSum / Double(batch)
    }
    let difference = maxDifference(analytic.logitGradient, numeric)
    print("softmax cross-entropy gradient: max difference \(difference)")
    #expect(difference < tolerance)
    for row in 0..<batch {
      let rowSum = analytic.probabilities[(row * classes)..<((row + 1) * classes)].reduce(0, +)
      #expect(abs(rowSum - 1) < 1e-12, "row \(row) probabilities sum to \(rowSum)")
    }
  }

  @Test func softmaxCrossEntropyKnownValue() {
    // Uniform logits over 4 classes give a loss of log(4) per row.
    let result = ReferenceLayers.softmaxCrossEntropy(
      logits: [Double](repeating: 2, count: 8), labels: [0, 3], classes: 4)
    #expect(abs(result.lossSum - 2 * log(4.0)) < 1e-12)
  }

  @Test func stridedConvolutionGradients() {
    let g = ConvGeometry(
      batch: 2, inputChannels: 2, height: 7, width: 6, outputChannels: 3, kernelSize: 5,
      padding: 2, stride: 2)
    #expect(g.outputHeight == 4)
    #expect(g.outputWidth == 3)
    let input = normalValues(g.batch * g.inputChannels * g.height * g.width, seed: 31)
    let weights = normalValues(g.outputChannels * g.inputChannels * 25, seed: 32)
    let bias = normalValues(g.outputChannels, seed: 33)
    let projection = normalValues(
      g.batch * g.outputChannels * g.outputHeight * g.outputWidth, seed: 34)
    func loss(_ input: [Double], _ weights: [Double], _ bias: [Double]) -> Double {
      dot(
        ReferenceLayers.convolutionForward(g, input: input, weights: weights, bias: bias),
        projection)
    }
    let analytic = ReferenceLayers.convolutionBackward(
      g, input: input, weights: weights, outputGradient: projection)
    let differences = [
      maxDifference(analytic.input, numericGradient(at: input) { loss($0, weights, bias) }),
      maxDifference(analytic.weights, numericGradient(at: weights) { loss(input, $0, bias) }),
      maxDifference(analytic.bias, numericGradient(at: bias) { loss(input, weights, $0) }),
    ]
    print("strided convolution gradients: max differences \(differences)")
    #expect(differences.allSatisfy { $0 < tolerance })
  }

  @Test func overlappingMaxPoolGradient() {
    let (batch, channels, height, width) = (2, 2, 7, 5)
    let input = normalValues(batch * channels * height * width, seed: 35)
    let projection = normalValues(batch * channels * 3 * 2, seed: 36)
    let forward = ReferenceLayers.maxPoolForward(
      input: input, batch: batch, channels: channels, height: height, width: width, kernel: 3,
      stride: 2)
    #expect(forward.output.count == projection.count)
    let analytic = ReferenceLayers.maxPoolBackward(
      outputGradient: projection, argmax: forward.argmax, inputCount: input.count)
    let numeric = numericGradient(at: input) { point in
      dot(
        ReferenceLayers.maxPoolForward(
          input: point, batch: batch, channels: channels, height: height, width: width,
          kernel: 3, stride: 2
        ).output, projection)
    }
    let difference = maxDifference(analytic, numeric)
    print("overlapping max pool gradient: max difference \(difference)")
    #expect(difference < tolerance)
  }

  @Test func averagePoolGradients() {
    let (planes, height, width) = (3, 6, 5)
    let input = normalValues(planes * height * width, seed: 37)
    for (kernelHeight, kernelWidth, stride) in [(2, 2, 2), (3, 3, 1), (height, width, 1)] {
      let outputCount =
        planes * ((height - kernelHeight) / stride + 1) * ((width - kernelWidth) / stride + 1)
      let projection = normalValues(outputCount, seed: 38)
      let analytic = ReferenceLayers.averagePoolBackward(
        outputGradient: projection, planes: planes, height: height, width: width,
        kernelHeight: kernelHeight, kernelWidth: kernelWidth, stride: stride)
      let numeric = numericGradient(at: input) { point in
        dot(
          ReferenceLayers.averagePoolForward(
            input: point, planes: planes, height: height, width: width,
            kernelHeight: kernelHeight, kernelWidth: kernelWidth, stride: stride), projection)
      }
      let difference = maxDifference(analytic, numeric)
      print("average pool \(kernelHeight)x\(kernelWidth)/\(stride): max difference \(difference)")
      #expect(difference < tolerance)
    }
    // A whole-plane window is the mean of each plane.
    let global = ReferenceLayers.averagePoolForward(
      input: input, planes: planes, height: height, width: width, kernelHeight: height,
      kernelWidth: width, stride: 1)
    let firstMean = input[0..<(height * width)].reduce(0, +) / Double(height * width)
    #expect(abs(global[0] - firstMean) < 1e-12)
  }

  @Test func batchNormGradients() {
    let (batch, channels, spatial) = (3, 2, 5)
    let epsilon = 1e-5
    let input = normalValues(batch * channels * spatial, seed: 39, scale: 2)
    let scale = normalValues(channels, seed: 40)
    let shift = normalValues(channels, seed: 41)
    let projection = normalValues(input.count, seed: 42)
    func loss(_ input: [Double], _ scale: [Double], _ shift: [Double]) -> Double {
      dot(
        ReferenceLayers.batchNormForward(
          input: input, batch: batch, channels: channels, spatial: spatial, scale: scale,
          shift: shift, epsilon: epsilon
        ).output, projection)
    }
    let forward = ReferenceLayers.batchNormForward(
      input: input, batch: batch, channels: channels, spatial: spatial, scale: scale,
      shift: shift, epsilon: epsilon)
    let analytic = ReferenceLayers.batchNormBackward(
      outputGradient: projection, trace: forward.trace, batch: batch, channels: channels,
      spatial: spatial, scale: scale, epsilon: epsilon)
    let differences = [
      maxDifference(analytic.input, numericGradient(at: input) { loss($0, scale, shift) }),
      maxDifference(analytic.scale, numericGradient(at: scale) { loss(input, $0, shift) }),
      maxDifference(analytic.shift, numericGradient(at: shift) { loss(input, scale, $0) }),
    ]
    print("batch norm gradients: max differences \(differences)")
    #expect(differences.allSatisfy { $0 < tolerance })
    // Each channel of the normalised output has mean 0 and variance 1 (up to epsilon).
    let normalized = forward.trace.normalized
    let firstChannel = (0..<batch).flatMap { n in
      normalized[(n * channels * spatial)..<(n * channels * spatial + spatial)]
    }
    let mean = firstChannel.reduce(0, +) / Double(firstChannel.count)
    let variance = firstChannel.reduce(0) { $0 + $1 * $1 } / Double(firstChannel.count)
    #expect(abs(mean) < 1e-12)
    #expect(abs(variance - 1) < 1e-4)
  }

  @Test func wholeNetworkWithEveryLayerGradient() throws {
    let spec = try ModelSpec(
      name: "every-layer",
      specification:
        "conv3k3s2p1-bn-relu-avgpool2s1-conv4k2-relu-gap-dense5-bn-relu-dropout0.5-dense3",
      inputShape: [2, 7, 6], classCount: 3)
    let batch = 3
    let images = normalValues(batch * spec.imageCount, seed: 43)
    let labels = randomLabels(batch, classes: 3, seed: 44)
    let start = spec.initialParameters(seed: 45).map(Double.init)
    let dropoutIndex = try #require(spec.layers.firstIndex { $0.kind == .dropout(rate: 0.5) })
    // Half the values kept, scaled by 2.
    let mask = (0..<(batch * 5)).map { $0 % 3 == 0 ? 0.0 : 2.0 }
    var network = ReferenceNetwork(spec: spec, parameters: start)
    network.dropoutMasks[dropoutIndex] = mask
    let analytic = network.lossAndGradients(images: images, labels: labels)
    let numeric = numericGradient(at: start) { point in
      var shifted = ReferenceNetwork(spec: spec, parameters: point)
      shifted.dropoutMasks[dropoutIndex] = mask
      return shifted.lossAndGradients(images: images, labels: labels).lossSum / Double(batch)
    }
    let difference = maxDifference(analytic.gradients, numeric)
    print("reference network with every layer kind: max gradient difference \(difference)")
    #expect(difference < 1e-5)
  }

  @Test func wholeReferenceNetworkGradient() throws {
    let spec = try ModelSpec(
      name: "tiny", specification: "conv3k3p1-relu-pool2-dense4-relu-dense3",
      inputShape: [2, 4, 4], classCount: 3)
    let batch = 2
    let images = normalValues(batch * spec.imageCount, seed: 19)
    let labels = randomLabels(batch, classes: 3, seed: 20)
    let start = spec.initialParameters(seed: 21).map(Double.init)
    let analytic = ReferenceNetwork(spec: spec, parameters: start)
      .lossAndGradients(images: images, labels: labels)
    let numeric = numericGradient(at: start) { point in
      ReferenceNetwork(spec: spec, parameters: point)
        .lossAndGradients(images: images, labels: labels).lossSum / Double(batch)
    }
    let difference = maxDifference(analytic.gradients, numeric)
    print("reference network gradient: max difference \(difference)")
    #expect(difference < 1e-5)
  }
}
