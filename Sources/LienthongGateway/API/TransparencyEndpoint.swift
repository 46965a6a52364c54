import Foundation
import LienthongAudit
import LienthongCore
import LienthongHTTP
import LienthongJSON

/// `GET /v1/transparency/persons/{personalId}/accesses`: a citizen sees who read their data, for what and when.
///
/// Only the person the citizen credential proves may read their own list; any other person is 403 `access-denied`.
struct TransparencyEndpoint: Sendable {
    let audit: AuditLog
    /// `nil` when the node has no citizen identity provider: every call is then 401.
    let identities: (any CitizenIdentityProvider)?
    /// Consumer names by id, so the citizen sees an agency's name beside its id.
    let consumerNames: [String: String]

    func accesses(personalID: String, authorization: String?) -> HTTPResponse {
        let proven: String
        do throws(Problem) {
            proven = try identify(authorization)
        } catch {
            return .problem(error, requestID: nil)
        }
        // Compared before anything is read, so a wrong person learns nothing, not even whether accesses exist.
        guard proven == personalID else { return .problem(GatewayProblems.accessDenied, requestID: nil) }
        let accesses: [AuditAccess]
        do {
            accesses = try audit.accesses(subjectKey: personalID)
        } catch {
            RequestTrace.current?.failed(
                RequestTrace.Failure(
                    part: .audit, registry: nil, code: GatewayProblems.auditUnavailable.code,
                    cause: "transparency read failed: \(error)"))
            return .problem(GatewayProblems.auditUnavailable, requestID: nil)
        }
        let entries: [JSONValue] = accesses.reversed().map { access in
            var entry = access.json.objectValue ?? [:]
            if let consumer = access.consumer, let name = consumerNames[consumer] {
                entry["consumerName"] = .string(name)
            }
            return .object(entry)
        }
        return .json(["accesses": .array(entries)])
    }

    private func identify(_ authorization: String?) throws(Problem) -> String {
        guard let authorization else {
            throw GatewayProblems.unauthenticated("Present a citizen credential: Authorization: Citizen <token>.")
        }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "citizen" else {
            throw GatewayProblems.unauthenticated("Authorization must be a Citizen credential.")
        }
        guard let identities else {
            throw GatewayProblems.unauthenticated("This node accepts no citizen credentials yet.")
        }
        return try identities.personalID(credential: String(parts[1]))
    }
}
