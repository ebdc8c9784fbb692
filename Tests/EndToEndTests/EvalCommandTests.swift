import Foundation
import Testing

@testable import LeptonRuns

/// A temporary directory of `.npy` and class-name files for `lepton eval`.
struct PredictionFixture {
  let directory: TemporaryDirectory

  init() throws {
    directory = try TemporaryDirectory("lepton-eval")
  }

  /// Writes `values` as a C-order `.npy` file and returns its path.
  @discardableResult
  func write<Element>(_ name: String, _ values: [Element], descriptor: String, shape: [Int])
    throws -> String
  {
    var data = NumpyFile.header(descriptor: descriptor, shape: shape)
    values.withUnsafeBytes { data.append(contentsOf: $0) }
    return try write(name, data: data)
  }

  @discardableResult
  func write(_ name: String, data: Data) throws -> String {
    let path = directory.appending(name)
    try data.write(to: URL(fileURLWithPath: path))
    return path
  }

  @discardableResult
  func write(_ name: String, text: String) throws -> String {
    try write(name, data: Data(text.utf8))
  }

  func remove() { directory.remove() }
}

/// Six samples of three classes. The argmax predictions are 0, 1, 2, 1, 1, 0, so
/// class 0 has P = R = 1, class 1 has P = 2/3 and R = 1 (F1 0.8), and class 2
/// has P = 1 and R = 1/2 (F1 2/3): accuracy 5/6 and macro F1 0.8222.
let threeClassLabels: [Int64] = [0, 1, 2, 2, 1, 0]
let threeClassScores: [Float] = [
  0.7, 0.2, 0.1,
  0.1, 0.8, 0.1,
  0.2, 0.2, 0.6,
  0.1, 0.6, 0.3,
  0.3, 0.4, 0.3,
  0.5, 0.25, 0.25,
]
/// Mean of -log p[label] over the six rows of `threeClassScores`.
let threeClassLoss =
  -(log(0.7) + log(0.8) + log(0.6) + log(0.3) + log(0.4) + log(0.5)) / 6.0

/// Parses the standard output of `lepton eval --json`.
func parseJSONObject(_ text: String) throws -> [String: Any] {
  let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
  return try #require(object as? [String: Any])
}

@Suite("Eval command")
struct EvalCommandTests {
  @Test func threeClassTextReport() throws {
    let fixture = try PredictionFixture()
    defer { fixture.remove() }
    let labels = try fixture.write("y.npy", threeClassLabels, descriptor: "<i8", shape: [6])
    let scores = try fixture.write("p.npy", threeClassScores, descriptor: "<f4", shape: [6, 3])

    let result = try LeptonProcess.run(["eval", "--labels", labels, "--scores", scores])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    let output = result.standardOutput
    #expect(line(startingWith: "accuracy ", in: output) == "accuracy  0.8333")
    let macro = try #require(line(startingWith: "macro avg", in: output))
    #expect(macro.split(separator: " ").map(String.init).contains("0.8222"))
    #expect(line(startingWith: "loss ", in: output) == "loss      0.6507")
    #expect(output.contains("Results (6 samples)"))
    #expect(output.contains("Scores  \(scores): float32 [6, 3] probabilities"))
    #expect(output.contains("balanced accuracy           0.8333"))
    #expect(output.contains("Confusion matrix"))
    #expect(!output.contains("Undefined values"))
    #expect(!output.contains("Task"))
  }

  /// The confusion matrix is [[2, 0, 0], [0, 2, 0], [0, 1, 1]]: 5 correct of 6, true counts
  /// 2, 2, 2 and predicted counts 2, 3, 1. Matthews correlation is
  /// (5 * 6 - 12) / sqrt((36 - 14) * (36 - 12)) = 18 / sqrt(528) = 0.7833, and Cohen's
  /// kappa is (5/6 - 12/36) / (1 - 12/36) = 0.75. Every label is in its row's top 2.
  @Test func agreementMetricsOfThreeClassCase() throws {
    let fixture = try PredictionFixture()
    defer { fixture.remove() }
    let labels = try fixture.write("y.npy", threeClassLabels, descriptor: "<i8", shape: [6])
    let scores = try fixture.write("p.npy", threeClassScores, descriptor: "<f4", shape: [6, 3])

    let text = try LeptonProcess.run(["eval", "--labels", labels, "--scores", scores])
    #expect(text.status == 0, "stderr: \(text.standardError)")
    #expect(text.standardOutput.contains("Matthews correlation 0.7833"))
    #expect(text.standardOutput.contains("Cohen's kappa 0.7500"))
    #expect(text.standardOutput.contains("top-2 accuracy 1.0000"))
    #expect(text.standardOutput.contains("Bootstrap (1000 resamples, seed 0)"))

    let arguments = ["eval", "--labels", labels, "--scores", scores, "--json", "--seed", "7"]
    let first = try LeptonProcess.run(arguments)
    let second = try LeptonProcess.run(arguments)
    #expect(first.standardOutput == second.standardOutput, "a seed repeats the intervals")
    let json = try parseJSONObject(first.standardOutput)
    let agreement = try #require(json["agreement"] as? [String: Any])
    let mcc = try #require(agreement["matthewsCorrelation"] as? [String: Any])
    let mccValue = try #require(mcc["value"] as? Double)
    #expect(abs(mccValue - 18 / 528.0.squareRoot()) < 1e-9)
    let bootstrap = try #require(agreement["bootstrap"] as? [String: Any])
    #expect(bootstrap["seed"] as? Int == 7)

    let without = try LeptonProcess.run([
      "eval", "--labels", labels, "--scores", scores, "--bootstrap", "0",
    ])
    #expect(!without.standardOutput.contains("Bootstrap ("))
  }

  @Test func threeClassJSON() throws {
    let fixture = try PredictionFixture()
    defer { fixture.remove() }
    let labels = try fixture.write("y.npy", threeClassLabels, descriptor: "<i8", shape: [6])
    let scores = try fixture.write("p.npy", threeClassScores, descriptor: "<f4", shape: [6, 3])

    let result = try LeptonProcess.run(["eval", "--labels", labels, "--scores", scores, "--json"])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    #expect(result.standardOutput.split(separator: "\n").count == 1)
    let json = try parseJSONObject(result.standardOutput)
    let accuracy = try #require(json["accuracy"] as? Double)
    #expect(abs(accuracy - 5.0 / 6.0) < 1e-12)
    let loss = try #require(json["loss"] as? Double)
    #expect(abs(loss - threeClassLoss) < 1e-6)
    #expect(json["sampleCount"] as? Int == 6)
    #expect(json["classNames"] as? [String] == ["0", "1", "2"])
    #expect(json["binary"] == nil)
    #expect((json["undefined"] as? [String: String])?.isEmpty == true)

    let macro = try #require(json["macro"] as? [String: Any])
    let macroF1 = try #require(macro["f1"] as? Double)
    #expect(abs(macroF1 - (1 + 0.8 + 2.0 / 3.0) / 3) < 1e-6)
    #expect(json["weighted"] is [String: Any])
    #expect(json["micro"] is [String: Any])

    let matrix = try #require(json["confusionMatrix"] as? [String: Any])
    #expect(matrix["rows"] as? [[Int]] == [[2, 0, 0], [0, 2, 0], [0, 1, 1]])

    let perClass = try #require(json["perClass"] as? [[String: Any]])
    #expect(perClass.count == 3)
    let second = perClass[1]
    #expect(second["name"] as? String == "1")
    #expect(second["support"] as? Int == 2)
    let secondPrecision = try #require(second["precision"] as? Double)
    #expect(abs(secondPrecision - 2.0 / 3.0) < 1e-12)
    // Class 1 against the rest: 0.8 ranks above all four negatives and 0.4 above
    // three of them (not 0.6), so AUC = 7/8.
    let secondAUC = try #require(second["auc"] as? Double)
    #expect(abs(secondAUC - 0.875) < 1e-12)

    let roc = try #require(second["rocCurve"] as? [String: Any])
    let thresholds = try #require(roc["thresholds"] as? [Any])
    #expect(thresholds.first is NSNull, "the +infinity threshold is written as null")
    let falsePositiveRates = try #require(roc["falsePositiveRates"] as? [Double])
    let truePositiveRates = try #require(roc["truePositiveRates"] as? [Double])
    #expect(falsePositiveRates.count == thresholds.count)
    #expect(truePositiveRates.count == thresholds.count)
    #expect(falsePositiveRates.first == 0)
    #expect(truePositiveRates.last == 1)
    let precisionRecall = try #require(second["precisionRecallCurve"] as? [String: Any])
    let precisions = try #require(precisionRecall["precisions"] as? [Double])
    let recalls = try #require(precisionRecall["recalls"] as? [Double])
    let prThresholds = try #require(precisionRecall["thresholds"] as? [Double])
    #expect(precisions.count == prThresholds.count + 1)
    #expect(precisions.last == 1)
    #expect(recalls.last == 0)
  }

  @Test func undefinedValuesAreNullWithReason() throws {
    let fixture = try PredictionFixture()
    defer { fixture.remove() }
    // Class 2 has no samples and is never predicted.
    let labels = try fixture.write("y.npy", [Int32(0), 0, 0, 1], descriptor: "<i4", shape: [4])
    let scores = try fixture.write(
      "p.npy", [Float(0.6), 0.4, 0, 0.7, 0.3, 0, 0.2, 0.8, 0, 0.1, 0.9, 0], descriptor: "<f4",
      shape: [4, 3])

    let json = try LeptonProcess.run(["eval", "--labels", labels, "--scores", scores, "--json"])
    #expect(json.status == 0, "stderr: \(json.standardError)")
    let perClass = try #require(
      try parseJSONObject(json.standardOutput)["perClass"] as? [[String: Any]])
    let third = try #require(perClass.last)
    #expect(third["auc"] is NSNull)
    #expect(third["averagePrecision"] is NSNull)
    #expect(third["precision"] as? Double == 0)
    let reasons = try #require(third["undefined"] as? [String: String])
    #expect(reasons["auc"] == "no samples of class 2")
    #expect(reasons["averagePrecision"] == "class 2 has no samples")
    #expect(reasons["precision"]?.hasPrefix("no sample is predicted as class 2") == true)
    #expect(reasons["recall"] != nil)
    #expect(reasons["f1"] != nil)

    let text = try LeptonProcess.run(["eval", "--labels", labels, "--scores", scores])
    #expect(text.status == 0, "stderr: \(text.standardError)")
    #expect(text.standardOutput.contains("Undefined values"))
    #expect(text.standardOutput.contains("  AUC of class 2: no samples of class 2"))
    let classRow = try #require(line(startingWith: "2 ", in: text.standardOutput))
    #expect(classRow.contains("undefined"))
  }

  @Test func binaryVectorScores() throws {
    let fixture = try PredictionFixture()
    defer { fixture.remove() }
    let labels = try fixture.write("y.npy", [UInt8(0), 1, 1, 0, 1], descriptor: "|u1", shape: [5])
    let scores = try fixture.write(
      "s.npy", [0.2, 0.9, 0.4, 0.6, 0.7], descriptor: "<f8", shape: [5])

    let result = try LeptonProcess.run(["eval", "--labels", labels, "--scores", scores])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    let output = result.standardOutput
    #expect(
      output.contains(
        "Task    binary, positive class = 1 (column 1); \(scores) contains its scores s, "
          + "and column 0 is 1 - s"))
    // The argmax of [1 - s, s] predicts 0, 1, 0, 1, 1, so 3 of 5 are right. Of the 6 pairs of a
    // positive and a negative sample, 5 rank the positive higher: AUC 5/6.
    #expect(line(startingWith: "accuracy ", in: output) == "accuracy  0.6000")
    #expect(
      output.contains(
        "positive class 1: precision 0.6667, recall 0.6667, F1 0.6667, AUC 0.8333"))

    let json = try LeptonProcess.run([
      "eval", "--labels", labels, "--scores", scores, "--positive", "0", "--json",
    ])
    #expect(json.status == 0, "stderr: \(json.standardError)")
    let object = try parseJSONObject(json.standardOutput)
    let binary = try #require(object["binary"] as? [String: Any])
    #expect(binary["positiveClass"] as? Int == 0)
    // With class 0 positive the vector is its score and column 1 is 1 - s, so the
    // predictions are 1, 0, 1, 0, 0 and only samples 2 and 3 are right.
    #expect(object["accuracy"] as? Double == 0.4)
    let input = try #require(object["input"] as? [String: Any])
    #expect(input["scoreShape"] as? [Int] == [5])
    #expect(input["scoreType"] as? String == "float64")
    #expect(input["labelType"] as? String == "uint8")

    let column = try fixture.write(
      "c.npy", [Float(0.2), 0.9, 0.4, 0.6, 0.7], descriptor: "<f4", shape: [5, 1])
    let fromColumn = try LeptonProcess.run(["eval", "--labels", labels, "--scores", column])
    #expect(fromColumn.status == 0, "stderr: \(fromColumn.standardError)")
    #expect(fromColumn.standardOutput.contains("float32 [5, 1] probabilities"))
    #expect(line(startingWith: "accuracy ", in: fromColumn.standardOutput) == "accuracy  0.6000")
  }

  @Test func binaryMatrixNamesPositiveColumn() throws {
    let fixture = try PredictionFixture()
    defer { fixture.remove() }
    let labels = try fixture.write("y.npy", [Int16(0), 1, 1, 0], descriptor: "<i2", shape: [4])
    let scores = try fixture.write(
      "p.npy", [Float(0.9), 0.1, 0.3, 0.7, 0.6, 0.4, 0.2, 0.8], descriptor: "<f4", shape: [4, 2])
    let names = try fixture.write("names.txt", text: "ham\nspam\n")
    let base = ["eval", "--labels", labels, "--scores", scores, "--classes", names]

    let spam = try LeptonProcess.run(base + ["--positive", "spam"])
    #expect(spam.status == 0, "stderr: \(spam.standardError)")
    #expect(
      spam.standardOutput.contains("Task    binary, positive class = spam (column 1) in \(scores)"))
    #expect(spam.standardOutput.contains("positive class spam: precision 0.5000, recall 0.5000"))

    let ham = try LeptonProcess.run(base + ["--positive", "0"])
    #expect(ham.status == 0, "stderr: \(ham.standardError)")
    #expect(ham.standardOutput.contains("positive class = ham (column 0) in \(scores)"))

    let unknown = try LeptonProcess.run(base + ["--positive", "eggs"])
    #expect(unknown.status == 2)
    #expect(
      unknown.standardError.contains(
        "invalid value 'eggs' for --positive: expected 0, 1 or a class name (ham, spam)"))
  }

  @Test func logitsAreSoftmaxedOnce() throws {
    let fixture = try PredictionFixture()
    defer { fixture.remove() }
    let labels = try fixture.write("y.npy", threeClassLabels, descriptor: "<i8", shape: [6])
    // log p plus a per-row constant has the softmax p, so the report equals
    // that of the probabilities.
    let logits = threeClassScores.enumerated().map { index, value in
      Double(log(value)) + Double(index / 3) * 10
    }
    let scores = try fixture.write("z.npy", logits, descriptor: "<f8", shape: [6, 3])

    let result = try LeptonProcess.run([
      "eval", "--labels", labels, "--scores", scores, "--logits", "--json",
    ])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    let json = try parseJSONObject(result.standardOutput)
    let loss = try #require(json["loss"] as? Double)
    #expect(abs(loss - threeClassLoss) < 1e-6)
    let accuracy = try #require(json["accuracy"] as? Double)
    #expect(abs(accuracy - 5.0 / 6.0) < 1e-12)
    let macro = try #require(json["macro"] as? [String: Any])
    let macroF1 = try #require(macro["f1"] as? Double)
    #expect(abs(macroF1 - (1 + 0.8 + 2.0 / 3.0) / 3) < 1e-6)
    #expect((json["input"] as? [String: Any])?["scoreKind"] as? String == "logits")

    let withoutFlag = try LeptonProcess.run(["eval", "--labels", labels, "--scores", scores])
    #expect(withoutFlag.status == 1)
    #expect(withoutFlag.standardError.contains("\(scores): row 0 sums to"))
    #expect(withoutFlag.standardError.contains("Add --logits if they are logits"))
  }

  @Test func classNamesFromFile() throws {
    let fixture = try PredictionFixture()
    defer { fixture.remove() }
    let labels = try fixture.write("y.npy", threeClassLabels, descriptor: "<i8", shape: [6])
    let scores = try fixture.write("p.npy", threeClassScores, descriptor: "<f4", shape: [6, 3])
    let names = try fixture.write("names.txt", text: "cat\ndog\nbird\n")

    let result = try LeptonProcess.run([
      "eval", "--labels", labels, "--scores", scores, "--classes", names,
    ])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    let row = try #require(line(startingWith: "dog ", in: result.standardOutput))
    #expect(row.contains("0.6667"))
    #expect(result.standardOutput.contains("true\\pred"))
    #expect(line(startingWith: "bird ", in: result.standardOutput) != nil)

    let json = try LeptonProcess.run([
      "eval", "--labels", labels, "--scores", scores, "--classes", names, "--json",
    ])
    #expect(
      try parseJSONObject(json.standardOutput)["classNames"] as? [String] == [
        "cat", "dog", "bird",
      ])

    let twoNames = try fixture.write("two.txt", text: "cat\ndog\n")
    let mismatch = try LeptonProcess.run([
      "eval", "--labels", labels, "--scores", scores, "--classes", twoNames,
    ])
    #expect(mismatch.status == 1)
    #expect(
      mismatch.standardError.contains("\(twoNames) has 2 class names but \(scores) has 3 classes"))
  }

  @Test func invalidFilesExitWithOne() throws {
    let fixture = try PredictionFixture()
    defer { fixture.remove() }
    let labels = try fixture.write("y.npy", threeClassLabels, descriptor: "<i8", shape: [6])
    let scores = try fixture.write("p.npy", threeClassScores, descriptor: "<f4", shape: [6, 3])

    let floatLabels = try fixture.write(
      "yf.npy", threeClassLabels.map(Float.init), descriptor: "<f4", shape: [6])
    let integerScores = try fixture.write(
      "pi.npy", [Int32](repeating: 0, count: 18), descriptor: "<i4", shape: [6, 3])
    let columnLabels = try fixture.write(
      "yc.npy", threeClassLabels, descriptor: "<i8", shape: [6, 1])
    let cubeScores = try fixture.write(
      "pc.npy", threeClassScores, descriptor: "<f4", shape: [6, 3, 1])
    let fiveLabels = try fixture.write(
      "y5.npy", Array(threeClassLabels.prefix(5)), descriptor: "<i8", shape: [5])
    let badLabel = try fixture.write(
      "yb.npy", [Int64(0), 1, 2, 3, 1, 0], descriptor: "<i8", shape: [6])
    var nonFinite = threeClassScores
    nonFinite[4] = .nan
    nonFinite[9] = .infinity
    let nanScores = try fixture.write("pn.npy", nonFinite, descriptor: "<f4", shape: [6, 3])
    var badRow = threeClassScores
    badRow[6] = 0.5
    let badRowScores = try fixture.write("pr.npy", badRow, descriptor: "<f4", shape: [6, 3])
    var fortran = NumpyFile.header(descriptor: "<f4", shape: [6, 3])
    let flag = try #require(fortran.range(of: Data("'fortran_order': False".utf8)))
    fortran.replaceSubrange(flag, with: Data("'fortran_order': True ".utf8))
    threeClassScores.withUnsafeBytes { fortran.append(contentsOf: $0) }
    let fortranScores = try fixture.write("pf.npy", data: fortran)
    let truncated = try fixture.write(
      "pt.npy", data: Data(contentsOf: URL(fileURLWithPath: scores)).dropLast(5))

    let cases: [(labels: String, scores: String, message: String)] = [
      (
        floatLabels, scores,
        "\(floatLabels): labels have dtype float32, but they must be integer class indices"
      ),
      (labels, integerScores, "\(integerScores): scores have dtype int32"),
      (columnLabels, scores, "\(columnLabels): labels have shape [6, 1]"),
      (labels, cubeScores, "\(cubeScores): scores have shape [6, 3, 1]"),
      (fiveLabels, scores, "\(fiveLabels) has 5 labels but \(scores) has 6 score rows"),
      (badLabel, scores, "\(badLabel): label 3 at index 3 is outside 0..<3"),
      (
        labels, nanScores,
        "\(nanScores): scores contain 2 non-finite values, the first NaN at row 1, column 1"
      ),
      (
        labels, badRowScores,
        "\(badRowScores): row 2 sums to 1.3, not 1 (tolerance 1e-5), so the scores are not "
          + "probabilities. Add --logits"
      ),
      (labels, fortranScores, "\(fortranScores): invalid .npy file: the array is in Fortran order"),
      (
        labels, truncated,
        "\(truncated): invalid .npy file: the file is truncated: shape [6, 3] of float32 needs "
          + "72 bytes of data, found 67"
      ),
      (labels, fixture.directory.appending("missing.npy"), "missing.npy: cannot read the file"),
    ]
    for (labelsPath, scoresPath, message) in cases {
      let result = try LeptonProcess.run(["eval", "--labels", labelsPath, "--scores", scoresPath])
      #expect(result.status == 1, "\(message)")
      #expect(result.standardError.contains(message), "stderr: \(result.standardError)")
      #expect(result.standardOutput.isEmpty)
    }
  }

  @Test func usageErrorsExitWithTwo() throws {
    let fixture = try PredictionFixture()
    defer { fixture.remove() }
    let labels = try fixture.write("y.npy", threeClassLabels, descriptor: "<i8", shape: [6])
    let scores = try fixture.write("p.npy", threeClassScores, descriptor: "<f4", shape: [6, 3])

    let cases: [(arguments: [String], message: String)] = [
      (["--labels", labels], "missing option --scores for 'lepton eval'"),
      (["--scores", scores], "missing option --labels for 'lepton eval'"),
      (["--labels", labels, "--scores", scores, "--logit"], "unknown option '--logit'"),
      (
        ["--labels", labels, "--scores", scores, "--positive", "1"],
        "invalid value '1' for --positive: \(scores) has 3 classes"
      ),
      (["--labels", labels, "--scores", scores, "extra"], "unexpected argument 'extra'"),
    ]
    for (arguments, message) in cases {
      let result = try LeptonProcess.run(["eval"] + arguments)
      #expect(result.status == 2, "\(arguments)")
      #expect(result.standardError.contains(message), "stderr: \(result.standardError)")
    }
  }

  @Test func helpNamesEveryOption() throws {
    for arguments in [["help", "eval"], ["eval", "--help"]] {
      let result = try LeptonProcess.run(arguments)
      #expect(result.status == 0)
      #expect(result.standardOutput.hasPrefix("Usage: lepton eval --labels L.npy --scores S.npy"))
      for option in ["--classes", "--logits", "--positive", "--json"] {
        #expect(result.standardOutput.contains(option), "\(arguments) lacks \(option)")
      }
    }
    let overview = try LeptonProcess.run(["help"])
    #expect(overview.standardOutput.contains("eval      report the metrics"))
  }
}
