public import Foundation
public import LienthongJSON
public import LienthongTrust
import LienthongCore

/// A signed statement by a node that its audit chain had head `hash` at `seq` at `time`.
///
/// The signature is a Lienthong JWS (detached, unencoded payload) over the JCS bytes of ``payload``:
/// `{"type":"audit-checkpoint","seq":…,"hash":…,"time":…,"node":…}`. Anyone holding the trust anchors can check
/// it offline; a checkpoint pins every record up to `seq`, so records removed after it are detected.
public struct AuditCheckpoint: Sendable, Hashable {
    /// The `type` member of the signed payload.
    public static let payloadType = "audit-checkpoint"

    /// The sequence number of the last record covered.
    public var seq: Int64
    /// The hash of record `seq`.
    public var hash: String
    /// When the checkpoint was made (RFC 3339 UTC, milliseconds).
    public var time: String
    /// The member id of the signing node; its certificate must name it.
    public var node: String
    /// The JWS signature over `JCS(payload)`.
    public var signature: JWSSignature

    /// A checkpoint from its parts (as stored or exported).
    public init(seq: Int64, hash: String, time: String, node: String, signature: JWSSignature) {
        self.seq = seq
        self.hash = hash
        self.time = time
        self.node = node
        self.signature = signature
    }

    /// The signed statement.
    public var payload: JSONValue {
        Self.payload(seq: seq, hash: hash, time: time, node: node)
    }

    static func payload(seq: Int64, hash: String, time: String, node: String) -> JSONValue {
        .object([
            "type": .string(payloadType), "seq": .number(JSONNumber(Int(seq))), "hash": .string(hash),
            "time": .string(time), "node": .string(node),
        ])
    }

    /// Signs the head `seq`/`hash` at `time` with the node key.
    /// - Throws: the ``TrustError`` of ``JWSSigner`` (key and certificate do not match, algorithm does not fit).
    public static func sign(
        seq: Int64, hash: String, at time: Date, node: String, key: SigningKey, chain: [Certificate],
        algorithm: JWSAlgorithm
    ) throws(TrustError) -> AuditCheckpoint {
        let stamp = Timestamp.rfc3339(time, milliseconds: true)
        let bytes = canonical(payload(seq: seq, hash: hash, time: stamp, node: node))
        let signature = try JWSSigner.sign(payload: bytes, key: key, chain: chain, algorithm: algorithm, issuedAt: time)
        return AuditCheckpoint(seq: seq, hash: hash, time: stamp, node: node, signature: signature)
    }

    /// Checks the signature: the `x5c` chain leads to an anchor of `trust` at the checkpoint's own time, the leaf
    /// names ``node``, and the signature verifies over `JCS(payload)`.
    /// - Throws: ``TrustError`` saying what failed; ``TrustError/Code/malformedJWS`` if ``time`` is not RFC 3339.
    public func verify(trust: CertificateVerifier) throws(TrustError) -> VerifiedSignature {
        guard let date = Timestamp.parse(time) else {
            throw TrustError(.malformedJWS, "checkpoint \(seq) has no valid time")
        }
        // Certificates are judged at the checkpoint's time: a node certificate that expired since still vouches
        // for what it signed while it was valid.
        return try JWSVerifier.verify(
            signature, payload: Self.canonical(payload), trust: trust, expectedMember: node, at: date)
    }

    /// The export line: `{"type":"checkpoint","seq","hash","time","node","protected","signature"}`.
    public var json: JSONValue {
        .object([
            "type": .string("checkpoint"), "seq": .number(JSONNumber(Int(seq))), "hash": .string(hash),
            "time": .string(time), "node": .string(node), "protected": .string(signature.protected),
            "signature": .string(signature.signature),
        ])
    }

    /// Reads an export line written by ``json``.
    /// - Throws: ``AuditError/Code/corrupt`` if a member is missing, has the wrong type or is unknown.
    public init(json: JSONValue) throws(AuditError) {
        guard let object = json.objectValue, object["type"]?.stringValue == "checkpoint" else {
            throw AuditError(code: .corrupt, detail: "not a checkpoint line")
        }
        let known: Set<String> = ["type", "seq", "hash", "time", "node", "protected", "signature"]
        guard let seq = object["seq"]?.numberValue?.int, let hash = object["hash"]?.stringValue,
            let time = object["time"]?.stringValue, let node = object["node"]?.stringValue,
            let protected = object["protected"]?.stringValue, let signature = object["signature"]?.stringValue,
            Set(object.keys).isSubset(of: known)
        else { throw AuditError(code: .corrupt, detail: "a checkpoint line has missing, mistyped or unknown members") }
        self.init(
            seq: Int64(seq), hash: hash, time: time, node: node,
            signature: JWSSignature(protected: protected, signature: signature))
    }

    private static func canonical(_ value: JSONValue) -> [UInt8] {
        // Strings and integers only: canonicalisation cannot fail.
        (try? JCS.canonicalize(value)) ?? []
    }
}
