import Foundation
import LeptonRuns
import Testing

/// `lepton compare` on runs the test trains, sharing a test set or not.
@Suite("Compare command", .serialized)
struct CompareCommandTests {
  @Test func comparesRunsOnSharedTestSet() throws {
    let data = try TemporaryDirectory("lepton-data")
    let other = try TemporaryDirectory("lepton-other-data")
    let runs = try TemporaryDirectory("lepton-runs")
    defer {
      data.remove()
      other.remove()
      runs.remove()
    }
    try SyntheticIDX.write(to: data.path, trainCount: 200, testCount: 50)
    try SyntheticIDX.write(to: other.path, trainCount: 200, testCount: 40)
    var ids: [String] = []
    for (model, directory) in [
      ("fmnist-cnn", data.path), ("lenet5", data.path), ("lenet5", other.path),
    ] {
      let before = Set(try FileManager.default.contentsOfDirectory(atPath: runs.path))
      let result = try LeptonProcess.run([
        "train", "--data", directory, "--runs-dir", runs.path, "--model", model, "--epochs", "1",
        "--headless",
      ])
      #expect(result.status == 0, "stderr: \(result.standardError)")
      let after = Set(try FileManager.default.contentsOfDirectory(atPath: runs.path))
      ids.append(try #require(after.subtracting(before).first))
    }

    let result = try LeptonProcess.run(["compare", ids[0], ids[1], "--runs-dir", runs.path])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    let output = result.standardOutput
    #expect(output.contains("A  \(ids[0]): fmnist-cnn, epoch 1"))
    #expect(output.contains("B  \(ids[1]): lenet5, epoch 1"))
    #expect(output.contains("Against A, on 50 shared test images"))
    #expect(output.contains("  B: McNemar p = "))
    #expect(output.contains("accuracy B - A "))
    #expect(output.contains("model       fmnist-cnn  lenet5"))
    #expect(
      output.split(separator: "\n").contains { $0.hasPrefix("accuracy ") && $0.contains("*") })

    let refused = try LeptonProcess.run(["compare", ids[0], ids[2], "--runs-dir", runs.path])
    #expect(refused.status == 1)
    #expect(refused.standardError.contains("same test set"), "\(refused.standardError)")

    try checkJSON(ids: Array(ids[0..<2]), runsDirectory: runs.path)
  }

  /// Checks `compare --json` against counts recomputed from the runs' .npy files.
  func checkJSON(ids: [String], runsDirectory: String) throws {
    let result = try LeptonProcess.run(
      ["compare", ids[0], ids[1], "--runs-dir", runsDirectory, "--json", "--seed", "3"])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    #expect(object["sampleCount"] as? Int == 50)
    #expect(object["seed"] as? Int == 3)
    #expect(object["bootstrapResamples"] as? Int == 1000)
    let runObjects = try #require(object["runs"] as? [[String: Any]])
    #expect(runObjects.map { $0["id"] as? String } == ids)
    #expect(runObjects.map { $0["letter"] as? String } == ["A", "B"])

    func load(_ name: String, _ id: String) throws -> NumpyFile.Contents {
      let path = "\(runsDirectory)/\(id)/\(name)"
      return try NumpyFile.decode(try Data(contentsOf: URL(fileURLWithPath: path)), path: path)
    }
    let labels = try #require(try load("labels-test.npy", ids[0]).integerValues).map(Int.init)
    var predictions: [[Int]] = []
    var accuracies: [Double] = []
    var matrices: [[[Int]]] = []
    for id in ids {
      let scores = try load("scores-test-epoch-1.npy", id)
      let values = try #require(scores.floatingPointValues)
      let classes = scores.shape[1]
      let predicted = labels.indices.map { row in
        let slice = values[(row * classes)..<((row + 1) * classes)]
        // The first maximum wins ties, as NumPy's argmax does.
        var best = slice.startIndex
        for index in slice.indices where slice[index] > slice[best] { best = index }
        return best - row * classes
      }
      predictions.append(predicted)
      accuracies.append(
        Double(zip(labels, predicted).filter { $0 == $1 }.count) / Double(labels.count))
      var matrix = Array(repeating: Array(repeating: 0, count: classes), count: classes)
      for (label, prediction) in zip(labels, predicted) { matrix[label][prediction] += 1 }
      matrices.append(matrix)
    }
    for (runObject, accuracy) in zip(runObjects, accuracies) {
      let metrics = try #require(runObject["metrics"] as? [String: Any])
      let reported = try #require(metrics["accuracy"] as? Double)
      #expect(abs(reported - accuracy) < 1e-12)
    }

    let comparison = try #require((object["comparisons"] as? [[String: Any]])?.first)
    #expect(comparison["run"] as? String == "B")
    #expect(comparison["against"] as? String == "A")
    let mcnemar = try #require(comparison["mcnemar"] as? [String: Any])
    let onlyA = labels.indices.filter {
      predictions[0][$0] == labels[$0] && predictions[1][$0] != labels[$0]
    }.count
    let onlyB = labels.indices.filter {
      predictions[0][$0] != labels[$0] && predictions[1][$0] == labels[$0]
    }.count
    #expect(mcnemar["onlyACorrect"] as? Int == onlyA)
    #expect(mcnemar["onlyBCorrect"] as? Int == onlyB)
    #expect(
      mcnemar["method"] as? String == (onlyA + onlyB < 25 ? "exactBinomial" : "chiSquaredCorrected")
    )
    let pValue = try #require(mcnemar["pValue"] as? Double)
    #expect(pValue > 0)
    #expect(pValue <= 1)

    let accuracyDifference = try #require(comparison["accuracyDifference"] as? [String: Any])
    let estimate = try #require(accuracyDifference["estimate"] as? Double)
    #expect(abs(estimate - (accuracies[1] - accuracies[0])) < 1e-12)
    let lower = try #require(accuracyDifference["lower"] as? Double)
    let upper = try #require(accuracyDifference["upper"] as? Double)
    #expect(lower <= estimate)
    #expect(estimate <= upper)

    let difference = try #require(comparison["confusionMatrixDifference"] as? [[Int]])
    let expected = zip(matrices[1], matrices[0]).map { rowB, rowA in zip(rowB, rowA).map(-) }
    #expect(difference == expected)
    let fields = try #require(object["configurationDifferences"] as? [[String: Any]])
    #expect(fields.contains { $0["field"] as? String == "model" })
  }

  @Test func needsTwoRuns() throws {
    let result = try LeptonProcess.run(["compare", "one-run"])
    #expect(result.status == 2)
    #expect(result.standardError.contains("at least two runs"))
  }
}
