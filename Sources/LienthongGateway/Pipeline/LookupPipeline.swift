import Foundation
import LienthongCore
import LienthongTrust

/// The one sequence of stages every lookup passes: authenticate, verify a signed request, target, admit (purpose,
/// key, policy, rate limits, replay), fetch and validate, project, sign, audit. Each stage is a value; a
/// ``LookupKind`` supplies only what differs. The ``AuditedExchange`` owns the audit event from the request's
/// arrival to its durable record, so that every answer, refusals first among them, is audited before it leaves.
///
/// ```swift
/// switch await pipeline.run(RecordLookup(), request, consumer: authenticated) {
/// case .envelope(let body): …   // audited, signed
/// case .problem(let problem): … // audited too
/// }
/// ```
struct LookupPipeline: Sendable {
    /// The registries this node serves, by name.
    let registries: [String: RegistryRuntime]
    /// Verifies and admits signed requests (`POST`).
    let signedRequests: SignedRequestVerifier
    /// Purpose, key, policy, rate limits, replay.
    let admission: LookupAdmission
    /// The one place every kind's data comes from (a provider served by another node would branch here).
    let fetch: RegistryFetch
    /// The provider's key over the answer's exchange message.
    let signing: ResponseSigning
    let audit: AuditRecorder
    /// Forwards record lookups, and profile parts, of registries other nodes serve; `nil` on a node in no federation.
    var peers: PeerForwarding? = nil
    var now: @Sendable () -> Date { admission.now }

    /// Runs a lookup answered by one signed envelope; the audit records are durable when this returns.
    /// - Parameter consumer: the authentication stage's result: an unknown consumer is refused before anything else.
    func run<Kind: EnvelopeLookupKind>(
        _ kind: Kind, _ request: LookupRequest, consumer: Result<Consumer, Problem>
    ) async -> LookupOutcome {
        let (exchange, admitted) = await admit(kind, request, consumer: consumer)
        do throws(Problem) {
            let (signed, projection) = try await answer(kind, try admitted.get())
            if let problem = await exchange.release(projection.parts, messageSHA256: signed.messageSHA256) {
                return .problem(problem)
            }
            return .envelope(signed.body)
        } catch {
            return .problem(await exchange.refuse(error))
        }
    }

    /// The stages after admission: fetch and validate, project, sign. Not audited: the caller's exchange is.
    func answer<Kind: EnvelopeLookupKind>(
        _ kind: Kind, _ lookup: AdmittedLookup
    ) async throws(Problem) -> (SignedEnvelope, LookupProjection) {
        let fetched = try await kind.fetch(lookup, from: fetch)
        let projection = try kind.project(fetched, for: lookup)
        let signed = try signing.sign(
            lookup, type: projection.type, schema: projection.schema, payload: projection.payload)
        return (signed, projection)
    }

    /// The stages before the back end is asked, common to every kind, in order: authentication's result, the
    /// signed request, the target, purpose and key, the policy, rate limits and replay, the signer.
    /// - Returns: the exchange so far and the admitted lookup, or the refusal (not yet audited).
    func admit<Kind: LookupKind>(
        _ kind: Kind, _ request: LookupRequest, consumer authenticated: Result<Consumer, Problem>
    ) async -> (AuditedExchange, Result<AdmittedLookup, Problem>) {
        var exchange = AuditedExchange(request, at: now(), audit: audit)
        do throws(Problem) {
            let consumer = try await identify(request, consumer: authenticated, in: &exchange)
            let lookup = try await admit(kind, request, for: consumer, in: &exchange)
            return (exchange, .success(lookup))
        } catch {
            return (exchange, .failure(error))
        }
    }

    /// The admission stages for a consumer already identified: the target, purpose and key, the policy, rate limits
    /// and replay, the signer.
    func admit<Kind: LookupKind>(
        _ kind: Kind, _ request: LookupRequest, for consumer: Consumer, in exchange: inout AuditedExchange
    ) async throws(Problem) -> AdmittedLookup {
        let target = try kind.target(of: request, in: registries)
        exchange.concerns(target.runtime.descriptor, service: target.service)
        RequestTrace.current?.asked(target.runtime.descriptor.name)
        let purpose = try admission.purpose(of: request)
        let key = try admission.key(of: request, for: target)
        exchange.subject(key)
        let decisions = try await admission.admit(
            request, consumer: consumer, target: target, purpose: purpose, key: key)
        let signer = try signing.signer(for: target.runtime.descriptor.provider)
        return AdmittedLookup(
            request: request, consumer: consumer, target: target, key: key, purpose: purpose,
            decisions: decisions, signer: signer)
    }

    /// The first stages of every lookup, local or forwarded to another node: authentication's result, then the
    /// caller's signed request (its signatures and replay window).
    func identify(
        _ request: LookupRequest, consumer authenticated: Result<Consumer, Problem>, in exchange: inout AuditedExchange
    ) async throws(Problem) -> Consumer {
        let consumer = try authenticated.get()
        exchange.identified(consumer)
        if let signed = request.signed, let problem = await signedRequests.admit(signed, consumer: consumer) {
            throw problem
        }
        return consumer
    }
}
