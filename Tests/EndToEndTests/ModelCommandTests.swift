import Foundation
import Testing

/// `lepton models`, `--model` layer strings and their errors, through the real executable.
@Suite("Model commands", .serialized)
struct ModelCommandTests {
  @Test func listsEveryPresetWithLayers() throws {
    let result = try LeptonProcess.run(["models"])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    let output = result.standardOutput
    #expect(output.contains("fmnist-cnn: 421,642 parameters, input 1x28x28"))
    #expect(output.contains("lenet5: 61,706 parameters, input 1x28x28"))
    #expect(output.contains("cifar-cnn: 289,194 parameters, input 3x32x32"))
    #expect(output.contains("fmnist-bn: 871,530 parameters"))
    // Each layer row has its output shape and parameter count.
    #expect(output.contains("conv64k3p1        64x14x14      18,496"))
    #expect(output.contains("gap                128x1x1           0"))
  }

  @Test func describesLayerStringForShape() throws {
    let result = try LeptonProcess.run([
      "models", "conv16k5s2p2-bn-relu-avgpool2-dense4", "--input", "3x20x20", "--classes", "4",
    ])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    let output = result.standardOutput
    // (20 + 4 - 5) / 2 + 1 = 10, then 5 after pooling: 16 x 25 = 400 inputs to dense4.
    #expect(output.contains("custom: 2,852 parameters, input 3x20x20"))
    #expect(output.contains("conv16k5s2p2      16x10x10       1,216"))
    #expect(output.contains("flatten                400           0"))
  }

  @Test func rejectsBadTokenWithUsageStatus() throws {
    let result = try LeptonProcess.run(["models", "conv8k3-rleu-dense10"])
    #expect(result.status == 2)
    #expect(result.standardError.contains("at 'rleu': not a layer"))
    let hints = result.standardError.components(separatedBy: "lepton help models").count - 1
    #expect(hints == 1, "the grammar hint appears once: \(result.standardError)")
  }

  @Test func trainRejectsUnknownTokenBeforeLoading() throws {
    let result = try LeptonProcess.run([
      "train", "--model", "conv8-rlu-dense10", "--data", "/nonexistent", "--headless",
    ])
    #expect(result.status == 2)
    #expect(result.standardError.contains("'rlu' is not one"))
  }

  @Test func trainRejectsModelThatDoesNotFitData() throws {
    let data = try TemporaryDirectory("lepton-data")
    let runs = try TemporaryDirectory("lepton-runs")
    defer {
      data.remove()
      runs.remove()
    }
    try SyntheticIDX.write(to: data.path, trainCount: 50, testCount: 20)
    let result = try LeptonProcess.run([
      "train", "--model", "conv8k3-relu-dense5", "--data", data.path, "--runs-dir", runs.path,
      "--headless",
    ])
    #expect(result.status == 2)
    #expect(result.standardError.contains("(1x28x28 images, 10 classes)"))
    #expect(result.standardError.contains("end the model with dense10"))
    let runIDs = try FileManager.default.contentsOfDirectory(atPath: runs.path)
    #expect(runIDs.isEmpty, "no run directory for a model that cannot be built")
  }

  @Test func trainsLayerStringAsCustomRun() throws {
    let data = try TemporaryDirectory("lepton-data")
    let runs = try TemporaryDirectory("lepton-runs")
    defer {
      data.remove()
      runs.remove()
    }
    try SyntheticIDX.write(to: data.path, trainCount: 200, testCount: 50)
    let result = try LeptonProcess.run([
      "train", "--model", "conv8k3p1-bn-relu-pool2-gap-dropout0.1-dense10", "--data", data.path,
      "--runs-dir", runs.path, "--epochs", "1", "--batch", "32", "--headless",
    ])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    let runIDs = try FileManager.default.contentsOfDirectory(atPath: runs.path)
    #expect(runIDs.count == 1)
    #expect(runIDs.first?.hasSuffix("-custom") == true, "\(runIDs)")
  }
}

/// `lepton bench` with a model other than the default, on its own input shape.
@Suite("Bench command", .serialized)
struct BenchCommandTests {
  @Test func benchesCifarPresetOnRGBImages() throws {
    let result = try LeptonProcess.run([
      "bench", "--model", "cifar-cnn", "--steps", "1", "--repeats", "1", "--batch", "8",
      "--eval-batch", "16", "--no-reference",
    ])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    #expect(result.standardOutput.contains("lepton bench: cifar-cnn, batch 8, 3x32x32"))
    let trainLine = result.standardOutput.split(separator: "\n").first { $0.hasPrefix("train: ") }
    let figure = trainLine?.split(separator: " ").dropFirst().first.flatMap { Double($0) }
    #expect((figure ?? 0) > 0, "train line: \(String(describing: trainLine))")
  }

  @Test func benchesLayerStringWithGivenShape() throws {
    let result = try LeptonProcess.run([
      "bench", "--model", "conv4k3-relu-gap-dense10", "--input", "2x9x9", "--steps", "1",
      "--repeats", "1", "--batch", "4", "--eval-batch", "4", "--no-reference",
    ])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    #expect(result.standardOutput.contains("2x9x9 random noise"))
  }

  @Test func benchesSmallDataSet() throws {
    let data = try TemporaryDirectory("lepton-data")
    defer { data.remove() }
    try SyntheticIDX.write(to: data.path, trainCount: 40, testCount: 10)
    // 40 images are fewer than the default batches of 64 and 1000.
    let result = try LeptonProcess.run([
      "bench", "--data", data.path, "--steps", "1", "--repeats", "1", "--no-reference",
    ])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    #expect(result.standardOutput.contains("batch 40"))
  }

  @Test func rejectsMalformedShape() throws {
    let result = try LeptonProcess.run(["bench", "--input", "3x32"])
    #expect(result.status == 2)
    #expect(result.standardError.contains("invalid value '3x32' for --input"))
  }
}

/// `lepton show` without a terminal, and its errors.
@Suite("Show command", .serialized)
struct ShowCommandTests {
  @Test func printsEpochTableAndReportHeadless() throws {
    let data = try TemporaryDirectory("lepton-data")
    let runs = try TemporaryDirectory("lepton-runs")
    defer {
      data.remove()
      runs.remove()
    }
    try SyntheticIDX.write(to: data.path, trainCount: 200, testCount: 50)
    let trained = try LeptonProcess.run([
      "train", "--data", data.path, "--runs-dir", runs.path, "--epochs", "2", "--headless",
    ])
    #expect(trained.status == 0, "stderr: \(trained.standardError)")
    let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first)

    let byID = try LeptonProcess.run(["show", id, "--runs-dir", runs.path, "--headless"])
    #expect(byID.status == 0, "stderr: \(byID.standardError)")
    #expect(byID.standardOutput.hasPrefix("Run \(id): fmnist-cnn on lepton-data-"))
    #expect(byID.standardOutput.contains(", 2 of 2 epochs completed, finished"))
    let rows = byID.standardOutput.split(separator: "\n").filter {
      $0.hasPrefix("    1 ") || $0.hasPrefix("    2 ")
    }
    #expect(rows.count == 2)
    #expect(byID.standardOutput.contains("Confusion matrix"))

    let byPath = try LeptonProcess.run(["show", runs.appending(id), "--headless"])
    #expect(byPath.status == 0)
    #expect(byPath.standardOutput == byID.standardOutput)
  }

  @Test func missingRunNamesThePath() throws {
    let result = try LeptonProcess.run(["show", "no-such-run", "--runs-dir", "/nonexistent"])
    #expect(result.status == 1)
    #expect(result.standardError.contains("/nonexistent/no-such-run"))
  }

  @Test func runArgumentIsRequired() throws {
    let result = try LeptonProcess.run(["show"])
    #expect(result.status == 2)
    #expect(result.standardError.contains("lepton show runs/"))
  }
}
