import LeptonEngine

/// `lepton bench`: training and evaluation throughput of a model preset.
enum BenchCommand {
  static func run(arguments: [String]) throws -> Int32 {
    throw CommandLineError.unknownCommand("bench", suggestion: nil)
  }
}
