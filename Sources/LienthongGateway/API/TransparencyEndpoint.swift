import Foundation
import LienthongAudit
import LienthongCore
import LienthongHTTP
import LienthongJSON
import LienthongStorage

/// `GET /v1/transparency/persons/{personalId}/accesses`: a citizen sees who read their data, for what and when,
/// and who asked for it and was refused.
///
/// The citizen signs in with an OpenID Connect ID token (`Authorization: Bearer`, ``OpenIDCitizenIdentity``) on a
/// node with `citizenIdentity` configured, or with a development token (`Authorization: Citizen`) on a development
/// node. Only the person the credential proves may read their own list; any other person is 403 `access-denied`.
struct TransparencyEndpoint: Sendable {
    let audit: AuditLog
    /// The citizen identity providers; none means every call is 401.
    let identities: [any CitizenIdentityProvider]
    /// Consumer names by id, so the citizen sees an agency's name beside its id.
    let consumerNames: [String: String]

    func accesses(personalID: String, authorization: String?) async -> HTTPResponse {
        let proven: String
        do throws(Problem) {
            proven = try await identify(authorization)
        } catch {
            return challenge(.problem(error, requestID: nil), after: error, authorization: authorization)
        }
        // Compared before anything is read, so a wrong person learns nothing, not even whether accesses exist; by
        // code points, since the audit log keys the bytes of the path's id, not a canonically equivalent string.
        guard proven.hasSameCodePoints(as: personalID) else {
            return .problem(GatewayProblems.accessDenied, requestID: nil)
        }
        let accesses: [AuditAccess]
        do {
            // Every record about the person, read on the blocking pool rather than the event loop.
            accesses = try await BlockingPool.shared.run { [audit] () throws(AuditError) in
                try audit.accessesAndRefusals(subjectKey: personalID)
            }
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

    private func identify(_ authorization: String?) async throws(Problem) -> String {
        let schemes = identities.map(\.scheme).joined(separator: " or ")
        guard let authorization else {
            throw GatewayProblems.unauthenticated(
                identities.isEmpty
                    ? "This node accepts no citizen credentials." : "Present a citizen credential: \(schemes).")
        }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2,
            let provider = identities.first(where: { $0.scheme.lowercased() == parts[0].lowercased() })
        else {
            throw GatewayProblems.unauthenticated(
                identities.isEmpty
                    ? "This node accepts no citizen credentials."
                    : "Authorization must be a citizen credential: \(schemes).")
        }
        return try await provider.personalID(credential: String(parts[1]).trimmingCharacters(in: .whitespaces))
    }

    /// `response` with the RFC 6750 challenge a Bearer client expects on a 401: `error="invalid_token"` when a
    /// Bearer token was refused, a bare `Bearer` when none was presented.
    private func challenge(_ response: HTTPResponse, after problem: Problem, authorization: String?) -> HTTPResponse {
        guard problem.status == 401, identities.contains(where: { $0 is OpenIDCitizenIdentity }) else {
            return response
        }
        var response = response
        let scheme = authorization?.split(separator: " ", maxSplits: 1).first?.lowercased()
        if scheme == "bearer", problem.code != "unauthenticated" {
            response.headers.add(name: "WWW-Authenticate", value: #"Bearer error="invalid_token""#)
        } else {
            response.headers.add(name: "WWW-Authenticate", value: "Bearer")
        }
        return response
    }
}
