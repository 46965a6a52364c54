import LienthongHTTP

/// Answers every route that exchanges or reads what the audit log records with 503 `audit-unavailable` while the
/// audit chain is unverified (a break found at start and not yet sealed); the others, `/readyz` among them, go to
/// `next`.
struct AuditGate: HTTPHandler {
    let next: any HTTPHandler

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        if let segments = request.pathSegments, let (route, _) = Route.match(segments), route.needsVerifiedAudit {
            return .problem(GatewayProblems.auditUnverified, requestID: nil)
        }
        return await next.handle(request)
    }
}

extension Route {
    /// Whether the route exchanges data (lookups, documents, events, the federation's forwarded exchanges), each of
    /// which the audit log records, or reads the log (transparency, reports): none may run on an unverified chain.
    /// A new route must choose.
    var needsVerifiedAudit: Bool {
        switch self {
        case .records, .documents, .profile, .transparency, .monthlyReport, .messages, .message, .inbox,
            .inboxMessage, .inboxAttachment, .inboxAck, .subscriptions, .subscription, .events, .federationRecords,
            .federationProfilePart, .federationMessages, .federationReceipts:
            return true
        case .healthz, .readyz, .openAPI, .services, .schemas, .schema, .validate, .federationConfiguration,
            .federationServices:
            return false
        }
    }
}
