import LienthongCore

/// Establishes which citizen is calling the transparency API, from the `Authorization: Citizen <credential>` header.
///
/// Production nodes plug in the national e-ID (VNeID) here; it is not implemented yet. Development nodes use
/// ``DevelopmentCitizenTokens``.
protocol CitizenIdentityProvider: Sendable {
    /// The personal ID the credential proves, or a 401 `unauthenticated` problem (which names no person).
    func personalID(credential: String) throws(Problem) -> String
}
