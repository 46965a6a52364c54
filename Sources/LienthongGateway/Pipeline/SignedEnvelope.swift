import Foundation
import LienthongJSON
import LienthongTrust

/// A message signed into an envelope and serialised for the response, with the hash the audit log keeps.
struct SignedEnvelope {
    /// The envelope as sent: `{ "message": …, "signatures": [ … ] }`.
    var body: [UInt8]
    /// Base64url SHA-256 of `JCS(message)`, the signed payload.
    var messageSHA256: String

    /// Signs `JCS(message)` (a detached, unencoded JWS) with `identity`.
    init(message: JSONValue, identity: JWSSigningIdentity, issuedAt: Date) throws {
        let payload = try JCS.canonicalize(message)
        let signature = try JWSSigner.sign(payload: payload, identity: identity, issuedAt: issuedAt)
        let envelope: JSONValue = ["message": message, "signatures": [signature.json]]
        body = envelope.serializedBytes()
        messageSHA256 = Base64URL.encode(Digest.sha256(payload))
    }
}
