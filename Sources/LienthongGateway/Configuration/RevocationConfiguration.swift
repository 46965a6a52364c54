/// `node.json` `revocation`: how the node checks that a consumer's client certificate is not revoked.
///
/// CRL files are read at start and on reload, and again every ``refreshSeconds``; OCSP asks the responder named
/// in the certificate's authority information access extension (or ``OCSP/responder``) and keeps each answer
/// until its `nextUpdate`.
public struct RevocationConfiguration: Sendable, Hashable, Codable {
    /// What to do when no current revocation information can be had.
    public enum Failure: String, Sendable, Hashable, Codable {
        /// Refuse the request (503 `trust.revocation-unavailable`).
        case failClosed = "fail-closed"
        /// Let the request through and write a warning line.
        case failOpen = "fail-open"
    }

    /// OCSP settings.
    public struct OCSP: Sendable, Hashable, Codable {
        /// The responder URL (`http` or `https`) to ask instead of the one in each certificate; `nil` uses the
        /// certificate's.
        public var responder: String?
        /// When the responder cannot be reached or gives no usable answer; `fail-closed` when absent.
        public var unavailable: Failure?
        /// The longest wait for one answer, in seconds; 5 when absent.
        public var timeoutSeconds: Double?
        /// The longest an answer without `nextUpdate` is kept, in seconds; 300 when absent.
        public var cacheSeconds: Double?
    }

    /// CRL files (PEM, relative to the data directory).
    public var crls: [String]?
    /// How often the CRL files are read again, in seconds; 300 when absent.
    public var refreshSeconds: Double?
    /// When a CRL is past its `nextUpdate`; `fail-closed` when absent.
    public var expiredCRL: Failure?
    /// OCSP checks; none when absent.
    public var ocsp: OCSP?

    /// The CRL refresh interval.
    var refreshInterval: Double { refreshSeconds ?? 300 }
}
