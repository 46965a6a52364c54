import Foundation
import LienthongConnectors
import LienthongCore
import LienthongFederation
import Synchronization

/// The node's last good global configuration and how its refreshes went: what readiness reports and the one
/// place that admits (or refuses) a cross-node exchange.
///
/// Shared by the refresh task, which writes it, and by requests and readiness, which read it.
final class FederationState: Sendable {
    /// What the node holds now.
    struct Snapshot: Sendable {
        /// The last good configuration, if any.
        var configuration: GlobalConfiguration?
        /// The SHA-256 of its document's bytes: a fetch of the same bytes needs no verification.
        var digest: [UInt8]?
        /// Why the last fetched document was refused, or the fetch failed; `nil` once one is taken or unchanged.
        var lastRefusal: FederationError?
    }

    /// How long the node goes on after the configuration's expiry.
    let grace: TimeInterval
    private let state = Mutex(Snapshot())

    /// A state with nothing held yet.
    init(grace: TimeInterval) { self.grace = grace }

    /// What the node holds now.
    var snapshot: Snapshot { state.withLock { $0 } }

    /// Holds `configuration` (whose document's SHA-256 is `digest`) as the last good one.
    func hold(_ configuration: GlobalConfiguration, digest: [UInt8]? = nil) {
        state.withLock {
            $0.configuration = configuration
            $0.digest = digest
            $0.lastRefusal = nil
        }
    }

    /// Records a refused document or failed fetch; the configuration held stays.
    func refused(_ error: FederationError) { state.withLock { $0.lastRefusal = error } }

    /// A fetch that found the version held: the last refusal no longer describes the authority's document.
    func unchanged() { state.withLock { $0.lastRefusal = nil } }

    /// Why no cross-node exchange may start at `time`: no configuration yet, or the last good one expired
    /// longer than the grace ago; `nil` when one may.
    func refusal(at time: Date) -> FederationError? {
        guard let configuration = snapshot.configuration else {
            return FederationError(.configurationMissing, "no global configuration has been fetched yet")
        }
        guard configuration.isExpired(at: time, grace: grace) else { return nil }
        return FederationError(
            .configurationExpired,
            "version \(configuration.version) expired at \(Timestamp.rfc3339(configuration.expiresAt)), "
                + "grace \(Int(grace)) s")
    }

    /// The gate every future cross-node exchange passes first: `nil` to go on, or the 503 problem to answer.
    func admitCrossNodeExchange(at time: Date = Date()) -> Problem? {
        guard let refusal = refusal(at: time) else { return nil }
        return Problem(
            status: 503, code: refusal.code.wireCode, title: "Federation configuration unusable",
            detail: refusal.detail)
    }

    /// The `global-configuration` component of readiness: down with the reason when exchanges are refused, up
    /// with the version held otherwise; either way the last refusal, if any, is named.
    func readinessComponent(at time: Date = Date()) -> NodeReadiness.Component {
        let held = snapshot
        var details: [String] = []
        let status: ConnectorHealth.Status
        if let refusal = refusal(at: time) {
            status = .down
            details.append(refusal.description)
        } else {
            status = .up
            if let configuration = held.configuration {
                details.append(
                    "version \(configuration.version), expires \(Timestamp.rfc3339(configuration.expiresAt))")
            }
        }
        if let last = held.lastRefusal { details.append("last fetch refused: \(last.description)") }
        return NodeReadiness.Component(
            name: "global-configuration", kind: "federation", status: status,
            detail: details.joined(separator: "; "))
    }
}
