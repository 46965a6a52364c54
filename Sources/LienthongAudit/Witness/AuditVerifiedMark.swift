import Foundation
import LienthongJSON

/// The last chain element a node verified at start (`{"seq":…,"hash":…}` in a small file beside the witness), so
/// that the next start verifies only what was written since.
public struct AuditVerifiedMark: Sendable, Hashable {
    /// The mark file.
    public let path: String

    /// A mark stored at `path`.
    public init(path: String) {
        self.path = path
    }

    /// The mark beside a witness file: `<witness>.verified`.
    public init(witnessPath: String) {
        self.init(path: witnessPath + ".verified")
    }

    /// The verified element, or `nil` if none was recorded (verify from the genesis).
    public func load() -> (seq: Int64, hash: String)? {
        guard let data = FileManager.default.contents(atPath: path), let value = try? JSONValue.parse(Array(data)),
            let seq = value["seq"]?.numberValue?.int, let hash = value["hash"]?.stringValue
        else { return nil }
        return (Int64(seq), hash)
    }

    /// Records that the chain up to `seq`/`hash` was verified (written to a temporary file and renamed: a
    /// lost mark only makes the next start verify more).
    public func save(seq: Int64, hash: String) throws(AuditError) {
        let url = URL(fileURLWithPath: path)
        let value = JSONValue.object(["seq": .number(JSONNumber(Int(seq))), "hash": .string(hash)])
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(AuditExport.line(value).utf8).write(to: url, options: .atomic)
        } catch {
            throw AuditError(code: .witness, detail: "cannot record the verified head \(seq)")
        }
    }
}
