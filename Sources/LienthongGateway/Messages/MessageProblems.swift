import LienthongAccess
import LienthongCore

/// The problems of documents between agencies (`POST /v1/messages`, the inbox); each bad input has its own code.
enum MessageProblems {
    static let unsupportedMediaType = Problem(
        status: 415, code: "message.unsupported-media-type", title: "Unsupported media type",
        detail: "Send a document as multipart/related or multipart/form-data with a boundary, the envelope first."
    )

    /// The multipart framing is broken: `reason` names the rule, never body bytes.
    static func malformedMultipart(_ reason: String) -> Problem {
        Problem(
            status: 400, code: "message.malformed-multipart", title: "Malformed multipart body",
            detail: "The body is not a well-formed multipart body (\(reason))."
        )
    }

    static let unsigned = Problem(
        status: 400, code: "message.unsigned", title: "Unsigned document",
        detail: "The document envelope carries no signature; the sender signs it with its certificate."
    )

    /// The message breaks `document-message.v1` at `pointer` (a location, never a value).
    static func invalid(at pointer: String) -> Problem {
        Problem(
            status: 400, code: "message.invalid", title: "Invalid document message",
            detail: "The message does not match schema document-message.v1.",
            extensions: ["pointer": .string(pointer)]
        )
    }

    static let senderMismatch = Problem(
        status: 403, code: "message.sender-mismatch", title: "Document of another sender",
        detail: "The signed message names another sender than the authenticated caller."
    )

    static let unknownRecipient = Problem(
        status: 422, code: "message.unknown-recipient", title: "Unknown recipient",
        detail: "The recipient has no inbox on this node."
    )

    /// No `messages` grant covers sender, recipient and purpose (`reason` says which part failed).
    static func notGranted(_ reason: MessagePolicy.Refusal) -> Problem {
        Problem(
            status: 403, code: "message.not-granted", title: "Sending not granted",
            detail: "No messages grant lets this sender send to this recipient for this purpose.",
            extensions: ["reason": .string(reason.rawValue)]
        )
    }

    /// Attachment `name`'s bytes do not hash to its declared SHA-256.
    static func attachmentHashMismatch(_ name: String) -> Problem {
        Problem(
            status: 400, code: "message.attachment-hash-mismatch", title: "Attachment hash mismatch",
            detail: "The bytes of an attachment do not match its declared SHA-256.",
            extensions: ["attachment": .string(name)]
        )
    }

    /// Attachment `name`'s length differs from its declared length.
    static func attachmentLengthMismatch(_ name: String) -> Problem {
        Problem(
            status: 400, code: "message.attachment-length-mismatch", title: "Attachment length mismatch",
            detail: "The bytes of an attachment are not as many as its declared length.",
            extensions: ["attachment": .string(name)]
        )
    }

    /// An attachment is (declared or sent) larger than the node accepts.
    static func attachmentTooLarge(_ name: String, limit: Int) -> Problem {
        Problem(
            status: 413, code: "message.attachment-too-large", title: "Attachment too large",
            detail: "An attachment exceeds the node's limit of \(limit) bytes.",
            extensions: ["attachment": .string(name)]
        )
    }

    /// The parts do not match the message's attachments (missing, unexpected, out of order or repeated).
    static func attachmentMismatch(_ detail: String) -> Problem {
        Problem(
            status: 400, code: "message.attachment-parts-mismatch", title: "Attachment parts do not match",
            detail: "The parts after the envelope must be the message's attachments, in order: \(detail)."
        )
    }

    static let idConflict = Problem(
        status: 409, code: "message.id-conflict", title: "Message id already used",
        detail: "A different message with this id was stored already; a new document needs a new id."
    )

    static let notFound = Problem(
        status: 404, code: "message.not-found", title: "Message not found",
        detail: "No message with this id is visible to the caller."
    )

    static let invalidWait = Problem(
        status: 400, code: "message.invalid-wait", title: "Invalid wait",
        detail: "wait is a whole number of seconds from 0 to \(MessageExchange.maxWaitSeconds)."
    )

    static let storeUnavailable = Problem(
        status: 503, code: "message.store-unavailable", title: "Message store unavailable",
        detail: "The document could not be stored or read now; try again later."
    )

    /// A read receipt from another node for a message this node has not seen delivered yet (its sender tries again).
    static let notDelivered = Problem(
        status: 409, code: "message.not-delivered", title: "Message not delivered yet",
        detail: "This node holds no delivery receipt for the message yet; send the read receipt again later."
    )

    /// A receipt from another node that is not a read receipt of a message this node sent.
    static func invalidReceipt(_ detail: String) -> Problem {
        Problem(status: 400, code: "message.invalid-receipt", title: "Invalid receipt", detail: detail)
    }
}
