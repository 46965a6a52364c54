import Foundation
import LienthongCore
import LienthongFederation
import LienthongHTTP
import LienthongJSON
import LienthongNodeStore
import LienthongTrust

extension MessageExchange {
    /// `POST /v1/federation/messages`: a document another node sends to a recipient with an inbox here. The calling
    /// node must present a certificate the global configuration lists for a node serving the sender's member; the
    /// envelope verifies against the federation's anchors, its origin the sender; this node's `messages` grants
    /// decide; attachments are checked against their declared hashes and lengths while stored. The message is
    /// stored once per id and put in the inbox; the answer is the signed delivery receipt (the same one again for a
    /// repeated id, so a retry after a lost answer gets what the first attempt got).
    ///
    /// This request delivers the message itself: it is stored due for this node's delivery worker only a delivery
    /// lease later, so the worker takes it (and signs and audits its own receipt) only if this request died or failed.
    func receive(_ request: HTTPRequest, peers: PeerMessaging) async -> HTTPResponse {
        let started = now()
        let (configuration, trust): (GlobalConfiguration, CertificateVerifier)
        switch peers.admission(at: started) {
        case .failure(let problem): return .problem(problem, requestID: nil)
        case .success(let admitted): (configuration, trust) = admitted
        }
        var admitted: DocumentMessage?
        let outcome = await upload.read(request) { message in
            admitted = message
            return await admitFromPeer(
                message, request: request, configuration: configuration, trust: trust, peers: peers)
        }
        let message: DocumentMessage
        let uploads: [AttachmentUpload]
        switch outcome {
        case .failure(let problem):
            await record(
                .deliver, id: admitted?.id ?? RandomUUID.lowercased(), consumer: admitted?.recipient ?? "-",
                status: problem.status, problem: problem, started: started)
            return .problem(problem, requestID: admitted?.id)
        case .success(let accepted): (message, uploads) = accepted
        }
        let queued = queued(
            message, acceptedAt: started, dueAt: started.addingTimeInterval(settings.deliveryLease.secondsValue))
        let stored: MessageRecord
        do {
            if let first = try await queue.record(id: message.id) {
                for upload in uploads { await upload.discard() }
                stored = first
            } else {
                try await AttachmentUpload.commit(uploads, into: store)
                switch try await queue.acceptHandedOver(queued) {
                case .duplicate(let first):
                    for upload in uploads { await upload.discard() }
                    stored = first
                case .stored:
                    for upload in uploads { upload.keep() }
                    stored = MessageRecord(message: queued, state: .queued, nextAttemptAt: queued.dueAt)
                }
            }
        } catch {
            for upload in uploads { await upload.discard() }
            return .problem(MessageProblems.storeUnavailable, requestID: message.id)
        }
        guard stored.message.messageHash.hasSameCodePoints(as: message.messageHash),
            stored.message.sender.hasSameCodePoints(as: message.sender)
        else { return .problem(MessageProblems.idConflict, requestID: message.id) }
        return await handOver(stored, started: started)
    }

    /// Puts a message received from another node into its recipient's inbox with a signed, audited delivery
    /// receipt, and answers that receipt; one already delivered answers the receipt it has. The message is not due for
    /// the delivery worker meanwhile (``receive(_:peers:)``), so one receipt is signed and audited for it.
    private func handOver(_ stored: MessageRecord, started: Date) async -> HTTPResponse {
        let id = stored.message.id
        if let receipt = stored.deliveryReceipt { return .jsonBytes(receipt, requestID: id) }
        guard stored.state == .queued, let receipts,
            let receipt = try? receipts.sign(.delivery, for: stored.message, receivedAt: started)
        else { return .problem(MessageProblems.storeUnavailable, requestID: id) }
        if let problem = await record(
            .deliver, stored.message, actor: stored.message.recipient, status: 200, started: started,
            receipt: receipt, crossNode: true)
        {
            return .problem(problem, requestID: id)
        }
        do {
            if try await queue.deliver(id: id, receipt: receipt.body, at: started) {
                return .jsonBytes(receipt.body, requestID: id)
            }
            // Delivered meanwhile (this node's worker, or a concurrent retry): the receipt stored is the one.
            if let receipt = try await queue.record(id: id)?.deliveryReceipt {
                return .jsonBytes(receipt, requestID: id)
            }
        } catch {}
        return .problem(MessageProblems.storeUnavailable, requestID: id)
    }

    /// Checks a document from another node before any attachment byte is stored.
    private func admitFromPeer(
        _ message: DocumentMessage, request: HTTPRequest, configuration: GlobalConfiguration,
        trust: CertificateVerifier, peers: PeerMessaging
    ) async -> Problem? {
        guard let sender = ExchangeID(message.sender) else { return MessageProblems.invalid(at: "/sender") }
        if let problem = await PeerEndpoint.admitNode(
            request.clientCertificateChain, member: sender.member.description, configuration: configuration,
            trust: trust, revocation: peers.revocation, at: now())
        {
            return problem
        }
        do throws(TrustError) {
            _ = try EnvelopeVerifier.verify(message.envelope, trust: trust, at: now())
        } catch {
            return error.problem
        }
        guard recipients.contains(message.recipient), peers.node(serving: message.recipient) == nil,
            let recipient = ExchangeID(message.recipient)
        else { return MessageProblems.unknownRecipient }
        if let refusal = policy.refusal(sender: sender, recipient: recipient, purpose: message.purpose) {
            return MessageProblems.notGranted(refusal)
        }
        return nil
    }

    /// `POST /v1/federation/receipts`: the read receipt of a message this node sent, from the node of its recipient
    /// (which must serve the recipient's member and the receipt's issuer). Stored and audited once; the same
    /// receipt again is answered the same way.
    func takeReadReceipt(_ request: HTTPRequest, peers: PeerMessaging) async -> HTTPResponse {
        let started = now()
        let (configuration, trust): (GlobalConfiguration, CertificateVerifier)
        switch peers.admission(at: started) {
        case .failure(let problem): return .problem(problem, requestID: nil)
        case .success(let admitted): (configuration, trust) = admitted
        }
        let verified: VerifiedEnvelope
        do throws(TrustError) {
            verified = try EnvelopeVerifier.verify(
                bytes: request.body, trust: trust, at: started, maxEnvelopeBytes: PeerMessaging.maxResponseBytes)
        } catch {
            return .problem(error.problem, requestID: nil)
        }
        let receipt = verified.message
        guard receipt["type"]?.stringValue?.hasSameCodePoints(as: "receipt") == true,
            receipt["kind"]?.stringValue?.hasSameCodePoints(as: "read") == true,
            let id = receipt["messageId"]?.stringValue
        else { return .problem(MessageProblems.invalidReceipt("not a read receipt"), requestID: nil) }
        let found: MessageRecord?
        do {
            found = try await queue.record(id: id)
        } catch {
            return .problem(MessageProblems.storeUnavailable, requestID: id)
        }
        guard let record = found, let recipient = ExchangeID(record.message.recipient),
            let issuer = ExchangeID(verified.member)
        else { return .problem(MessageProblems.notFound, requestID: id) }
        for member in [recipient.member.description, issuer.member.description] {
            if let problem = await PeerEndpoint.admitNode(
                request.clientCertificateChain, member: member, configuration: configuration, trust: trust,
                revocation: peers.revocation, at: started)
            {
                return .problem(problem, requestID: id)
            }
        }
        guard receipt["receiver"]?.stringValue?.hasSameCodePoints(as: record.message.recipient) == true,
            receipt["messageHash"]?.stringValue?.hasSameCodePoints(as: record.message.messageHash) == true,
            let payload = try? JCS.canonicalize(receipt)
        else { return .problem(MessageProblems.invalidReceipt("it names another message"), requestID: id) }
        let answer = HTTPResponse.json(["id": .string(id), "state": "acknowledged"])
        switch record.state {
        case .acknowledged: return answer
        case .queued, .deadLetter: return .problem(MessageProblems.notDelivered, requestID: id)
        case .delivered: break
        }
        let readAt = receipt["readAt"]?.stringValue.flatMap(Timestamp.parse) ?? started
        if let problem = await self.record(
            .ack, record.message, actor: record.message.recipient, status: 200, started: started,
            receiptSHA256: Base64URL.encode(Digest.sha256(payload)), crossNode: true)
        {
            return .problem(problem, requestID: id)
        }
        do {
            _ = try await queue.acknowledge(
                id: id, recipient: record.message.recipient, receipt: request.body, at: readAt)
        } catch {
            return .problem(MessageProblems.storeUnavailable, requestID: id)
        }
        return answer
    }
}
