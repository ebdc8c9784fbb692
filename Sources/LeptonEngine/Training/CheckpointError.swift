/// A problem reading or writing a checkpoint file. Each message names the file, what is
/// wrong with it and what to do.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
  case fileNotFound(path: String)
  case unreadable(path: String, reason: String)
  /// The file does not start with the checkpoint magic bytes.
  case notACheckpoint(path: String)
  /// The format version is newer than this build reads, or one that no build wrote.
  case unsupportedVersion(path: String, version: UInt32, supported: UInt32)
  /// The file ends inside `part`, which needs the file to have `expectedBytes` bytes.
  case truncated(path: String, part: String, expectedBytes: Int, actualBytes: Int)
  /// The file continues after the last vector.
  case trailingData(path: String, expectedBytes: Int, actualBytes: Int)
  /// The CRC-32 of `part` differs from the stored one.
  case checksumMismatch(path: String, part: String, stored: UInt32, computed: UInt32)
  /// The header is not valid JSON, lacks a field or has a value out of range.
  case invalidHeader(path: String, reason: String)
  /// A vector's stored length does not fit the model that the header describes.
  case lengthMismatch(path: String, vector: String, stored: Int, expected: Int, model: String)
  case writeFailed(path: String, reason: String)

  public var description: String {
    switch self {
    case .fileNotFound(let path):
      return
        "\(path): checkpoint not found. Pass the model.ckpt file of a run directory, "
        + "such as runs/<run-id>/model.ckpt."
    case .unreadable(let path, let reason):
      return "\(path): cannot read the checkpoint (\(reason)). Pass a readable model.ckpt file."
    case .notACheckpoint(let path):
      return
        "\(path): not a Lepton checkpoint (the file does not start with "
        + "'\(CheckpointFormat.magicText)'). Pass the model.ckpt file that 'lepton train' "
        + "writes in each run directory."
    case .unsupportedVersion(let path, let version, let supported) where version > supported:
      return
        "\(path): checkpoint format version \(version) is newer than this Lepton reads "
        + "(\(supported)). Update Lepton to read it."
    case .unsupportedVersion(let path, let version, let supported):
      return
        "\(path): invalid checkpoint format version \(version); this Lepton writes and reads "
        + "version \(supported). The file is damaged. Copy it again or train again."
    case .truncated(let path, let part, let expectedBytes, let actualBytes):
      return
        "\(path): truncated checkpoint: the \(part) needs a file of \(expectedBytes) bytes, "
        + "but the file has \(actualBytes). The copy is incomplete or the disk was full. "
        + "Copy it again or train again."
    case .trailingData(let path, let expectedBytes, let actualBytes):
      return
        "\(path): the checkpoint has \(actualBytes - expectedBytes) bytes after its last "
        + "vector (its header accounts for \(expectedBytes) bytes). The file is damaged. "
        + "Copy it again or train again."
    case .checksumMismatch(let path, let part, let stored, let computed):
      return
        "\(path): corrupt checkpoint: the CRC-32 of the \(part) is 0x\(hex(computed)), but "
        + "the file stores 0x\(hex(stored)). Copy the file again from an undamaged source "
        + "or train again."
    case .invalidHeader(let path, let reason):
      return
        "\(path): invalid checkpoint header: \(reason). The file is damaged or was not "
        + "written by Lepton. Copy it again or train again."
    case .lengthMismatch(let path, let vector, let stored, let expected, let model):
      return
        "\(path): the checkpoint stores \(stored) values of \(vector), but its model "
        + "'\(model)' needs \(expected). The vectors do not belong to this model. Copy the "
        + "file again or train again."
    case .writeFailed(let path, let reason):
      return
        "\(path): cannot write the checkpoint (\(reason)). Check that the directory exists "
        + "and is writable, that the disk has free space and that no directory has this name."
    }
  }
}

/// Formats `value` as 8 lowercase hexadecimal digits.
private func hex(_ value: UInt32) -> String {
  let digits = String(value, radix: 16)
  return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
