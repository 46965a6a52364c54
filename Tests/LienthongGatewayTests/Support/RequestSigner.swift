import Foundation
import LienthongCore
import LienthongJSON
import LienthongTrust

/// Signs request envelopes as a consumer (or countersigns them as a forwarding hop) of a running demo gateway, with
/// keys from its development PKI.
struct RequestSigner {
    let key: SigningKey
    let chain: [Certificate]

    /// The client certificate and key the node's development PKI issued to `consumer`.
    static func demoClient(_ gateway: GatewayProcess, _ consumer: String) throws -> RequestSigner {
        let files = gateway.clientCertificate(consumer)
        return RequestSigner(
            key: try SigningKey.load(from: URL(fileURLWithPath: files.key)),
            chain: try Certificate.loadChain(from: URL(fileURLWithPath: files.certificate)))
    }

    /// A new certificate for `member` from the development intermediate CA: another consumer, or a forwarding hop.
    static func issued(_ gateway: GatewayProcess, member: String) throws -> RequestSigner {
        let pki = gateway.dataDirectory.appendingPathComponent("pki")
        let intermediate = try Certificate.loadChain(from: pki.appendingPathComponent("intermediate-ca.crt.pem"))[0]
        let issuer = try CertificateIssuer(
            certificate: intermediate, key: try SigningKey.load(from: pki.appendingPathComponent("intermediate-ca.key.pem")))
        let key = try SigningKey.generate()
        let leaf = try issuer.issue(
            .tlsClient, subject: DistinguishedName(commonName: member), publicKey: key.publicKey,
            notBefore: Date() - 3600, notAfter: Date() + 86_400)
        return RequestSigner(key: key, chain: [leaf, intermediate])
    }

    /// `message` in an envelope signed with this key, `iat` at `issuedAt`.
    func sign(_ message: JSONValue, issuedAt: Date = Date()) throws -> JSONValue {
        try EnvelopeSigner.sign(message: message, key: key, chain: chain, issuedAt: issuedAt)
    }

    /// `envelope` with this key's countersignature added.
    func countersign(_ envelope: JSONValue) throws -> JSONValue {
        try EnvelopeSigner.countersign(envelope, key: key, chain: chain, issuedAt: Date())
    }
}

/// Messages of signed requests (`schemas/request.v1.json`) for the demo configuration.
enum SignedRequestMessage {
    static let motcua = "VN/GOV/HCM/MOTCUA"

    /// A request for the population record (or profile) of `personalID`.
    static func population(
        _ personalID: String, consumer: String = motcua, operation: String = "record",
        purpose: String = "residence-verification", fields: [String]? = nil, id: String = newID(),
        issuedAt: Date = Date()
    ) -> JSONValue {
        var message: JSONObject = [
            "type": "request", "id": .string(id), "issuedAt": .string(Timestamp.rfc3339(issuedAt)),
            "consumer": .string(consumer), "service": "VN/GOV/BCA/DANCU/person", "operation": .string(operation),
            "purpose": .string(purpose), "registry": "population", "key": .string(personalID),
        ]
        if let fields { message["fields"] = .array(fields.map { .string($0) }) }
        return .object(message)
    }

    /// A new lowercase UUID.
    static func newID() -> String { UUID().uuidString.lowercased() }
}

extension JSONValue {
    /// The envelope with signature `index`'s value changed in one bit (same length, so it reaches verification).
    func flippingSignatureBit(at index: Int) throws -> JSONValue {
        guard var object = objectValue, var signatures = object["signatures"]?.arrayValue,
            var signature = signatures[index].objectValue, let value = signature["signature"]?.stringValue
        else { throw GatewayProcessError(message: "not an envelope") }
        var bytes = try Base64URL.decode(value)
        bytes[bytes.count / 2] ^= 0x01
        signature["signature"] = .string(Base64URL.encode(bytes))
        signatures[index] = .object(signature)
        object["signatures"] = .array(signatures)
        return .object(object)
    }
}
