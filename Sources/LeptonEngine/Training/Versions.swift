import CDNNL

/// Versions of Lepton and the libraries it runs on, recorded in every run.
public enum Versions {
  public static let lepton = "0.1.0"

  public static var oneDNN: String {
    guard let version = dnnl_version() else { return "unknown" }
    let value = version.pointee
    return "\(value.major).\(value.minor).\(value.patch)"
  }

  public static var current: [String: String] {
    ["lepton": lepton, "onednn": oneDNN]
  }
}
