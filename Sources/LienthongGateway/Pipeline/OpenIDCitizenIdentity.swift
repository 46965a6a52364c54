import Foundation
import LienthongCore
import LienthongHTTP
import LienthongTrust

/// Citizens proven by an OpenID Connect ID token (`Authorization: Bearer <ID token>`) from the configured issuer,
/// e.g. VNeID: signature under the issuer's JWKS, `iss`, `aud`, `exp`, `nbf`, allowed algorithms, then the claim
/// that holds the personal id.
struct OpenIDCitizenIdentity: CitizenIdentityProvider {
    let scheme = "Bearer"
    let verifier: IDTokenVerifier
    let keys: CitizenKeySet
    let now: @Sendable () -> Date

    /// The provider `settings` describe; relative paths resolve through `dataPath`.
    /// - Throws: a ``ConfigurationError`` for settings out of shape.
    init(
        _ settings: CitizenIdentityConfiguration, dataPath: (String) -> URL, now: @escaping @Sendable () -> Date
    ) throws(ConfigurationError) {
        verifier = IDTokenVerifier(configuration: try settings.verifierConfiguration())
        let source: CitizenKeySet.Source
        if let url = settings.jwksURL {
            let client = HTTPClient(
                tls: TLSClientConfiguration(caFilePath: settings.jwksCAFile.map { dataPath($0).path }))
            source = .url(url, client)
        } else {
            source = .file(dataPath(settings.jwksFile ?? ""))
        }
        keys = CitizenKeySet(source: source, minimumRefresh: settings.jwksMinimumRefreshSeconds ?? 60, now: now)
        self.now = now
    }

    func personalID(credential: String) async throws(Problem) -> String {
        do throws(IDTokenError) {
            let token = try verifier.parse(credential)
            let keySet = try await keys.keys(for: token.keyID)
            return try verifier.verify(token, keys: keySet, at: now()).personalID
        } catch {
            throw error.problem
        }
    }
}
