import LienthongCore
import LienthongHTTP
import LienthongTrust

/// An operator recognised on the admin listener.
struct OperatorIdentity: Sendable, Equatable {
    /// The name the audit log records with each change.
    var name: String
    var role: OperatorRole
}

/// Finds the operator behind an admin request: a verified client certificate whose subject an operator lists, or a
/// bearer token whose SHA-256 one lists (as consumers are found). Consumer credentials do not count here.
struct AdminAuthenticator: Sendable {
    private let bySubject: [String: OperatorIdentity]
    private let byTokenHash: [String: OperatorIdentity]

    /// The operators of `configuration` (`admin.operators`, and `operatorTokenFiles` with the `operator` role).
    init(_ configuration: GatewayConfiguration) throws {
        let data = DataDirectory(configuration: configuration)
        var bySubject: [String: OperatorIdentity] = [:]
        var byTokenHash: [String: OperatorIdentity] = [:]
        for account in configuration.node.admin?.operators ?? [] {
            let identity = OperatorIdentity(name: account.name, role: account.role)
            for subject in account.certificateSubjects ?? [] { bySubject[subject] = identity }
            let hashes = try (account.tokenSHA256 ?? []) + (account.tokenFiles ?? []).map(data.tokenHash(file:))
            for hash in hashes { byTokenHash[hash.lowercased()] = identity }
        }
        for (index, hash) in try data.operatorTokenHashes().enumerated() where byTokenHash[hash] == nil {
            byTokenHash[hash] = OperatorIdentity(name: "operator-token-\(index + 1)", role: .operator)
        }
        self.bySubject = bySubject
        self.byTokenHash = byTokenHash
    }

    /// The operator whose token has the hex SHA-256 `tokenHash` (a dashboard sign-in), or `nil`.
    func identity(tokenHash: String) -> OperatorIdentity? { byTokenHash[tokenHash.lowercased()] }

    /// The operator, or a 401 problem.
    func authenticate(_ request: HTTPRequest) throws(Problem) -> OperatorIdentity {
        if request.clientCertificateRejected {
            throw GatewayProblems.unauthenticated("The client certificate does not chain to a trusted CA.")
        }
        if let authorization = request.headers["Authorization"] {
            guard let identity = byTokenHash[try BearerToken.hash(authorization: authorization)] else {
                throw GatewayProblems.unauthenticated("The bearer token is not an operator token of this node.")
            }
            return identity
        }
        if let leaf = request.clientCertificateChain.first {
            guard let certificate = try? Certificate(derBytes: leaf), let subject = certificate.subjectCommonName,
                let identity = bySubject[subject]
            else { throw GatewayProblems.unauthenticated("The client certificate names no operator of this node.") }
            return identity
        }
        throw GatewayProblems.unauthenticated("Present an operator bearer token or client certificate.")
    }
}
