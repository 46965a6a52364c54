import LienthongHTTP

/// Answers every exchange route with 503 `audit-unavailable` while the audit chain is unverified (a break found
/// at start and not yet sealed); other routes, `/readyz` among them, go to `next`.
struct AuditGate: HTTPHandler {
    let next: any HTTPHandler

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        if let segments = request.pathSegments, let (route, _) = Route.match(segments),
            [.records, .documents, .profile].contains(route)
        {
            return .problem(GatewayProblems.auditUnverified, requestID: nil)
        }
        return await next.handle(request)
    }
}
