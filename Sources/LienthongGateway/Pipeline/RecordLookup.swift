import Foundation
import LienthongAccess
import LienthongAudit
import LienthongConnectors
import LienthongCore
import LienthongJSON
import LienthongTrust

/// The sharing pipeline for one record: validate the key, decide access, fetch through the connector, map,
/// check the canonical schema, project the granted fields, build and sign the envelope, and record the
/// exchange in the audit log before anything leaves.
struct RecordLookup: Sendable {
    /// The signed envelope, or the problem that stopped the lookup; the audit record is already durable.
    enum Outcome: Sendable {
        case envelope([UInt8])
        case problem(Problem)
    }

    let registries: [String: RegistryRuntime]
    /// Purpose, key rules, policy and replay window.
    let admission: LookupAdmission
    let signers: [ExchangeID: JWSSigningIdentity]
    let audit: AuditRecorder
    /// Verifies and admits signed requests (`POST`).
    let signedRequests: SignedRequestVerifier
    /// Forwards lookups of registries other nodes serve; `nil` on a node in no federation.
    var peers: PeerForwarding? = nil
    var now: @Sendable () -> Date { admission.now }

    /// Runs the pipeline for an authenticated consumer (or records an unauthenticated attempt).
    func run(_ request: LookupRequest, consumer: Result<Consumer, Problem>) async -> Outcome {
        let started = ContinuousClock.now
        var event = AuditEvent(time: now(), requestID: request.requestID, outcome: .failed, status: 500)
        event.purpose = request.purpose
        event.requestSHA256 = request.signed?.requestHash
        let result: Result<SignedRecord, Problem>
        switch consumer {
        case .failure(let problem):
            result = .failure(problem)
        case .success(let consumer):
            event.consumer = consumer.id.description
            result = await lookUp(request, consumer: consumer, event: &event)
        }
        event.latencyMicroseconds = started.duration(to: .now).wholeMicroseconds
        switch result {
        case .success(let signed):
            event.outcome = .allowed
            event.status = 200
            event.messageSHA256 = signed.messageSHA256
            event.fields = signed.fields
        case .failure(let problem):
            event.conclude(with: problem)
        }
        if let problem = await audit.record([event], requestID: request.requestID) { return .problem(problem) }
        switch result {
        case .success(let signed): return .envelope(signed.body)
        case .failure(let problem): return .problem(problem)
        }
    }

    private struct SignedRecord {
        var body: [UInt8]
        var messageSHA256: String
        var fields: [String]
    }

    private func lookUp(
        _ request: LookupRequest, consumer: Consumer, event: inout AuditEvent
    ) async -> Result<SignedRecord, Problem> {
        if let signed = request.signed, let problem = await signedRequests.admit(signed, consumer: consumer) {
            return .failure(problem)
        }
        guard let runtime = registries[request.registry] else {
            // Federation hook: a registry another node serves is fetched through that node.
            if let forwarded = await peers?.forward(request, consumer: consumer, event: &event) {
                return forwarded.map { SignedRecord(body: $0.body, messageSHA256: $0.messageSHA256, fields: $0.fields) }
            }
            return .failure(GatewayProblems.unknownRegistry(request.registry))
        }
        let descriptor = runtime.descriptor
        var requestedFields: [String]?
        if let fields = request.fields {
            let names = fields.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 64 && $0.allSatisfy(\.isLetter) })
            else { return .failure(GatewayProblems.invalidFields) }
            requestedFields = names
        }
        let admitted: LookupAdmission.Admitted
        switch await admission.admit(
            request, consumer: consumer, descriptor: descriptor, service: descriptor.service,
            requestedFields: requestedFields, event: &event)
        {
        case .failure(let problem): return .failure(problem)
        case .success(let granted): admitted = granted
        }
        let (key, purpose, selection) = (admitted.key, admitted.purpose, admitted.selection)

        let record: JSONValue
        do {
            let answer = try await RequestTrace.upstream(descriptor.name, key: key) {
                () async throws(ConnectorError) -> JSONValue? in try await runtime.registry.record(key: key)
            }
            guard let found = answer else {
                return .failure(GatewayProblems.recordNotFound(descriptor.name))
            }
            record = found
        } catch {
            return .failure(error.problem)
        }
        let validation = runtime.schema.validate(record)
        guard validation.isValid else {
            let location = validation.errors.first?.keywordLocation ?? ""
            let problem = GatewayProblems.contractViolation(
                descriptor.name, "the mapped record fails \(descriptor.schema) at \(location)")
            RequestTrace.current?.failedContract(problem, registry: descriptor.name)
            return .failure(problem)
        }
        let projected = FieldProjection.project(record, to: selection)

        guard let signer = signers[descriptor.provider] else { return .failure(GatewayProblems.internalError) }
        let issuedAt = now()
        let message = ResponseMessage.make(
            type: "record", schema: descriptor.schema, request: request, consumer: consumer.id,
            provider: descriptor.provider, service: descriptor.service, purpose: purpose, issuedAt: issuedAt,
            payload: ("record", projected))
        do {
            let signed = try EnvelopeSigner.sign(message, identity: signer, issuedAt: issuedAt)
            let fields = projected.objectValue.map { $0.keys.sorted() } ?? []
            return .success(SignedRecord(body: signed.body, messageSHA256: signed.messageSHA256, fields: fields))
        } catch {
            return .failure(GatewayProblems.internalError)
        }
    }

    /// Binds the response to what was asked: the signed request's hash (``RequestHash/signedRequest(_:)``), else
    /// ``RequestHash/lookup(method:path:query:consumer:purpose:requestId:)``.
    static func requestHash(_ request: LookupRequest, consumer: ExchangeID, purpose: String) -> String {
        if let signed = request.signed { return signed.requestHash }
        return RequestHash.lookup(
            method: "GET", path: request.path, query: request.query ?? "", consumer: consumer.description,
            purpose: purpose, requestId: request.requestID
        )
    }
}
