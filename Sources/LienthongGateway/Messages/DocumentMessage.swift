import Foundation
import LienthongCore
import LienthongJSON
import LienthongSchema
import LienthongTrust

/// The envelope part of `POST /v1/messages`: a signed envelope whose message is valid against
/// `document-message.v1`, not yet verified (``MessageExchange`` does that once the caller is known).
struct DocumentMessage: Sendable {
    /// The largest envelope part accepted: a document message with its certificate chain fits in a few KiB.
    static let maxEnvelopeBytes = 64 * 1024

    /// One attachment as the message declares it.
    struct Attachment: Sendable, Hashable {
        let name: String
        let mediaType: String
        let sha256: String
        let length: Int
    }

    /// The envelope as parsed.
    let envelope: JSONValue
    /// The envelope's bytes as received (stored and served as they came).
    let bytes: [UInt8]
    let id: String
    let sender: String
    let recipient: String
    let subject: String
    let purpose: String
    let attachments: [Attachment]
    /// Base64url SHA-256 of `JCS(message)`: what receipts name.
    let messageHash: String

    /// Reads an envelope part.
    /// - Returns: the message, or the problem: 413/400 `trust.*` for an envelope that does not parse, 400
    ///   `message.unsigned`, 400 `message.invalid` (the message breaks `document-message.v1`).
    static func read(_ bytes: [UInt8], schema: JSONSchema) -> Result<DocumentMessage, Problem> {
        let envelope: JSONValue
        do {
            envelope = try EnvelopeParser.parse(bytes, maxEnvelopeBytes: maxEnvelopeBytes)
        } catch {
            return .failure(error.problem)
        }
        guard envelope["signatures"]?.arrayValue?.isEmpty == false else { return .failure(MessageProblems.unsigned) }
        let message = envelope["message"] ?? [:]
        let validation = schema.validate(message)
        guard validation.isValid else {
            return .failure(MessageProblems.invalid(at: validation.errors.first?.instanceLocation ?? ""))
        }
        // The schema guarantees the shape; a missing member below is only reached if it changes.
        func text(_ value: JSONValue?) -> String { value?.stringValue ?? "" }
        let attachments = (message["attachments"]?.arrayValue ?? []).map {
            Attachment(
                name: text($0["name"]), mediaType: text($0["mediaType"]), sha256: text($0["sha256"]),
                length: $0["length"]?.numberValue?.int ?? 0)
        }
        guard Set(attachments.map(\.name)).count == attachments.count else {
            return .failure(MessageProblems.invalid(at: "/attachments"))
        }
        let messageHash: String
        do {
            messageHash = try RequestHash.signedRequest(message)
        } catch {
            return .failure(error.problem)
        }
        return .success(
            DocumentMessage(
                envelope: envelope, bytes: bytes, id: text(message["id"]), sender: text(message["sender"]),
                recipient: text(message["recipient"]), subject: text(message["subject"]),
                purpose: text(message["purpose"]), attachments: attachments, messageHash: messageHash))
    }
}
