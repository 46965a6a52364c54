import Foundation
import LienthongAudit
import LienthongCore
import LienthongHTTP

// The dashboard: the page, and the sign-in and sign-out of browsers.
extension AdminAPI {
    /// The dashboard of `?month=YYYY-MM` (this month by default) in the request's language.
    func dashboard(_ call: Call) async -> HTTPResponse {
        let language = DashboardLanguage.of(call.request, fallback: call.session?.language)
        if let session = call.session, call.request.queryValue("lang") != nil {
            sessions.setLanguage(language, of: session.id)
        }
        // This month (UTC) unless asked: an RFC 3339 timestamp starts with it.
        let asked = call.request.queryValue("month") ?? String(Timestamp.rfc3339(Date()).prefix(7))
        guard let month = AuditMonth(asked) else { return .problem(GatewayProblems.invalidMonth, requestID: nil) }
        let snapshot = current.current
        let page = DashboardPage(
            language: language, identity: call.identity, csrfToken: call.session?.csrfToken, month: month,
            report: try? await ReportEndpoint.report(services.audit.log, month: month),
            latency: services.metrics.latencyPercentiles, connectors: await ConnectorStatus.of(snapshot.registries),
            upstreamCalls: services.metrics.upstreamCallCounts, audit: AuditChainStatus(services.audit),
            recentProblems: services.metrics.recentProblems.entries)
        return page.response
    }

    func signInForm(_ call: Call) -> HTTPResponse {
        DashboardPage.response(DashboardSignInPage(language: DashboardLanguage.of(call.request)).html)
    }

    /// Opens a session for a valid operator token (the form's `token`) and sends the browser to the dashboard.
    func signIn(_ call: Call) -> HTTPResponse {
        let request = call.request
        let language = request.formValue("lang").flatMap(DashboardLanguage.init(rawValue:))
            ?? DashboardLanguage.of(request)
        if DashboardSessions.isCrossSite(request) {
            return .problem(AdminProblems.csrf("A browser sent this sign-in from another site."), requestID: nil)
        }
        let tokenHash = request.formValue("token").map { BearerToken.hash($0.trimmingCharacters(in: .whitespaces)) }
        guard let tokenHash, let operators = try? authenticator(), operators.identity(tokenHash: tokenHash) != nil else {
            let form = DashboardSignInPage(language: language, failed: true)
            var refused = DashboardPage.response(form.html, status: 401)
            refused.headers[HTTPResponse.problemCodeHeader] = "unauthenticated"
            return refused
        }
        let session = sessions.open(tokenHash: tokenHash, language: language, now: Date())
        var response = Self.redirect("/dashboard?lang=\(language.rawValue)")
        response.headers["Set-Cookie"] = sessions.cookie(session)
        return response
    }

    /// Ends the browser's session (a form POST carrying the CSRF token) and sends it to the sign-in form.
    func signOut(_ call: Call) -> HTTPResponse {
        if let session = call.session { sessions.close(session.id) }
        let language = DashboardLanguage.of(call.request, fallback: call.session?.language)
        var response = Self.redirect("/dashboard/login?lang=\(language.rawValue)")
        response.headers["Set-Cookie"] = DashboardSessions.expiredCookie
        return response
    }

    /// A browser without a credential, sent to the sign-in form in its language; a cookie of an ended session is
    /// cleared.
    static func signInRedirect(_ request: HTTPRequest) -> HTTPResponse {
        var response = redirect("/dashboard/login?lang=\(DashboardLanguage.of(request).rawValue)")
        if request.cookie(DashboardSessions.cookieName) != nil {
            response.headers["Set-Cookie"] = DashboardSessions.expiredCookie
        }
        return response
    }

    static func redirect(_ location: String) -> HTTPResponse {
        HTTPResponse(status: 303, headers: ["Location": location, "Cache-Control": "no-store"])
    }
}
