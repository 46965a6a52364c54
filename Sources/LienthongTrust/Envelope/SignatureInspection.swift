public import Foundation

/// One signature of an envelope, taken apart check by check by ``EnvelopeInspector``.
public struct SignatureInspection: Sendable {
    /// One check and how it came out.
    public struct Check: Sendable {
        /// The checks, in the order they run.
        public enum Name: String, Sendable, Hashable, CaseIterable {
            /// The protected header has the Lienthong shape, the `kid` and `x5c` agree.
            case header
            /// The `x5c` chain leads to a trust anchor (validity periods and CRLs aside).
            case chain
            /// Every certificate of the chain is within its validity period at the verification time.
            case validity
            /// No certificate of the chain is revoked by a configured CRL.
            case revocation
            /// The leaf allows `digitalSignature`.
            case keyUsage = "key-usage"
            /// The leaf names the member the message claims (origin) or names a member (countersignature).
            case member
            /// The signature verifies over `protected || "." || JCS(message)` under the leaf's key.
            case signature
        }

        /// How a check came out.
        public enum Outcome: Sendable {
            /// The check passed.
            case passed
            /// The check failed with this error.
            case failed(TrustError)
            /// The check was not run, for this reason.
            case skipped(String)
        }

        /// Which check.
        public let name: Name
        /// Its outcome.
        public let outcome: Outcome
    }

    /// The signature's position in `signatures`.
    public let index: Int
    /// `alg`, if the header could be read.
    public let algorithm: JWSAlgorithm?
    /// `kid`, if the header could be read.
    public let keyID: String?
    /// `iat`, if the header could be read.
    public let issuedAt: Date?
    /// The leaf certificate's subject `CN`, if the header could be read.
    public let signer: String?
    /// The member the leaf names (its single subject `CN`), if any.
    public let member: String?
    /// The checks, in ``Check/Name`` order.
    public let checks: [Check]

    /// Origin or countersignature, by ``index``.
    public var role: SignatureRole { SignatureRole(index: index) }

    /// Whether every check passed.
    public var isValid: Bool {
        checks.allSatisfy {
            if case .passed = $0.outcome { return true }
            return false
        }
    }
}
