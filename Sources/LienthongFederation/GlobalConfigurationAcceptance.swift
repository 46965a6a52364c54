public import Foundation
import LienthongJSON

/// Whether a verified configuration replaces the one a node holds: a pure decision, no I/O.
///
/// A node moves forward only: a lower version is refused (an attacker or a stale mirror replaying an old document
/// cannot take back a node's removal or a new CRL); the same version must be the same document; a document from
/// another federation is refused; one fetched already expired is refused. The one found on disk at start is taken
/// even when expired, so that readiness can say so.
public enum GlobalConfigurationAcceptance {
    /// Where the candidate came from.
    public enum Source: Sendable, Hashable {
        /// Fetched from the authority now.
        case authority
        /// The last good document, read from the data directory at start.
        case disk
    }

    /// The decision.
    public enum Outcome: Sendable, Hashable {
        /// A new version: what changed since the one held (everything, when none was).
        case accepted(GlobalConfigurationDiff)
        /// The version held, unchanged.
        case unchanged
    }

    /// Decides on `candidate` over `current` at `time`.
    /// - Throws: ``FederationError/Code/expired``, ``FederationError/Code/otherFederation``,
    ///   ``FederationError/Code/olderVersion`` or ``FederationError/Code/versionConflict``.
    public static func decide(
        _ candidate: GlobalConfiguration, over current: GlobalConfiguration?, from source: Source, at time: Date
    ) throws(FederationError) -> Outcome {
        if source == .authority, candidate.isExpired(at: time) {
            throw FederationError(.expired, "version \(candidate.version) expired at \(candidate.expiresAt)")
        }
        guard let current else { return .accepted(GlobalConfigurationDiff(from: nil, to: candidate)) }
        guard candidate.federationID.hasSameCodePoints(as: current.federationID) else {
            throw FederationError(
                .otherFederation, "federation \(candidate.federationID), this node is in \(current.federationID)")
        }
        if candidate.version < current.version {
            throw FederationError(.olderVersion, "version \(candidate.version), this node holds \(current.version)")
        }
        if candidate.version == current.version {
            guard candidate == current else {
                throw FederationError(.versionConflict, "version \(candidate.version) differs from the one held")
            }
            return .unchanged
        }
        return .accepted(GlobalConfigurationDiff(from: current, to: candidate))
    }
}
