import LienthongHTTP

/// Answers every exchange route with 503 `audit-unavailable` while the audit chain is unverified (a break found
/// at start and not yet sealed); other routes, `/readyz` among them, go to the router.
struct AuditGate: HTTPHandler {
    let router: Router

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        if let segments = request.pathSegments, let (route, _) = Route.match(segments),
            [.records, .documents, .profile].contains(route)
        {
            return .problem(GatewayProblems.auditUnverified, requestID: nil)
        }
        return await router.handle(request)
    }
}
