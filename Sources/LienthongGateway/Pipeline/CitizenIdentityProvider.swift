import LienthongCore

/// Establishes which citizen is calling the transparency API, from one `Authorization` scheme.
///
/// Production nodes use ``OpenIDCitizenIdentity`` (`Bearer`: an ID token of the national e-ID, VNeID, or any
/// OpenID Connect issuer); development nodes also accept ``DevelopmentCitizenTokens`` (`Citizen`).
protocol CitizenIdentityProvider: Sendable {
    /// The `Authorization` scheme this provider reads, e.g. `Bearer`.
    var scheme: String { get }
    /// The personal ID the credential proves, or a 401 problem (which names no person and repeats no credential).
    func personalID(credential: String) async throws(Problem) -> String
}
