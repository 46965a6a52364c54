import LienthongCore
import LienthongTrust

/// Bearer tokens as configuration stores them: never the token itself, only its hex SHA-256.
enum BearerToken {
    /// The hex SHA-256 of a token.
    static func hash(_ token: String) -> String { Hex.encode(Digest.sha256(Array(token.utf8))) }

    /// The hash of the token in an `Authorization: Bearer …` header, or a 401 problem for another scheme.
    static func hash(authorization: String) throws(Problem) -> String {
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw GatewayProblems.unauthenticated("Authorization must be a Bearer token.")
        }
        return hash(String(parts[1]))
    }
}
