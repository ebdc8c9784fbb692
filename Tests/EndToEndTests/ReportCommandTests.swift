import Foundation
import LeptonEngine
import LeptonRuns
import Testing

/// Counts of one class against the rest, recounted from a run's `.npy` files.
private struct Recount: Equatable {
  var truePositives = 0
  var falsePositives = 0
  var falseNegatives = 0
  var trueNegatives = 0

  init(_ evaluation: Evaluation, classIndex: Int, threshold: Double) {
    for (row, label) in evaluation.labels.enumerated() {
      let score = Double(evaluation.scores[row * evaluation.classCount + classIndex])
      switch (Int(label) == classIndex, score >= threshold) {
      case (true, true): truePositives += 1
      case (false, true): falsePositives += 1
      case (true, false): falseNegatives += 1
      case (false, false): trueNegatives += 1
      }
    }
  }

  init(json point: PointJSON) {
    truePositives = point.truePositives
    falsePositives = point.falsePositives
    falseNegatives = point.falseNegatives
    trueNegatives = point.trueNegatives
  }
}

/// The fields of one point of `lepton report --json` that the tests compare.
private struct PointJSON: Decodable {
  var threshold: Double
  var truePositives: Int
  var falsePositives: Int
  var falseNegatives: Int
  var trueNegatives: Int
  var precision: Double?
  var recall: Double?
  var undefined: [String: String]
}

private struct ReportJSON: Decodable {
  var point: PointJSON?
  var sweep: [PointJSON]?
}

private struct SelectiveJSON: Decodable {
  struct Result: Decodable {
    var keptCount: Int
  }
  var results: [Result]
}

/// Decodes with `JSONDecoder`, because `JSONSerialization` on Linux returns numbers as
/// `NSDecimalNumber`, whose `Double` value can differ in the last digit.
private func decode<Value: Decodable>(_ type: Value.Type, _ text: String) throws -> Value {
  try JSONDecoder().decode(type, from: Data(text.utf8))
}

/// Runs `lepton report` on a one-epoch headless run and checks its numbers against a
/// recount from the run's saved scores and labels.
@Suite("Report command", .serialized)
struct ReportCommandTests {
  @Test func reportMatchesRecount() throws {
    let trained = try TrainedRun()
    defer { trained.remove() }
    let run = trained.run
    let reference = try #require(run.records.last { $0.type == "evaluated" }?.evaluation)
    let evaluation = try RunLogReader.loadEvaluation(reference, in: run.directory)
    let classIndex = 3
    let className = try #require(run.config?.classNames[classIndex])
    let expected = Recount(evaluation, classIndex: classIndex, threshold: 0.7)
    #expect(expected.truePositives + expected.falseNegatives > 0)

    // Text at one threshold.
    let text = try LeptonProcess.run([
      "report", run.directory.path, "--class", className, "--threshold", "0.7",
    ])
    #expect(text.status == 0, "stderr: \(text.standardError)")
    #expect(text.standardOutput.contains("TP \(expected.truePositives) "))
    #expect(text.standardOutput.contains("FN \(expected.falseNegatives)"))
    #expect(text.standardOutput.contains("FP \(expected.falsePositives) "))
    #expect(text.standardOutput.contains("TN \(expected.trueNegatives)"))
    #expect(text.standardOutput.contains("Preset thresholds"))

    // JSON at one threshold, with the run given by its id.
    let json = try LeptonProcess.run([
      "report", run.directory.id, "--runs-dir", trained.runs.path, "--class", className,
      "--threshold", "0.7", "--json",
    ])
    #expect(json.status == 0, "stderr: \(json.standardError)")
    let point = try #require(try decode(ReportJSON.self, json.standardOutput).point)
    #expect(Recount(json: point) == expected)
    let predicted = expected.truePositives + expected.falsePositives
    if predicted == 0 {
      #expect(point.precision == nil)
      #expect(point.undefined["precision"] != nil)
    } else {
      let precision = try #require(point.precision)
      #expect(abs(precision - Double(expected.truePositives) / Double(predicted)) < 1e-12)
    }
    let recall = try #require(point.recall)
    let support = expected.truePositives + expected.falseNegatives
    #expect(abs(recall - Double(expected.truePositives) / Double(support)) < 1e-12)

    // Sweep as text: the row of 0.70 has the recounted counts.
    let sweep = try LeptonProcess.run([
      "report", run.directory.path, "--class", className, "--sweep",
    ])
    #expect(sweep.status == 0, "stderr: \(sweep.standardError)")
    let row = try #require(
      sweep.standardOutput.split(separator: "\n").first { $0.hasPrefix("0.700000 ") })
    let cells = row.split(separator: " ").map(String.init)
    #expect(
      Array(cells[1...4])
        == [
          expected.truePositives, expected.falsePositives, expected.falseNegatives,
          expected.trueNegatives,
        ].map(String.init))

    // Sweep as JSON: every threshold agrees with a recount.
    let sweepJSON = try LeptonProcess.run([
      "report", run.directory.path, "--class", className, "--sweep", "--json",
    ])
    #expect(sweepJSON.status == 0, "stderr: \(sweepJSON.standardError)")
    let points = try #require(try decode(ReportJSON.self, sweepJSON.standardOutput).sweep)
    #expect(points.count >= 21)
    for point in points {
      let threshold = point.threshold
      #expect(
        Recount(json: point)
          == Recount(evaluation, classIndex: classIndex, threshold: threshold),
        "threshold \(threshold)")
    }

    // Selective prediction keeps the rows whose top probability is >= 0.7.
    let selective = try LeptonProcess.run([
      "report", run.directory.path, "--selective", "--threshold", "0.7", "--json",
    ])
    #expect(selective.status == 0, "stderr: \(selective.standardError)")
    let results = try decode(SelectiveJSON.self, selective.standardOutput).results
    let kept = (0..<evaluation.sampleCount).filter { row in
      let values = evaluation.scores[(row * 10)..<(row * 10 + 10)]
      return Double(values.max() ?? 0) >= 0.7
    }.count
    #expect(results.first?.keptCount == kept)

    // A class the run does not have is a usage error that lists the valid names.
    let badClass = try LeptonProcess.run(["report", run.directory.path, "--class", "cat"])
    #expect(badClass.status == 2)
    #expect(badClass.standardError.contains("'0', '1', '2'"))

    // A missing scores file is a failure that names the path.
    try FileManager.default.removeItem(atPath: run.directory.file(reference.scoresFile))
    let missing = try LeptonProcess.run(["report", run.directory.path, "--class", className])
    #expect(missing.status == 1)
    #expect(missing.standardError.contains(reference.scoresFile))
  }

  @Test func missingRunNamesPaths() throws {
    let runs = try TemporaryDirectory("lepton-runs")
    defer { runs.remove() }
    let result = try LeptonProcess.run([
      "report", "no-such-run", "--runs-dir", runs.path, "--class", "0",
    ])
    #expect(result.status == 1)
    #expect(result.standardError.contains(runs.appending("no-such-run")))
    #expect(result.standardError.contains("--runs-dir"))
  }

  @Test func helpAndUsageErrors() throws {
    let help = try LeptonProcess.run(["help", "report"])
    #expect(help.status == 0)
    #expect(help.standardOutput.contains("Usage: lepton report RUN --class NAME"))
    let flag = try LeptonProcess.run(["report", "--help"])
    #expect(flag.status == 0)
    #expect(flag.standardOutput == help.standardOutput)
    let noClass = try LeptonProcess.run(["report", "somewhere"])
    #expect(noClass.status == 2)
    #expect(noClass.standardError.contains("--class"))
    let badThreshold = try LeptonProcess.run(["report", "x", "--class", "0", "--threshold", "2"])
    #expect(badThreshold.status == 2)
  }
}
