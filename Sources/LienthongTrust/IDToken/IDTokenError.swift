/// Why an OpenID Connect ID token (or the issuer's key set) was not accepted.
///
/// A struct around a private enum so a new code breaks no caller's `switch`; equality compares the code only.
/// `detail` names a claim, a `kid` or an algorithm: never the token, its claims' values or key bytes.
public struct IDTokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable error code (the problem+json `code`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case malformed = "id-token.malformed"
            case unsupportedAlgorithm = "id-token.unsupported-algorithm"
            case unknownKey = "id-token.unknown-key"
            case badSignature = "id-token.bad-signature"
            case expired = "id-token.expired"
            case notYetValid = "id-token.not-yet-valid"
            case wrongIssuer = "id-token.wrong-issuer"
            case wrongAudience = "id-token.wrong-audience"
            case missingClaim = "id-token.missing-claim"
            case malformedKeySet = "id-token.malformed-key-set"
            case keysUnavailable = "id-token.keys-unavailable"
        }
        private let kind: Kind

        /// The token is not a compact JWS of a JSON header and JSON claims, or is too large.
        public static let malformed = Code(kind: .malformed)
        /// The `alg` is `none`, or not one of the configured algorithms, or does not fit the key.
        public static let unsupportedAlgorithm = Code(kind: .unsupportedAlgorithm)
        /// The `kid` names no key of the issuer's key set, even after a refresh.
        public static let unknownKey = Code(kind: .unknownKey)
        /// The signature does not verify under the issuer's key.
        public static let badSignature = Code(kind: .badSignature)
        /// `exp` has passed (beyond the leeway).
        public static let expired = Code(kind: .expired)
        /// `nbf` lies in the future (beyond the leeway).
        public static let notYetValid = Code(kind: .notYetValid)
        /// `iss` is not the configured issuer.
        public static let wrongIssuer = Code(kind: .wrongIssuer)
        /// `aud` does not name this node's audience.
        public static let wrongAudience = Code(kind: .wrongAudience)
        /// The claim that holds the personal id is missing or not a string.
        public static let missingClaim = Code(kind: .missingClaim)
        /// The issuer's JWKS is not a JSON Web Key Set this node can use.
        public static let malformedKeySet = Code(kind: .malformedKeySet)
        /// The issuer's JWKS cannot be fetched or read (the node's problem, not the citizen's).
        public static let keysUnavailable = Code(kind: .keysUnavailable)

        /// The code as it appears on the wire, e.g. `id-token.expired`.
        public var wireCode: String { kind.rawValue }
        /// The wire code.
        public var description: String { kind.rawValue }
    }

    /// What failed.
    public var code: Code
    /// Context without secrets: a claim name, a `kid`, an algorithm.
    public var detail: String

    /// Creates an error.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// `code: detail`.
    public var description: String { "\(code.wireCode): \(detail)" }

    /// Errors compare by code only.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
}
