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
        guard tokenHashes.contains(try BearerToken.hash(authorization: authorization)) else {
            throw GatewayProblems.unauthenticated("The bearer token is not an operator token of this node.")
        }
    }
}
