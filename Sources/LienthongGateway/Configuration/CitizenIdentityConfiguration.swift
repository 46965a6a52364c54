import Foundation
import LienthongTrust

/// `node.json` `citizenIdentity`: the OpenID Connect issuer whose ID tokens prove a citizen to the transparency API
/// (VNeID federates over OpenID Connect).
///
/// ```json
/// "citizenIdentity": {
///   "issuer": "https://sso.vneid.gov.vn", "audience": "lienthong-bca",
///   "jwksURL": "https://sso.vneid.gov.vn/.well-known/jwks.json", "personalIDClaim": "vn_personal_id"
/// }
/// ```
public struct CitizenIdentityConfiguration: Sendable, Hashable, Codable {
    /// The `iss` of every accepted token, exactly.
    public var issuer: String
    /// This node's client id at the issuer: tokens must name it in `aud`.
    public var audience: String
    /// The accepted `alg` values: `ES256`, `RS256`, `PS256` (default `["ES256", "RS256"]`).
    public var algorithms: [String]?
    /// The issuer's JWKS, fetched over HTTPS; exactly one of this and ``jwksFile``.
    public var jwksURL: String?
    /// The issuer's JWKS as a file (relative to the data directory), re-read like a fetch.
    public var jwksFile: String?
    /// CA certificates (PEM, relative to the data directory) to trust for ``jwksURL`` instead of the system's.
    public var jwksCAFile: String?
    /// The claim holding the citizen's personal id (default `vn_personal_id`).
    public var personalIDClaim: String?
    /// Clock leeway for `exp` and `nbf`, in seconds (default 60).
    public var leewaySeconds: Double?
    /// The least time between two JWKS fetches for an unknown `kid`, in seconds (default 60).
    public var jwksMinimumRefreshSeconds: Double?

    /// The verifier settings, with defaults applied.
    /// - Throws: a ``ConfigurationError`` at `/citizenIdentity/...` for an unknown algorithm, a JWKS source that
    ///   is missing, doubled or not `https`, or a negative duration.
    func verifierConfiguration() throws(ConfigurationError) -> IDTokenVerifier.Configuration {
        func problem(_ pointer: String, _ message: String) -> ConfigurationError {
            ConfigurationError(file: "node.json", pointer: "/citizenIdentity/\(pointer)", message: message)
        }
        var algorithms: [JWSAlgorithm] = [.es256, .rs256]
        if let names = self.algorithms {
            algorithms = []
            for (index, name) in names.enumerated() {
                // The key set holds EC P-256 and RSA keys only.
                let accepted: [JWSAlgorithm] = [.es256, .rs256, .ps256]
                guard let algorithm = JWSAlgorithm(rawValue: name), accepted.contains(algorithm) else {
                    throw problem("algorithms/\(index)", "not one of \(accepted.map(\.rawValue))")
                }
                algorithms.append(algorithm)
            }
            guard !algorithms.isEmpty else { throw problem("algorithms", "names no algorithm") }
        }
        switch (jwksURL, jwksFile) {
        case (let url?, nil):
            guard let parsed = URL(string: url), parsed.scheme?.lowercased() == "https", parsed.host != nil else {
                throw problem("jwksURL", "must be an https URL")
            }
        case (nil, _?):
            break
        default:
            throw problem("jwksURL", "give exactly one of jwksURL and jwksFile")
        }
        let leeway = leewaySeconds ?? 60
        guard leeway >= 0, leeway <= 600 else { throw problem("leewaySeconds", "must lie in 0...600") }
        guard (jwksMinimumRefreshSeconds ?? 60) >= 0 else {
            throw problem("jwksMinimumRefreshSeconds", "must not be negative")
        }
        return IDTokenVerifier.Configuration(
            issuer: issuer, audience: audience, algorithms: algorithms, leeway: leeway,
            personalIDClaim: personalIDClaim ?? "vn_personal_id")
    }
}
