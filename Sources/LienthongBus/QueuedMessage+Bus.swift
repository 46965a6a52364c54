import Foundation
import LienthongJSON
public import LienthongNodeStore

extension QueuedMessage {
    /// The message as a stream holds it: a JSON object with every field the recipient's node stores, the envelope
    /// as its received text (it was parsed as JSON, so it is UTF-8, and goes back byte for byte).
    public var busPayload: [UInt8] {
        let object: JSONValue = [
            "id": .string(id), "sender": .string(sender), "recipient": .string(recipient),
            "purpose": .string(purpose), "subject": .string(subject),
            "envelope": .string(String(decoding: envelope, as: UTF8.self)), "messageHash": .string(messageHash),
            "acceptedAtMs": .number(JSONNumber(Self.milliseconds(acceptedAt))),
            "expiresAtMs": .number(JSONNumber(Self.milliseconds(expiresAt))),
            "dueAtMs": .number(JSONNumber(Self.milliseconds(dueAt))),
            "attachments": .array(
                attachments.map {
                    [
                        "name": .string($0.name), "mediaType": .string($0.mediaType), "sha256": .string($0.sha256),
                        "length": .number(JSONNumber($0.length)),
                    ]
                }),
        ]
        return object.serializedBytes()
    }

    /// The message a stream's payload holds, or `nil` if the payload is not one (``busPayload``); one published before
    /// `dueAtMs` was carried is due when accepted.
    public init?(busPayload payload: [UInt8]) {
        guard let object = try? JSONValue.parse(payload),
            let id = object["id"]?.stringValue, let sender = object["sender"]?.stringValue,
            let recipient = object["recipient"]?.stringValue, let purpose = object["purpose"]?.stringValue,
            let subject = object["subject"]?.stringValue, let envelope = object["envelope"]?.stringValue,
            let messageHash = object["messageHash"]?.stringValue,
            case .number(let accepted)? = object["acceptedAtMs"], let acceptedMs = accepted.int,
            case .number(let expires)? = object["expiresAtMs"], let expiresMs = expires.int,
            let list = object["attachments"]?.arrayValue
        else { return nil }
        var attachments: [Attachment] = []
        for item in list {
            guard let name = item["name"]?.stringValue, let mediaType = item["mediaType"]?.stringValue,
                let sha256 = item["sha256"]?.stringValue, case .number(let length)? = item["length"],
                let bytes = length.int
            else { return nil }
            attachments.append(Attachment(name: name, mediaType: mediaType, sha256: sha256, length: bytes))
        }
        // Published before the due time was carried: due when accepted, as every message then was.
        let dueMs = object["dueAtMs"]?.numberValue?.int ?? acceptedMs
        self.init(
            id: id, sender: sender, recipient: recipient, purpose: purpose, subject: subject,
            envelope: Array(envelope.utf8), messageHash: messageHash, attachments: attachments,
            acceptedAt: Self.date(acceptedMs), expiresAt: Self.date(expiresMs), dueAt: Self.date(dueMs))
    }

    private static func milliseconds(_ date: Date) -> Int { Int((date.timeIntervalSince1970 * 1000).rounded()) }

    private static func date(_ milliseconds: Int) -> Date {
        Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
    }
}
