// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "Lepton",
  products: [
    .executable(name: "lepton", targets: ["lepton"])
  ],
  targets: [
    // MARK: - C libraries from Debian, one shim header each

    .systemLibrary(name: "CDNNL", path: "Sources/CDNNL"),
    .systemLibrary(name: "CNCurses", path: "Sources/CNCurses"),
    .systemLibrary(name: "CPNG", path: "Sources/CPNG"),
    .systemLibrary(name: "CZlib", path: "Sources/CZlib"),

    // MARK: - Layers: metrics <- engine <- runs <- render <- tui <- lepton

    .target(name: "LeptonMetrics"),
    .target(name: "LeptonEngine", dependencies: ["LeptonMetrics", "CDNNL", "CZlib", "CPNG"]),
    .target(name: "LeptonRuns", dependencies: ["LeptonEngine", "LeptonMetrics"]),
    .target(name: "LeptonRender", dependencies: ["LeptonEngine", "LeptonMetrics"]),
    .target(name: "LeptonTUI", dependencies: ["LeptonRender", "LeptonEngine", "CNCurses"]),
    .executableTarget(
      name: "lepton",
      dependencies: ["LeptonTUI", "LeptonRender", "LeptonRuns", "LeptonEngine", "LeptonMetrics"]
    ),

    // MARK: - Tests

    .testTarget(name: "LeptonMetricsTests", dependencies: ["LeptonMetrics"]),
    .testTarget(name: "LeptonEngineTests", dependencies: ["LeptonEngine", "CZlib"]),
    .testTarget(name: "LeptonRunsTests", dependencies: ["LeptonRuns"]),
    .testTarget(
      name: "LeptonRenderTests", dependencies: ["LeptonRender"], exclude: ["Golden"]),
    .testTarget(name: "LeptonTUITests", dependencies: ["LeptonTUI"]),
    .testTarget(
      name: "EndToEndTests",
      dependencies: ["lepton", "LeptonRuns", "LeptonEngine", "LeptonMetrics"]),
  ],
  swiftLanguageModes: [.v6]
)
