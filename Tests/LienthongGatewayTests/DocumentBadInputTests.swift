import Foundation
import LienthongHTTP
import LienthongJSON
import LienthongTesting
import Testing

@testable import LienthongTrust

/// `POST /v1/messages` refuses each kind of bad input with its own problem code, and keeps nothing of it: no message
/// row, no attachment file, no upload left in `messages/incoming/`.
@Suite(.serialized)
struct DocumentBadInputTests {
    enum Case: String, CaseIterable, Sendable {
        case unsigned, tampered, unknownRecipient, noGrant, hashMismatch, lengthMismatch, oversizedDeclared
        case oversizedStreamed, malformedMultipart, wrongPartName
    }

    /// The status and code each case answers.
    static let expected: [Case: (Int, String)] = [
        .unsigned: (400, "message.unsigned"), .tampered: (401, "trust.bad-signature"),
        .unknownRecipient: (422, "message.unknown-recipient"), .noGrant: (403, "message.not-granted"),
        .hashMismatch: (400, "message.attachment-hash-mismatch"),
        .lengthMismatch: (400, "message.attachment-length-mismatch"),
        .oversizedDeclared: (413, "message.attachment-too-large"),
        .oversizedStreamed: (413, "message.attachment-too-large"),
        .malformedMultipart: (400, "message.malformed-multipart"),
        .wrongPartName: (400, "message.attachment-parts-mismatch"),
    ]

    @Test(arguments: Case.allCases)
    func badInputIsRefusedWithItsOwnCodeAndNothingIsStored(_ badCase: Case) async throws {
        let sender = try DocumentSender(DocumentExchangeTests.gateway.get())
        // Bytes of this case only, so that their content-named file can be looked for afterwards.
        var bytes = Array("case \(badCase.rawValue) \(UUID())\n".utf8) + (0..<1000).map { UInt8($0 % 7) }
        if badCase == .oversizedDeclared { bytes += [UInt8](repeating: 1, count: 5000) }
        let attachment = DocumentSender.Attachment(name: "scan.pdf", bytes: bytes)
        var recipient = DocumentSender.thue
        if badCase == .unknownRecipient { recipient = "VN/GOV/NOBODY/INBOX" }
        if badCase == .noGrant { recipient = "VN/ORG/VCCI/HOIVIEN" }
        let message = DocumentSender.message(recipient: recipient, attachments: [attachment])
        let id = try #require(message["id"]?.stringValue)
        var parts = [attachment]
        var envelope: JSONValue?
        switch badCase {
        case .unsigned: envelope = ["message": message, "signatures": []]
        case .tampered:
            var signed = try sender.signer.sign(message).objectValue ?? [:]
            var changed = message.objectValue ?? [:]
            changed["subject"] = "A subject the sender never signed"
            signed["message"] = .object(changed)
            envelope = .object(signed)
        case .hashMismatch: parts[0].bytes[3] ^= 0xFF
        case .lengthMismatch: parts[0].bytes.removeLast()
        case .oversizedStreamed: parts[0].bytes += [UInt8](repeating: 2, count: 5000)
        case .wrongPartName: parts[0].name = "other.pdf"
        default: break
        }
        let response: HTTPClientResponse
        if badCase == .malformedMultipart {
            let boundary = "cut-short"
            var body = DocumentSender.body(
                envelope: try sender.signer.sign(message).serializedBytes(), parts: parts, boundary: boundary)
            body.removeLast("\r\n--\(boundary)--\r\n".utf8.count)
            response = try await sender.gateway.post(
                "/v1/messages", body: body,
                headers: [
                    "Authorization": "Bearer \(try sender.gateway.token("motcua.token"))",
                    "Content-Type": "multipart/related; boundary=\(boundary)",
                ], client: sender.gateway.client())
        } else {
            response = try await sender.send(message, parts: parts, envelope: envelope)
        }
        let (status, code) = try #require(Self.expected[badCase])
        #expect(response.status == status, "\(String(decoding: response.body, as: UTF8.self))")
        #expect(response.problemCode == code)
        #expect(response.headers["Content-Type"] == "application/problem+json")

        // Nothing of it was kept.
        let stored = try await sender.get("/v1/messages/\(id)", token: "motcua.token")
        #expect(stored.problemCode == "message.not-found")
        let messages = sender.gateway.dataDirectory.appendingPathComponent("messages")
        let incoming = try FileManager.default.contentsOfDirectory(
            atPath: messages.appendingPathComponent("incoming").path)
        #expect(incoming.isEmpty, "\(incoming)")
        let named = Hex.encode(Digest.sha256(parts[0].bytes))
        #expect(!FileManager.default.fileExists(atPath: messages.appendingPathComponent("attachments/\(named)").path))
    }
}
