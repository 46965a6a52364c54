import LienthongCore
import LienthongTrust

/// Recognises the node's operators by bearer token (`operatorTokenFiles` in `node.json`); consumer credentials do
/// not count, so a ministry system cannot read the node's reports.
struct OperatorAuthenticator: Sendable {
    private let tokenHashes: Set<String>

    /// - Parameter tokenHashes: hex SHA-256 of each operator token.
    init(tokenHashes: [String]) {
        self.tokenHashes = Set(tokenHashes.map { $0.lowercased() })
    }

    /// Succeeds for a known operator token, else throws a 401 problem.
    func authenticate(authorization: String?) throws(Problem) {
        guard let authorization else { throw GatewayProblems.unauthenticated("Present an operator bearer token.") }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw GatewayProblems.unauthenticated("Authorization must be a Bearer token.")
        }
        guard tokenHashes.contains(Hex.encode(Digest.sha256(Array(parts[1].utf8)))) else {
            throw GatewayProblems.unauthenticated("The bearer token is not an operator token of this node.")
        }
    }
}
