import Foundation
import LienthongAccess
import LienthongAudit
import LienthongCore
import LienthongHTTP
import LienthongJSON
import LienthongNodeStore
import LienthongSchema
import LienthongTrust

/// Documents between agencies on one node: `POST /v1/messages` accepts a signed document into the durable queue,
/// the delivery worker (``deliverDue()``) moves it into the recipient's inbox with a signed delivery receipt, the
/// recipient reads it from `GET /v1/inbox…` and acknowledges it for a signed read receipt, and the sender follows
/// it on `GET /v1/messages/{id}`. Every step is audited before its answer leaves.
///
/// One value per configuration snapshot (grants, consumers and keys may change on reload); the queue and the
/// attachment store are the node's, shared by every snapshot (and, on PostgreSQL, by every node of the agency).
struct MessageExchange: Sendable {
    /// The longest `GET /v1/inbox?wait=` in seconds.
    static let maxWaitSeconds = 30
    /// The most messages one inbox answer lists.
    static let inboxPageSize = 100

    let queue: any MessageQueue
    let store: any AttachmentStore
    let upload: MessageUpload
    let trust: CertificateVerifier
    let policy: MessagePolicy
    /// The consumers with an inbox here: every consumer of the configuration that is not revoked.
    let recipients: Set<String>
    let settings: MessagesConfiguration.Resolved
    /// Signs receipts; `nil` when the node holds no key to sign them with (deliveries then wait).
    let receipts: ReceiptSigner?
    let audit: AuditRecorder
    let now: @Sendable () -> Date
    /// Documents and read receipts to and from other nodes; `nil` on a node in no federation.
    var peers: PeerMessaging? = nil

    /// `POST /v1/messages` for the authenticated `consumer`: 202 with the id once the message is durable (and its
    /// acceptance audited); the same id again answers the first message's state without storing anything.
    func send(_ request: HTTPRequest, consumer: Consumer) async -> HTTPResponse {
        let started = now()
        let outcome = await upload.read(request) { message in await admit(message, consumer: consumer) }
        let message: DocumentMessage
        let uploads: [AttachmentUpload]
        switch outcome {
        case .failure(let problem):
            await record(.send, id: RandomUUID.lowercased(), consumer: consumer.id.description, status: problem.status,
                problem: problem, started: started)
            return .problem(problem, requestID: nil)
        case .success(let accepted): (message, uploads) = accepted
        }
        let queued = queued(message, acceptedAt: started)
        let acceptance: MessageAcceptance
        do {
            // A repeated id keeps nothing of the new request; `accept` still settles two that race.
            if let first = try await queue.record(id: message.id) {
                for upload in uploads { await upload.discard() }
                return Self.repeated(message, first: first)
            }
            // The bytes are in place, synced, before the row that names them.
            try await AttachmentUpload.commit(uploads, into: store)
            acceptance = try await queue.accept(queued)
        } catch {
            // Refused after the commit: bytes that no stored message names go too.
            for upload in uploads { await upload.discard() }
            return .problem(MessageProblems.storeUnavailable, requestID: message.id)
        }
        switch acceptance {
        case .duplicate(let first):
            for upload in uploads { await upload.discard() }
            return Self.repeated(message, first: first)
        case .stored:
            for upload in uploads { upload.keep() }
            if let problem = await record(.send, queued, actor: message.sender, status: 202, started: started) {
                return .problem(problem, requestID: message.id)
            }
            return Self.accepted(message.id, state: .queued)
        }
    }

    /// `message` as the queue keeps it, accepted at `time` and living the configured time to live; due for the
    /// delivery worker at `dueAt` (by default at once).
    func queued(_ message: DocumentMessage, acceptedAt time: Date, dueAt: Date? = nil) -> QueuedMessage {
        QueuedMessage(
            id: message.id, sender: message.sender, recipient: message.recipient, purpose: message.purpose,
            subject: message.subject, envelope: message.bytes, messageHash: message.messageHash,
            attachments: message.attachments.map {
                .init(name: $0.name, mediaType: $0.mediaType, sha256: $0.sha256, length: $0.length)
            },
            acceptedAt: time, expiresAt: time.addingTimeInterval(settings.timeToLive.secondsValue), dueAt: dueAt)
    }

    /// Checks a document's envelope for `consumer`: its own message, every signature valid with the origin naming
    /// the sender, a recipient with an inbox here and a `messages` grant for recipient and purpose (or a recipient
    /// whose member another node of the federation serves, whose grants decide).
    func admit(_ message: DocumentMessage, consumer: Consumer) async -> Problem? {
        guard message.sender.hasSameCodePoints(as: consumer.id.description) else { return MessageProblems.senderMismatch }
        do throws(TrustError) {
            _ = try EnvelopeVerifier.verify(message.envelope, trust: trust, at: now())
        } catch {
            return error.problem
        }
        // A recipient on another node: that node's grants decide when the document gets there.
        if let problem = peers?.routingUnknown { return problem }
        if peers?.node(serving: message.recipient) != nil { return nil }
        guard recipients.contains(message.recipient), let recipient = ExchangeID(message.recipient) else {
            return MessageProblems.unknownRecipient
        }
        if let refusal = policy.refusal(sender: consumer.id, recipient: recipient, purpose: message.purpose) {
            return MessageProblems.notGranted(refusal)
        }
        return nil
    }

    /// The answer to an id stored before: the first message's state if it is the same message from the same
    /// sender, else 409 `message.id-conflict`.
    static func repeated(_ message: DocumentMessage, first: MessageRecord) -> HTTPResponse {
        guard first.message.messageHash.hasSameCodePoints(as: message.messageHash),
            first.message.sender.hasSameCodePoints(as: message.sender)
        else {
            return .problem(MessageProblems.idConflict, requestID: message.id)
        }
        return accepted(message.id, state: first.state)
    }

    /// The 202 (or the first message's state, for a repeated id).
    static func accepted(_ id: String, state: MessageState) -> HTTPResponse {
        var response = HTTPResponse.json(["id": .string(id), "state": .string(state.rawValue)], status: 202)
        response.headers["Location"] = "/v1/messages/\(id)"
        return response
    }
}
