import Foundation
public import LienthongJSON
import LienthongCore
import LienthongTrust

/// An operator's record that the audit chain broke: where, how, who sealed it and when.
///
/// A seal takes a sequence number of its own, past every record, checkpoint and witnessed head of the broken
/// segment, and starts a new segment: the next record links to the seal's ``hash``. The node signs a checkpoint
/// of ``seq``/``hash``, so the seal is as signed as any record, and the break stays visible to `audit verify`.
public struct AuditSeal: Sendable, Hashable {
    /// The `type` member of the sealed statement.
    public static let payloadType = "audit-seal"

    /// The seal's own sequence number; the new segment starts after it.
    public var seq: Int64
    /// The first bad sequence number found.
    public var breakSeq: Int64
    /// What was found (an ``AuditVerification/Failure`` code, e.g. `audit.truncated`).
    public var failure: String
    /// Who sealed the break.
    public var operatorName: String
    /// When (RFC 3339 UTC, milliseconds).
    public var time: String
    /// The member id of the node.
    public var node: String
    /// The hash of the last record present when sealing (the genesis hash if none).
    public var prevHash: String
    /// Hex SHA-256 of JCS(``content``): what the next record links to and the sealing checkpoint signs.
    public var hash: String

    /// A seal from its parts; ``hash`` is computed.
    public init(
        seq: Int64, breakSeq: Int64, failure: String, operatorName: String, time: String, node: String,
        prevHash: String
    ) {
        self.seq = seq
        self.breakSeq = breakSeq
        self.failure = failure
        self.operatorName = operatorName
        self.time = time
        self.node = node
        self.prevHash = prevHash
        self.hash = ""
        hash = Self.hash(of: content)
    }

    /// The sealed statement: every member but `hash`.
    public var content: JSONValue {
        .object([
            "type": .string(Self.payloadType), "seq": .number(JSONNumber(Int(seq))),
            "breakSeq": .number(JSONNumber(Int(breakSeq))), "failure": .string(failure),
            "operator": .string(operatorName), "time": .string(time), "node": .string(node),
            "prevHash": .string(prevHash),
        ])
    }

    /// The export line: the content with `"type":"seal"` and the `hash`.
    public var json: JSONValue {
        guard case .object(var object) = content else { return content }
        object["type"] = .string("seal")
        object["hash"] = .string(hash)
        return .object(object)
    }

    /// Reads an export line written by ``json``.
    /// - Throws: ``AuditError/Code/corrupt`` if a member is missing, has the wrong type or is unknown.
    public init(json: JSONValue) throws(AuditError) {
        guard let object = json.objectValue, object["type"]?.stringValue == "seal" else {
            throw AuditError(code: .corrupt, detail: "not a seal line")
        }
        let known: Set<String> = ["type", "seq", "breakSeq", "failure", "operator", "time", "node", "prevHash", "hash"]
        guard let seq = object["seq"]?.numberValue?.int, let breakSeq = object["breakSeq"]?.numberValue?.int,
            let failure = object["failure"]?.stringValue, let name = object["operator"]?.stringValue,
            let time = object["time"]?.stringValue, let node = object["node"]?.stringValue,
            let prevHash = object["prevHash"]?.stringValue, let hash = object["hash"]?.stringValue,
            Set(object.keys).isSubset(of: known)
        else { throw AuditError(code: .corrupt, detail: "a seal line has missing, mistyped or unknown members") }
        self.init(
            seq: Int64(seq), breakSeq: Int64(breakSeq), failure: failure, operatorName: name, time: time, node: node,
            prevHash: prevHash)
        // Keep the line's hash: the verifier checks it against the content and the signing checkpoint.
        self.hash = hash
    }

    /// Whether the stored ``hash`` is the hash of the content (the row was not edited).
    public var isIntact: Bool { Self.hash(of: content) == hash }

    static func hash(of content: JSONValue) -> String {
        // Strings and integers only: canonicalisation cannot fail.
        Hex.encode(Digest.sha256((try? JCS.canonicalize(content)) ?? []))
    }
}
