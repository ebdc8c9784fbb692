import Testing

@testable import LeptonEngine

/// Parsing of model specification strings, shapes, parameter counts and the presets.
struct ModelSpecTests {
  @Test(arguments: [
    ("conv32k3p1", LayerKind.convolution(filters: 32, kernel: 3, stride: 1, padding: 1)),
    ("conv16k5s2p2", .convolution(filters: 16, kernel: 5, stride: 2, padding: 2)),
    ("conv8", .convolution(filters: 8, kernel: 3, stride: 1, padding: 0)),
    ("conv8s2", .convolution(filters: 8, kernel: 3, stride: 2, padding: 0)),
    ("bn", .batchNorm), ("batchnorm", .batchNorm), ("relu", .relu),
    ("pool2", .maxPool(kernel: 2, stride: 2)), ("maxpool3s2", .maxPool(kernel: 3, stride: 2)),
    ("avgpool2", .averagePool(kernel: 2, stride: 2)), ("gap", .globalAveragePool),
    ("flatten", .flatten), ("dense128", .dense(units: 128)), ("dropout0.5", .dropout(rate: 0.5)),
  ])
  func parsesTokens(token: String, kind: LayerKind) {
    #expect(ModelSpec.parseToken(token) == kind)
  }

  @Test(arguments: [
    "conv", "convk3", "conv32p1k3", "conv32k3k3", "conv32x", "pool", "dense", "dense-1",
    "dropout", "dropoutabc", "relu6", "lstm", "", "conv32k3p1 ",
  ])
  func rejectsMalformedTokens(token: String) {
    #expect(ModelSpec.parseToken(token) == nil)
  }

  @Test func tokensRoundTrip() throws {
    let text = "conv32k3p1-bn-relu-pool3s2-conv8k5s2-avgpool2-gap-dense10-dropout0.25-dense4"
    let spec = try ModelSpec(
      name: "custom", specification: text, inputShape: [3, 32, 32], classCount: 4)
    // The flatten before the first dense layer is added and written back out.
    #expect(spec.specification == text.replacingOccurrences(of: "gap-", with: "gap-flatten-"))
  }

  @Test func shapesAndParameterCounts() throws {
    let spec = try ModelSpec(
      name: "custom", specification: "conv8k5s2p2-bn-relu-avgpool2-dense16-relu-dense3",
      inputShape: [3, 17, 12], classCount: 3)
    #expect(
      spec.layers.map(\.outputShape) == [
        [8, 9, 6], [8, 9, 6], [8, 9, 6], [8, 4, 3], [96], [16], [16], [3],
      ])
    let expected = (8 * 3 * 25 + 8) + (2 * 8) + (96 * 16 + 16) + (16 * 3 + 3)
    #expect(spec.parameterCount == expected)
    #expect(spec.bufferCount == 16)
    #expect(spec.layerSummaries.reduce(0) { $0 + $1.parameterCount } == expected)
    // Parameter slices tile the vector in layer order without gaps.
    var offset = 0
    for layer in spec.layers {
      for slice in [layer.weights, layer.bias].compactMap({ $0 }) {
        #expect(slice.offset == offset)
        offset += slice.count
      }
    }
    #expect(offset == expected)
  }

  @Test func reluAfterConvolutionOrDenseIsFused() throws {
    let spec = try ModelSpec(
      name: "custom", specification: "conv4k3-relu-bn-relu-dense5-relu-dense2",
      inputShape: [1, 6, 6], classCount: 2)
    #expect(spec.layers.map(\.fusesReLU) == [true, false, false, false, false, true, false, false])
    #expect(
      spec.layers.map(\.isFusedAway) == [false, true, false, false, false, false, true, false])
  }

  @Test(arguments: [
    ("fmnist-cnn", [1, 28, 28], 421_642),
    ("lenet5", [1, 28, 28], 61_706),
    ("lenet5", [3, 32, 32], 83_126),
  ])
  func presetParameterCounts(name: String, shape: [Int], count: Int) throws {
    let spec = try ModelSpec(model: name, inputShape: shape, classCount: 10)
    #expect(spec.parameterCount == count)
    #expect(spec.classCount == 10)
  }

  @Test func everyPresetBuildsForBothImageKinds() throws {
    for name in ModelSpec.presetNames {
      for shape in [[1, 28, 28], [3, 32, 32]] {
        let spec = try ModelSpec(model: name, inputShape: shape, classCount: 100)
        #expect(spec.classCount == 100, "\(name) on \(shape)")
        #expect(!ModelSpec.presetSummary(name).isEmpty)
      }
    }
  }

  @Test(arguments: [
    ("conv8k3-relu-dense5", "dense5", "the data has 10 classes; end the model with dense10"),
    ("conv8k3-relu", "relu", "the model must end with a dense layer of 10 units"),
    ("dense32-conv8k3-dense10", "conv8k3", "a convolution needs a [channels, height, width]"),
    ("pool64-dense10", "pool64", "the 64x64 window is larger than the input [1, 28, 28]"),
    ("conv8k31-dense10", "conv8k31", "the 31x31 kernel is larger than the padded input"),
    ("conv8k3p3-dense10", "conv8k3p3", "padding below the kernel"),
    ("dropout1-dense10", "dropout1", "the dropout rate must be at least 0 and below 1"),
    ("conv8k3-rleu-dense10", "rleu", "not a layer; see `lepton help models` for the grammar"),
    ("conv8k3--dense10", "", "not a layer"),
    ("dense0-dense10", "dense0", "a dense layer needs at least 1 unit"),
    ("gap-flatten-flatten-dense10", "flatten", "is already flat"),
    // Sizes whose products overflowed Int and trapped before they were bounded.
    ("conv499999999999999992-dense10", "conv499999999999999992", "must be at most 2147483647"),
    ("conv8k9999999999p9999999998-dense10", "conv8k9999999999p9999999998", "at most 2147483647"),
    ("conv2147483647k1-dense10", "conv2147483647k1", "the output [2147483647, 28, 28] has more"),
    ("conv99999k1-conv99999k1-dense10", "conv99999k1", "the weight shape [99999, 99999, 1, 1]"),
    (
      "dense99999999999999999-dense10", "dense99999999999999999",
      "the weight shape [99999999999999999, 784]"
    ),
    ("dense46000-dense46000-dense10", "dense46000", "more than 2147483647 parameters"),
  ])
  func invalidSpecificationsNameTheToken(text: String, token: String, reason: String) {
    do {
      _ = try ModelSpec(model: text, inputShape: [1, 28, 28], classCount: 10)
      Issue.record("\(text) was accepted")
    } catch let NetworkError.invalidModelSpec(_, badToken, message) {
      #expect(badToken == token, "\(text)")
      #expect(message.contains(reason), "\(text): \(message)")
    } catch {
      Issue.record("\(text) threw \(error)")
    }
  }

  @Test func oversizedInputShapeIsRejected() {
    let shape = [1, Int.max / 2, 3]
    #expect(
      throws: NetworkError.invalidConfiguration(
        "input shape \(shape) has more than 2147483647 elements")
    ) {
      _ = try ModelSpec(model: "dense10", inputShape: shape, classCount: 10)
    }
  }

  @Test func misspeltPresetIsAnUnknownModel() {
    #expect(throws: NetworkError.unknownModel(name: "fmnist-bnn", presets: ModelSpec.presetNames)) {
      _ = try ModelSpec(model: "fmnist-bnn", inputShape: [1, 28, 28], classCount: 10)
    }
  }

  @Test func errorQuotesSpecificationAsWritten() {
    do {
      _ = try ModelSpec(
        model: "conv8k3-dropout1.0-dense10", inputShape: [1, 28, 28], classCount: 10)
      Issue.record("a dropout rate of 1 was accepted")
    } catch let NetworkError.invalidModelSpec(specification, token, _) {
      #expect(specification == "conv8k3-dropout1.0-dense10")
      #expect(token == "dropout1.0")
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  @Test func unknownSingleNameIsAnUnknownModel() {
    #expect(throws: NetworkError.unknownModel(name: "resnet50", presets: ModelSpec.presetNames)) {
      _ = try ModelSpec(model: "resnet50", inputShape: [1, 28, 28], classCount: 10)
    }
  }

  @Test func batchNormStartsAsIdentityScale() throws {
    let spec = try ModelSpec(model: "fmnist-bn", inputShape: [1, 28, 28], classCount: 10)
    let parameters = spec.initialParameters(seed: 3)
    let buffers = spec.initialBuffers()
    for layer in spec.layers where layer.kind == .batchNorm {
      let scale = try #require(layer.weights)
      let shift = try #require(layer.bias)
      let statistics = try #require(layer.runningStatistics)
      #expect(parameters[scale.range].allSatisfy { $0 == 1 })
      #expect(parameters[shift.range].allSatisfy { $0 == 0 })
      let channels = statistics.count / 2
      #expect(buffers[statistics.offset..<(statistics.offset + channels)].allSatisfy { $0 == 0 })
      #expect(
        buffers[(statistics.offset + channels)..<statistics.range.upperBound].allSatisfy { $0 == 1 }
      )
    }
  }
}
