public import LienthongCore

extension IDTokenError: ProblemConvertible {
    /// The problem this error becomes at the API: 401 with the error's code for every token the node refuses, 503
    /// `citizen-identity-unavailable` when the issuer's keys cannot be read. The detail says what was wrong in
    /// general terms and never repeats the token, its `kid` or its claims.
    public var problem: Problem {
        if code == .keysUnavailable || code == .malformedKeySet {
            return Problem(
                status: 503, code: "citizen-identity-unavailable", title: "Citizen sign-in unavailable",
                detail: "The identity provider's keys cannot be read; try again later.")
        }
        let detail: String
        switch code {
        case .unsupportedAlgorithm: detail = "The ID token is signed with an algorithm this node does not accept."
        case .unknownKey: detail = "The ID token names a key the identity provider does not publish."
        case .badSignature: detail = "The ID token's signature does not verify."
        case .expired: detail = "The ID token has expired; sign in again."
        case .notYetValid: detail = "The ID token is not valid yet."
        case .wrongIssuer: detail = "The ID token comes from another identity provider."
        case .wrongAudience: detail = "The ID token was issued for another service."
        case .missingClaim: detail = "The ID token does not carry a personal identification number."
        default: detail = "The credential is not an ID token."
        }
        return Problem(status: 401, code: code.wireCode, title: "Citizen token not accepted", detail: detail)
    }
}
