public import Foundation

/// What a verified OCSP response says about one certificate, and until when it may be relied on.
public struct OCSPStatus: Sendable, Hashable {
    /// The certificate's status.
    public enum Kind: Sendable, Hashable {
        /// Not revoked.
        case good
        /// Revoked at the given time.
        case revoked(at: Date)
        /// The responder does not know the certificate (RFC 6960: treat as not good).
        case unknown
    }

    /// The status.
    public var kind: Kind
    /// When the responder vouched for the status.
    public var thisUpdate: Date
    /// When newer information will be available; `nil` when the responder always has newer information.
    public var nextUpdate: Date?

    /// Creates a status.
    public init(kind: Kind, thisUpdate: Date, nextUpdate: Date?) {
        self.kind = kind
        self.thisUpdate = thisUpdate
        self.nextUpdate = nextUpdate
    }
}
