import Foundation
import LienthongAudit
import LienthongConnectors
import LienthongCore
import LienthongJSON
import LienthongTrust

/// The sharing pipeline for a registry's document (`GET /v1/documents/{registry}/{key}`), in two steps.
///
/// ``open(_:consumer:)`` admits the request for the registry's document service (purpose, key rules, grant,
/// replay) and opens the agency's document; every refusal or failure before the first byte is audited and
/// answered as a problem. ``deliver(_:write:)`` then passes the body on as it arrives, hashing it (SHA-256,
/// incremental) and never holding it whole, and at its end signs the envelope
/// `{"type": "document", …, "document": {"sha256", "length", "contentType"}}` and makes the audit record
/// (with the document's SHA-256) durable before handing the envelope back.
struct DocumentLookup: Sendable {
    let registries: [String: RegistryRuntime]
    let admission: LookupAdmission
    let signers: [ExchangeID: JWSSigningIdentity]
    let audit: AuditRecorder

    /// A document whose transfer has begun, and what the exchange needs to finish.
    struct OpenDocument: Sendable {
        let stream: DocumentStream
        let request: LookupRequest
        let consumer: Consumer
        let admitted: LookupAdmission.Admitted
        let descriptor: RegistryDescriptor
        let service: ExchangeID
        let signer: JWSSigningIdentity
        /// The audit event so far (consumer, service, subject, purpose).
        let event: AuditEvent
        let started: ContinuousClock.Instant
    }

    /// The outcome of ``open(_:consumer:)``.
    enum Opening: Sendable {
        /// The document streams; deliver it.
        case open(OpenDocument)
        /// Nothing was sent; the refusal or failure is audited.
        case problem(Problem)
    }

    /// How a delivered document ended.
    enum Ending: Sendable {
        /// The document arrived whole: its signed envelope, whose audit record is durable.
        case signed([UInt8])
        /// The agency failed mid-document, or the exchange could not be audited: no envelope may be sent.
        case failed(Problem)
        /// The consumer went away; the exchange is audited as failed.
        case clientGone
    }

    /// Admits the request and opens the document; the problem is audited when the answer is one.
    func open(_ request: LookupRequest, consumer: Result<Consumer, Problem>) async -> Opening {
        let started = ContinuousClock.now
        var event = AuditEvent(time: admission.now(), requestID: request.requestID, outcome: .failed, status: 500)
        event.purpose = request.purpose
        let result: Result<OpenDocument, Problem>
        switch consumer {
        case .failure(let problem):
            result = .failure(problem)
        case .success(let consumer):
            event.consumer = consumer.id.description
            result = await openDocument(request, consumer: consumer, event: &event, started: started)
        }
        switch result {
        case .success(let document):
            return .open(document)
        case .failure(let problem):
            event.latencyMicroseconds = started.duration(to: .now).wholeMicroseconds
            event.conclude(with: problem)
            return .problem(await audit.record([event], requestID: request.requestID) ?? problem)
        }
    }

    private func openDocument(
        _ request: LookupRequest, consumer: Consumer, event: inout AuditEvent, started: ContinuousClock.Instant
    ) async -> Result<OpenDocument, Problem> {
        guard let runtime = registries[request.registry] else {
            return .failure(GatewayProblems.unknownRegistry(request.registry))
        }
        let descriptor = runtime.descriptor
        guard let service = descriptor.documentService else {
            return .failure(GatewayProblems.documentsNotOffered(descriptor.name))
        }
        let admitted: LookupAdmission.Admitted
        switch await admission.admit(
            request, consumer: consumer, descriptor: descriptor, service: service, requestedFields: nil, event: &event)
        {
        case .failure(let problem): return .failure(problem)
        case .success(let granted): admitted = granted
        }
        guard let signer = signers[descriptor.provider] else { return .failure(GatewayProblems.internalError) }
        let stream: DocumentStream
        do {
            let answer = try await RequestTrace.upstream(descriptor.name, key: admitted.key) {
                () async throws(ConnectorError) -> DocumentStream? in
                try await runtime.registry.document(key: admitted.key)
            }
            guard let found = answer else {
                return .failure(GatewayProblems.documentNotFound(descriptor.name))
            }
            stream = found
        } catch {
            return .failure(error.problem)
        }
        return .success(
            OpenDocument(
                stream: stream, request: request, consumer: consumer, admitted: admitted, descriptor: descriptor,
                service: service, signer: signer, event: event, started: started))
    }

    /// Passes the document's bytes to `write` as they arrive, then signs and audits it.
    /// - Parameter write: sends bytes to the consumer; `false` when the consumer is gone.
    func deliver(_ document: OpenDocument, write: ([UInt8]) async -> Bool) async -> Ending {
        let hasher = SHA256Hasher()
        var length = 0
        while true {
            let chunk: [UInt8]?
            do {
                chunk = try await document.stream.next()
            } catch {
                RequestTrace.current?.failedUpstream(
                    error, registry: document.descriptor.name, key: document.admitted.key)
                return .failed(await conclude(document, problem: error.problem))
            }
            guard let chunk else { break }
            hasher.update(chunk)
            length += chunk.count
            guard await write(chunk) else { return await abandon(document) }
        }
        let sha256 = Base64URL.encode(hasher.finalize())
        let issuedAt = admission.now()
        let message = ResponseMessage.make(
            type: "document", schema: "document.v1", request: document.request, consumer: document.consumer.id,
            provider: document.descriptor.provider, service: document.service, purpose: document.admitted.purpose,
            issuedAt: issuedAt,
            payload: (
                "document",
                [
                    "sha256": .string(sha256), "length": .number(JSONNumber(length)),
                    "contentType": .string(document.stream.contentType),
                ]
            ))
        let signed: SignedEnvelope
        do {
            signed = try EnvelopeSigner.sign(message, identity: document.signer, issuedAt: issuedAt)
        } catch {
            return .failed(await conclude(document, problem: GatewayProblems.internalError))
        }
        var event = document.event
        event.outcome = .allowed
        event.status = 200
        event.messageSHA256 = signed.messageSHA256
        event.documentSHA256 = sha256
        event.latencyMicroseconds = document.started.duration(to: .now).wholeMicroseconds
        if let problem = await audit.record([event], requestID: document.request.requestID) { return .failed(problem) }
        return .signed(signed.body)
    }

    /// Stops the transfer of a document the consumer no longer reads, and audits the exchange as failed.
    func abandon(_ document: OpenDocument) async -> Ending {
        document.stream.cancel()
        _ = await conclude(document, problem: GatewayProblems.clientClosed)
        return .clientGone
    }

    /// Audits the exchange as failed with `problem`; returns the problem to send (the audit's own when it failed).
    private func conclude(_ document: OpenDocument, problem: Problem) async -> Problem {
        var event = document.event
        event.conclude(with: problem)
        event.latencyMicroseconds = document.started.duration(to: .now).wholeMicroseconds
        return await audit.record([event], requestID: document.request.requestID) ?? problem
    }
}
