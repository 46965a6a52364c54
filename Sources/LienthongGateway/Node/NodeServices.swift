import Foundation
import LienthongAudit
import LienthongHTTP
import LienthongNodeStore
import LienthongTrust

/// The parts of a node that live as long as its process and every configuration snapshot shares: the audit log,
/// the replay window, the rate-limit state, the metrics, the HTTP client, the global configuration held and what the
/// start-up prepared.
///
/// A reload builds a new ``GatewaySnapshot`` around these; changing one of them takes a restart.
struct NodeServices: Sendable {
    /// The hash-chained audit log and its recorder (whose on/off setting is fixed at start).
    let audit: AuditRecorder
    /// Request ids seen within the replay window.
    let replay: any ReplayAdmitter
    /// Counters and histograms of `/metrics`, kept across reloads.
    let metrics: Metrics
    /// The client REST connectors share.
    let httpClient: HTTPClient
    /// Values for `{name}` placeholders in connector files (the demo agency API's port).
    let connectorVariables: [String: String]
    /// The development PKI's files, when the node created one.
    let developmentPKI: DevelopmentPKI.Files?
    /// What each consumer and service has spent of its rate limit; the limits come with each snapshot.
    let rateLimits: RateLimitStore<ContinuousClock>
    /// OCSP answers about client certificates, kept across reloads until their `nextUpdate`.
    let ocspCache = OCSPResponseCache()
    /// The durable queue of documents between agencies, in the node's storage (`messages.sqlite`, or PostgreSQL).
    let messages: any MessageQueue
    /// Where the documents' attachment bytes live, in the node's storage (`messages/`, or PostgreSQL).
    let attachments: any AttachmentStore
    /// The change events published and the subscriptions that read them (`events.sqlite`, or shared in PostgreSQL).
    let events: any EventLog
    /// The global configuration held and how its refreshes went; `nil` on a node in no federation.
    let federation: FederationState?
    /// The client, breakers and trust of exchanges with other nodes; `nil` on a node in no federation.
    let peers: FederationPeers?
}
