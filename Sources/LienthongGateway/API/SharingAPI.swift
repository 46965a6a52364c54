import Foundation
import LienthongAccess
import LienthongCore
import LienthongHTTP
import LienthongJSON
import LienthongSchema

/// The sharing API: what each route answers, and the ``Router`` that maps requests to it.
struct SharingAPI: Sendable {
    /// The stages of record, profile and document lookups.
    let lookups: LookupPipeline
    /// Documents between agencies: sending, the inbox, receipts.
    let messages: MessageExchange
    /// Change events: subscriptions and their reads.
    let events: EventExchange
    /// The compiled `request.v1` schema that signed request messages must match.
    let requestSchema: JSONSchema
    let authenticator: ConsumerAuthenticator
    /// Revocation checks of client certificates; `nil` when node.json configures none.
    let revocation: ClientCertificateRevocation?
    let policy: AccessPolicy
    let schemas: SchemaEndpoints
    let transparency: TransparencyEndpoint
    let reports: ReportEndpoint
    /// `GET /openapi.json`: this API described for integrators.
    let openAPI: OpenAPIDocument
    let configuration: GatewayConfiguration
    let metrics: Metrics
    /// The node's readiness now (the public `/readyz` answers its status only).
    let readiness: @Sendable () async -> NodeReadiness
    /// The published global configuration this node serves as the federation's authority; `nil` on other nodes.
    let authorityDocument: URL?
    /// Answers lookups other nodes forward; `nil` on a node in no federation.
    var peerEndpoint: PeerEndpoint? = nil
    /// The other nodes' services for `GET /v1/services`; `nil` on a node in no federation.
    var federatedServices: FederatedServices? = nil

    /// The router of every route, with metrics around every answer and the challenge of each credential on its
    /// routes' 401s; the node builds it once, at start.
    func makeRouter() -> Router {
        var builder = RouterBuilder()
        builder.add(middleware: MetricsMiddleware(metrics: metrics))
        builder.on(.healthz, .get) { _ in .json(["status": "ok"]) }
        // Bare, for load balancers: the components and their reasons are on the admin listener.
        builder.on(.readyz, .get) { _ in
            let readiness = await readiness()
            return .json(readiness.bare, status: readiness.httpStatus)
        }
        // HEAD too: the server sends its headers without the body.
        builder.on(.openAPI, .get, .head) { _ in openAPI.response }
        builder.on(.schemas, .get) { _ in schemas.list() }
        builder.on(.schema, .get) { schemas.schema($0.parameters[0]) }
        builder.on(.validate, .post) { schemas.validate($0.parameters[0], body: $0.request.body) }
        builder.on(.federationConfiguration, .get) { routed in publishedConfiguration(routed.request) }
        builder.on(.federationRecords, .post) { await forwardedRecord($0) }
        builder.on(.federationServices, .post) { await peerServices($0) }
        builder.on(.federationProfilePart, .post) { await forwardedProfilePart($0) }
        builder.on(.federationMessages, .post) { await peerDocument($0) }
        builder.on(.federationReceipts, .post) { await peerReadReceipt($0) }
        builder.on(.transparency, .get) {
            await transparency.accesses(
                personalID: $0.parameters[0], authorization: $0.request.headers["Authorization"])
        }
        builder.group(AuthenticationChallenge.operator) { group in
            group.on(.monthlyReport, .get) { await reports.monthly($0.request) }
        }
        builder.group(AuthenticationChallenge.consumer) { group in
            group.on(.records, .get) { await record(asked($0, .record), $0.request) }
            group.on(.records, .post) { await record(signed($0, .record), $0.request) }
            group.on(.profile, .get) { await profile(asked($0, .profile), $0.request) }
            group.on(.profile, .post) { await profile(signed($0, .profile), $0.request) }
            group.on(.documents, .get) { await document($0) }
            group.on(.services, .get) { await services($0.request) }
            group.on(.messages, .post) { routed in
                await asConsumer(routed) { await messages.send(routed.request, consumer: $0) }
            }
            group.on(.message, .get) { routed in
                await asConsumer(routed) { await messages.status(routed.parameters[0], consumer: $0) }
            }
            group.on(.inbox, .get) { routed in
                await asConsumer(routed) { await messages.inbox(routed.request, consumer: $0) }
            }
            group.on(.inboxMessage, .get) { routed in
                await asConsumer(routed) { await messages.envelope(routed.parameters[0], consumer: $0) }
            }
            group.on(.inboxAttachment, .get) { routed in
                await asConsumer(routed) {
                    await messages.attachment(routed.parameters[0], name: routed.parameters[1], consumer: $0)
                }
            }
            group.on(.inboxAck, .post) { routed in
                await asConsumer(routed) { await messages.acknowledge(routed.parameters[0], consumer: $0) }
            }
            addEventRoutes(to: &group)
        }
        return builder.build()
    }

    /// Answers `routed` with `body` for its authenticated consumer, or with the authentication problem.
    func asConsumer(_ routed: RoutedRequest, _ body: (Consumer) async -> HTTPResponse) async -> HTTPResponse {
        switch await authenticate(routed.request) {
        case .failure(let problem): .problem(problem, requestID: nil)
        case .success(let consumer): await body(consumer)
        }
    }

    /// The consumer behind `request`; a client certificate must also pass the revocation checks.
    func authenticate(_ request: HTTPRequest) async -> Result<Consumer, Problem> {
        let consumer = Result { () throws(Problem) -> Consumer in
            try authenticator.authenticate(
                certificateChain: request.clientCertificateChain,
                certificateRejected: request.clientCertificateRejected,
                authorization: request.headers["Authorization"]
            )
        }
        // Only a certificate that authenticated is worth a CRL or OCSP lookup.
        guard case .success = consumer, let revocation, !request.clientCertificateChain.isEmpty,
            let problem = await revocation.check(chain: request.clientCertificateChain)
        else { return consumer }
        return .failure(problem)
    }
}
