import Foundation
import LienthongCore
import LienthongHTTP
import LienthongJSON
import LienthongTrust

/// Documents between agencies as a demo sender builds them: a `document-message.v1` message signed by
/// VN/GOV/HCM/MOTCUA's client certificate, sent as `multipart/form-data` with its attachments.
struct DocumentSender {
    static let motcua = "VN/GOV/HCM/MOTCUA"
    static let thue = "VN/GOV/BTC/THUE"

    /// An attachment: its name, media type and bytes.
    struct Attachment {
        var name: String
        var mediaType = "application/pdf"
        var bytes: [UInt8]
    }

    let gateway: GatewayProcess
    let signer: RequestSigner

    init(_ gateway: GatewayProcess) throws {
        self.gateway = gateway
        signer = try RequestSigner.demoClient(gateway, Self.motcua)
    }

    /// A document message declaring `attachments` as they are (hash and length of their bytes).
    static func message(
        id: String = UUID().uuidString.lowercased(), recipient: String = thue, purpose: String = "tax-administration",
        attachments: [Attachment]
    ) -> JSONValue {
        [
            "type": "document", "id": .string(id), "issuedAt": .string(Timestamp.rfc3339(Date())),
            "sender": .string(motcua), "recipient": .string(recipient), "subject": "Công văn số 12/UBND-MC",
            "purpose": .string(purpose), "references": ["12/UBND-MC"],
            "attachments": .array(
                attachments.map {
                    [
                        "name": .string($0.name), "mediaType": .string($0.mediaType),
                        "sha256": .string(Base64URL.encode(Digest.sha256($0.bytes))),
                        "length": .number(JSONNumber($0.bytes.count)),
                    ]
                }),
        ]
    }

    /// A multipart/form-data body: the envelope part, then each part in order.
    static func body(envelope: [UInt8], parts: [Attachment], boundary: String) -> [UInt8] {
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"envelope\"\r\n".utf8)
        body += Array("Content-Type: application/json\r\n\r\n".utf8) + envelope
        for part in parts {
            body += Array("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\"".utf8)
            body += Array("\r\nContent-Type: \(part.mediaType)\r\n\r\n".utf8) + part.bytes
        }
        return body + Array("\r\n--\(boundary)--\r\n".utf8)
    }

    /// Signs `message` and POSTs it with `parts` (the declared attachments by default), authenticated by the MOTCUA
    /// token.
    func send(_ message: JSONValue, parts: [Attachment], envelope: JSONValue? = nil) async throws
        -> HTTPClientResponse
    {
        let boundary = "b-\(UUID().uuidString)"
        let signed = try envelope ?? signer.sign(message)
        return try await gateway.post(
            "/v1/messages", body: Self.body(envelope: signed.serializedBytes(), parts: parts, boundary: boundary),
            headers: [
                "Authorization": "Bearer \(try gateway.token("motcua.token"))",
                "Content-Type": "multipart/form-data; boundary=\(boundary)",
            ], client: gateway.client())
    }

    /// A GET as the recipient (THUE's token) or another consumer's token file.
    func get(_ path: String, token: String = "thue.token") async throws -> HTTPClientResponse {
        try await gateway.get(
            path, headers: ["Authorization": "Bearer \(try gateway.token(token))"], client: gateway.client())
    }

    /// A POST without body as the recipient.
    func post(_ path: String, token: String = "thue.token") async throws -> HTTPClientResponse {
        try await gateway.post(
            path, body: [], headers: ["Authorization": "Bearer \(try gateway.token(token))"], client: gateway.client())
    }
}
