import Foundation
import LienthongCore
import LienthongJSON
import LienthongTrust

/// The benchmark's document: a `document-message.v1` from VN/GOV/HCM/MOTCUA to VN/GOV/BTC/THUE with one 1 KiB
/// attachment, signed with the client key the node's development PKI issued, as a `multipart/form-data` body.
struct DocumentFixture: Sendable {
    static let sender = "VN/GOV/HCM/MOTCUA"
    static let recipient = "VN/GOV/BTC/THUE"
    static let boundary = "lienthong-bench-boundary"
    static let attachment: [UInt8] = (0..<1024).map { UInt8(0x41 + $0 % 26) }

    /// One signed document: its id and the request body.
    struct Document: Sendable {
        var id: String
        var body: [UInt8]
    }

    let identity: JWSSigningIdentity

    /// The MOTCUA client key and chain in `<dataDirectory>/pki`.
    init(dataDirectory: String) throws {
        let pki = URL(fileURLWithPath: dataDirectory).appendingPathComponent("pki")
        let name = Self.sender.replacingOccurrences(of: "/", with: "_")
        identity = try JWSSigningIdentity(
            key: SigningKey.load(from: pki.appendingPathComponent("client-\(name).key.pem")),
            chain: Certificate.loadChain(from: pki.appendingPathComponent("client-\(name).crt.pem")))
    }

    /// A new document with a new id, signed now.
    func document() throws -> Document {
        let id = UUID().uuidString.lowercased()
        let message: JSONValue = [
            "type": "document", "id": .string(id), "issuedAt": .string(Timestamp.rfc3339(Date())),
            "sender": .string(Self.sender), "recipient": .string(Self.recipient), "subject": "Công văn (benchmark)",
            "purpose": "tax-administration", "references": [],
            "attachments": [
                [
                    "name": "doc.txt", "mediaType": "text/plain",
                    "sha256": .string(Base64URL.encode(Digest.sha256(Self.attachment))),
                    "length": .number(JSONNumber(Self.attachment.count)),
                ]
            ],
        ]
        let envelope = try EnvelopeSigner.sign(message: message, identity: identity, issuedAt: Date())
        var body = Array("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"envelope\"\r\n".utf8)
        body += Array("Content-Type: application/json\r\n\r\n".utf8) + envelope.serializedBytes()
        body += Array("\r\n--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"doc.txt\"".utf8)
        body += Array("\r\nContent-Type: text/plain\r\n\r\n".utf8) + Self.attachment
        return Document(id: id, body: body + Array("\r\n--\(Self.boundary)--\r\n".utf8))
    }
}
