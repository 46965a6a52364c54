import Foundation
import LienthongCore
import LienthongHTTP
import LienthongJSON
import LienthongNodeStore

extension MessageExchange {
    /// `GET /v1/messages/{id}` for its sender: the state and both receipts (each the signed envelope).
    func status(_ id: String, consumer: Consumer) async -> HTTPResponse {
        switch await lookUp(id) {
        case .failure(let problem): return .problem(problem, requestID: nil)
        case .success(let record):
            guard let record, record.message.sender.hasSameCodePoints(as: consumer.id.description) else {
                return .problem(MessageProblems.notFound, requestID: nil)
            }
            var body: JSONObject = [
                "id": .string(id), "state": .string(record.state.rawValue),
                "recipient": .string(record.message.recipient), "attempts": .number(JSONNumber(record.attempts)),
                "acceptedAt": Self.time(record.message.acceptedAt),
                "expiresAt": Self.time(record.message.expiresAt),
            ]
            if let date = record.deliveredAt { body["deliveredAt"] = Self.time(date) }
            if let date = record.acknowledgedAt { body["acknowledgedAt"] = Self.time(date) }
            if let error = record.lastError { body["lastError"] = .string(error) }
            if let receipt = record.deliveryReceipt.flatMap(Self.envelope) { body["deliveryReceipt"] = receipt }
            if let receipt = record.readReceipt.flatMap(Self.envelope) { body["readReceipt"] = receipt }
            return .json(.object(body))
        }
    }

    /// `GET /v1/inbox?wait=N`: the delivered, unacknowledged messages of `consumer`; with none, waits up to `wait`
    /// seconds for one to arrive.
    func inbox(_ request: HTTPRequest, consumer: Consumer) async -> HTTPResponse {
        var wait = 0
        if let text = request.queryValue("wait") {
            guard let seconds = Int(text), (0...Self.maxWaitSeconds).contains(seconds) else {
                return .problem(MessageProblems.invalidWait, requestID: nil)
            }
            wait = seconds
        }
        let deadline = ContinuousClock.now + .seconds(wait)
        while true {
            let listed: [MessageRecord]
            do {
                listed = try await queue.inbox(recipient: consumer.id.description, limit: Self.inboxPageSize)
            } catch {
                return .problem(MessageProblems.storeUnavailable, requestID: nil)
            }
            // A poll of the queue, not a wake-up: a delivery is at most one interval late to a waiting reader.
            if !listed.isEmpty || ContinuousClock.now >= deadline || Task.isCancelled {
                return .json(["messages": .array(listed.map(Self.entry))])
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// `GET /v1/inbox/{id}`: the signed envelope as the sender sent it.
    func envelope(_ id: String, consumer: Consumer) async -> HTTPResponse {
        switch await received(id, by: consumer) {
        case .failure(let problem): return .problem(problem, requestID: nil)
        case .success(let record): return .jsonBytes(record.message.envelope)
        }
    }

    /// `GET /v1/inbox/{id}/attachments/{name}`: the attachment's bytes streamed from the store a piece at a time.
    func attachment(_ id: String, name: String, consumer: Consumer) async -> HTTPResponse {
        let record: MessageRecord
        switch await received(id, by: consumer) {
        case .failure(let problem): return .problem(problem, requestID: nil)
        case .success(let found): record = found
        }
        guard let attachment = record.message.attachments.first(where: { $0.name.utf8.elementsEqual(name.utf8) }),
            let source = try? store.open(sha256: attachment.sha256)
        else { return .problem(MessageProblems.notFound, requestID: nil) }
        let headers: HTTPHeaders = [
            "Content-Type": attachment.mediaType, "Cache-Control": "no-store",
            "Lienthong-Attachment-SHA256": attachment.sha256,
        ]
        return .streaming(headers: headers) { writer in
            defer { source.close() }
            while true {
                let chunk: [UInt8]?
                do {
                    chunk = try source.read()
                } catch {
                    return .abort
                }
                guard let chunk else { return .complete }
                guard await writer.write(chunk) else { return .abort }
            }
        }
    }

    /// `POST /v1/inbox/{id}/ack`: marks the message read and answers the signed read receipt (the same one again
    /// for a message already acknowledged).
    func acknowledge(_ id: String, consumer: Consumer) async -> HTTPResponse {
        let started = now()
        let record: MessageRecord
        switch await received(id, by: consumer) {
        case .failure(let problem): return .problem(problem, requestID: nil)
        case .success(let found): record = found
        }
        if record.state == .acknowledged, let receipt = record.readReceipt.flatMap(Self.envelope) {
            return .json(["id": .string(id), "state": "acknowledged", "readReceipt": receipt])
        }
        guard let receipts, let deliveredAt = record.deliveredAt,
            let receipt = try? receipts.sign(.read, for: record.message, receivedAt: deliveredAt, readAt: started)
        else { return .problem(MessageProblems.storeUnavailable, requestID: nil) }
        // A document from another node: its read receipt goes back there (the delivery worker sends it).
        let fromPeer = peers?.node(serving: record.message.sender) != nil
        if let problem = await self.record(
            .ack, record.message, actor: record.message.recipient, status: 200, started: started, receipt: receipt,
            crossNode: fromPeer)
        {
            return .problem(problem, requestID: nil)
        }
        do {
            guard
                try await queue.acknowledge(
                    id: id, recipient: record.message.recipient, receipt: receipt.body, at: started,
                    returnAt: fromPeer ? started : nil)
            else {
                // Acknowledged meanwhile by another request: answer the receipt that one stored.
                return await acknowledgedAgain(id, consumer: consumer)
            }
        } catch {
            return .problem(MessageProblems.storeUnavailable, requestID: nil)
        }
        return .json(["id": .string(id), "state": "acknowledged", "readReceipt": Self.envelope(receipt.body) ?? nil])
    }

    private func acknowledgedAgain(_ id: String, consumer: Consumer) async -> HTTPResponse {
        guard case .success(let record) = await received(id, by: consumer),
            let receipt = record.readReceipt.flatMap(Self.envelope)
        else { return .problem(MessageProblems.notFound, requestID: nil) }
        return .json(["id": .string(id), "state": "acknowledged", "readReceipt": receipt])
    }

    /// A message in `consumer`'s inbox (delivered or acknowledged); any other is not found, so an inbox reveals
    /// nothing of other recipients' messages.
    private func received(_ id: String, by consumer: Consumer) async -> Result<MessageRecord, Problem> {
        await lookUp(id).flatMap { record in
            guard let record, record.message.recipient.hasSameCodePoints(as: consumer.id.description),
                record.state == .delivered || record.state == .acknowledged
            else { return .failure(MessageProblems.notFound) }
            return .success(record)
        }
    }

    private func lookUp(_ id: String) async -> Result<MessageRecord?, Problem> {
        do {
            return .success(try await queue.record(id: id))
        } catch {
            return .failure(MessageProblems.storeUnavailable)
        }
    }

    private static func entry(_ record: MessageRecord) -> JSONValue {
        var entry: JSONObject = [
            "id": .string(record.message.id), "sender": .string(record.message.sender),
            "subject": .string(record.message.subject), "purpose": .string(record.message.purpose),
            "attachments": .array(
                record.message.attachments.map {
                    [
                        "name": .string($0.name), "mediaType": .string($0.mediaType), "sha256": .string($0.sha256),
                        "length": .number(JSONNumber($0.length)),
                    ]
                }),
        ]
        if let date = record.deliveredAt { entry["deliveredAt"] = time(date) }
        return .object(entry)
    }

    static func time(_ date: Date) -> JSONValue { .string(Timestamp.rfc3339(date, milliseconds: true)) }

    static func envelope(_ bytes: [UInt8]) -> JSONValue? { try? JSONValue.parse(bytes) }
}
