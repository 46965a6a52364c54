public import Foundation
import LienthongJSON

/// Checks OpenID Connect ID tokens from one issuer (OpenID Connect Core 1.0 §3.1.3.7): the signature under the
/// issuer's key named by `kid`, then `iss`, `aud`, `exp`, `nbf` and the claim holding the personal id.
///
/// ```swift
/// let verifier = IDTokenVerifier(configuration: .init(issuer: "https://sso.vneid.gov.vn", audience: "lienthong"))
/// let token = try verifier.parse(bearer)                     // alg and kid checked
/// let citizen = try verifier.verify(token, keys: jwks, at: .now)
/// ```
public struct IDTokenVerifier: Sendable {
    /// What a token must say.
    public struct Configuration: Sendable, Hashable {
        /// The `iss` every token must carry, exactly.
        public var issuer: String
        /// This node's client id: `aud` (a string or an array) must contain it.
        public var audience: String
        /// The accepted `alg` values (default ES256 and RS256).
        public var algorithms: [JWSAlgorithm]
        /// How far clocks may disagree when `exp` and `nbf` are checked (default one minute).
        public var leeway: TimeInterval
        /// The claim that holds the citizen's personal id (default `vn_personal_id`).
        public var personalIDClaim: String

        /// A configuration; see the members for the defaults.
        public init(
            issuer: String, audience: String, algorithms: [JWSAlgorithm] = [.es256, .rs256], leeway: TimeInterval = 60,
            personalIDClaim: String = "vn_personal_id"
        ) {
            self.issuer = issuer
            self.audience = audience
            self.algorithms = algorithms
            self.leeway = leeway
            self.personalIDClaim = personalIDClaim
        }
    }

    /// The longest personal id accepted from a token.
    public static let maxPersonalIDLength = 32

    /// The configuration.
    public let configuration: Configuration

    /// A verifier for `configuration`.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Takes a token apart and checks its header: the first step, before its `kid` is looked up.
    /// - Throws: what ``IDToken/init(compact:allowing:)`` throws.
    public func parse(_ compact: String) throws(IDTokenError) -> IDToken {
        try IDToken(compact: compact, allowing: configuration.algorithms)
    }

    /// Checks `token`'s signature under its key in `keys`, then its claims at `now`.
    /// - Throws: ``IDTokenError/Code/unknownKey``, ``IDTokenError/Code/unsupportedAlgorithm`` (the key does not fit
    ///   the `alg`), ``IDTokenError/Code/badSignature``, ``IDTokenError/Code/wrongIssuer``,
    ///   ``IDTokenError/Code/wrongAudience``, ``IDTokenError/Code/expired``, ``IDTokenError/Code/notYetValid``,
    ///   ``IDTokenError/Code/missingClaim``.
    public func verify(_ token: IDToken, keys: JSONWebKeySet, at now: Date) throws(IDTokenError) -> VerifiedIDToken {
        guard let key = keys.key(for: token.keyID) else {
            throw IDTokenError(.unknownKey, "kid \(token.keyID.prefix(64)) is not in the issuer's key set")
        }
        guard key.algorithm.map({ $0 == token.algorithm }) ?? true, key.publicKey.type.supports(token.algorithm) else {
            throw IDTokenError(
                .unsupportedAlgorithm, "\(token.algorithm.rawValue) does not fit key \(token.keyID.prefix(64))")
        }
        guard key.publicKey.verify(signature: token.signature, data: token.signingInput, algorithm: token.algorithm)
        else { throw IDTokenError(.badSignature, "signature of kid \(token.keyID.prefix(64)) does not verify") }

        let claims = token.claims
        guard claims["iss"] == .string(configuration.issuer) else {
            throw IDTokenError(.wrongIssuer, "iss is not the issuer")
        }
        let audiences = claims["aud"]?.arrayValue ?? claims["aud"].map { [$0] } ?? []
        guard audiences.contains(.string(configuration.audience)) else {
            throw IDTokenError(.wrongAudience, "aud does not name this node")
        }
        guard let exp = claims["exp"]?.numberValue?.double else { throw IDTokenError(.malformed, "exp missing") }
        let expiresAt = Date(timeIntervalSince1970: exp)
        guard now < expiresAt.addingTimeInterval(configuration.leeway) else {
            throw IDTokenError(.expired, "token expired")
        }
        if let nbf = claims["nbf"] {
            guard let seconds = nbf.numberValue?.double else { throw IDTokenError(.malformed, "nbf is not a number") }
            guard now >= Date(timeIntervalSince1970: seconds).addingTimeInterval(-configuration.leeway) else {
                throw IDTokenError(.notYetValid, "token is not valid yet")
            }
        }
        guard let personalID = claims[configuration.personalIDClaim]?.stringValue, !personalID.isEmpty,
            personalID.utf8.count <= Self.maxPersonalIDLength
        else { throw IDTokenError(.missingClaim, "claim \(configuration.personalIDClaim) missing") }
        return VerifiedIDToken(personalID: personalID, subject: claims["sub"]?.stringValue, expiresAt: expiresAt)
    }
}
