import Foundation
import LienthongAudit
import LienthongCore
@testable import LienthongGateway
import LienthongHTTP
import Testing

/// The dashboard's parts without a browser: escaping, the message catalogue, the language, sessions and their CSRF
/// rule, the recent-problems ring, the percentiles, and a page with hostile values.
struct DashboardTests {
    @Test func escapingCoversElementContentAndBothAttributeQuotes() {
        #expect(HTML.escape(#"<script>alert("x")</script> & 'y'"#)
            == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;")
        #expect(HTML.escape("Bảng điều khiển") == "Bảng điều khiển")
        #expect(HTML.escape("&amp;") == "&amp;amp;")
    }

    @Test(arguments: DashboardLanguage.allCases)
    func everyKeyHasATextInEachLanguage(_ language: DashboardLanguage) throws {
        let messages = try #require(DashboardCatalogue.messages[language])
        let missing = DashboardCatalogue.Key.allCases.filter { (messages[$0] ?? "").isEmpty }
        #expect(missing.isEmpty, "\(language): \(missing)")
        #expect(messages.count == DashboardCatalogue.Key.allCases.count)
    }

    @Test func theVietnameseTextsAreTranslatedWithDiacritics() {
        let same = DashboardCatalogue.Key.allCases.filter {
            DashboardCatalogue.text($0, .vi) == DashboardCatalogue.text($0, .en)
        }
        // Only the percentile names read the same in both.
        #expect(Set(same) == [.p50, .p90, .p99])
        #expect(DashboardCatalogue.text(.auditTitle, .vi) == "Chuỗi nhật ký kiểm toán")
    }

    @Test func theLanguageIsTheQueryThenTheSessionThenAcceptLanguageThenVietnamese() {
        func request(_ target: String, _ accept: String? = nil) -> HTTPRequest {
            HTTPRequest(method: .get, target: target, headers: accept.map { ["Accept-Language": $0] } ?? [:])
        }
        #expect(DashboardLanguage.of(request("/dashboard?lang=en", "vi"), fallback: .vi) == .en)
        #expect(DashboardLanguage.of(request("/dashboard", "vi"), fallback: .en) == .en)
        #expect(DashboardLanguage.of(request("/dashboard", "fr-FR, en-GB;q=0.8, vi;q=0.5")) == .en)
        #expect(DashboardLanguage.of(request("/dashboard", "vi-VN,vi;q=0.9")) == .vi)
        #expect(DashboardLanguage.of(request("/dashboard?lang=xx", "de")) == .vi)
    }

    @Test func aSessionLastsItsLifetimeAndEndsOnClose() throws {
        let sessions = DashboardSessions(lifetime: 60)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let session = sessions.open(tokenHash: "abc", language: .vi, now: start)
        #expect(session.id.count >= 43 && session.csrfToken != session.id)
        #expect(sessions.session(session.id, now: start.addingTimeInterval(59)) == session)
        #expect(sessions.session("forged", now: start) == nil)
        #expect(sessions.session(session.id, now: start.addingTimeInterval(60)) == nil)
        // Expired is gone for good, even asked with an earlier time.
        #expect(sessions.session(session.id, now: start) == nil)
        let other = sessions.open(tokenHash: "abc", language: .en, now: start)
        sessions.close(other.id)
        #expect(sessions.session(other.id, now: start) == nil)
    }

    @Test func sessionsAreBoundedAndTheOneClosestToExpiryGoesFirst() {
        let sessions = DashboardSessions(lifetime: 100, capacity: 2)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let first = sessions.open(tokenHash: "a", language: .vi, now: start)
        let second = sessions.open(tokenHash: "b", language: .vi, now: start.addingTimeInterval(1))
        let third = sessions.open(tokenHash: "c", language: .vi, now: start.addingTimeInterval(2))
        #expect(sessions.session(first.id, now: start.addingTimeInterval(3)) == nil)
        #expect(sessions.session(second.id, now: start.addingTimeInterval(3)) != nil)
        #expect(sessions.session(third.id, now: start.addingTimeInterval(3)) != nil)
    }

    @Test func aChangeMustRepeatTheSessionsCSRFTokenAReadNeedNot() {
        let session = DashboardSessions().open(tokenHash: "a", language: .vi, now: Date())
        func post(_ headers: HTTPHeaders, body: String = "") -> HTTPRequest {
            HTTPRequest(method: .post, target: "/dashboard/logout", headers: headers, body: Array(body.utf8))
        }
        let form: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded"]
        #expect(DashboardSessions.csrfHolds(HTTPRequest(method: .get, target: "/dashboard"), in: session))
        #expect(!DashboardSessions.csrfHolds(post([:]), in: session))
        #expect(!DashboardSessions.csrfHolds(post(["Lienthong-CSRF": "wrong"]), in: session))
        #expect(!DashboardSessions.csrfHolds(post(["Lienthong-CSRF": session.id]), in: session))
        #expect(DashboardSessions.csrfHolds(post(["Lienthong-CSRF": session.csrfToken]), in: session))
        #expect(DashboardSessions.csrfHolds(post(form, body: "csrf=\(session.csrfToken)"), in: session))
        // A form field counts only in a form body.
        #expect(!DashboardSessions.csrfHolds(post([:], body: "csrf=\(session.csrfToken)"), in: session))
    }

    @Test func aBrowsersCrossSiteChangeIsRecognisedAndAReadOrATool() {
        func request(_ method: HTTPMethod, _ site: String?) -> HTTPRequest {
            HTTPRequest(method: method, target: "/v1/reload", headers: site.map { ["Sec-Fetch-Site": $0] } ?? [:])
        }
        #expect(DashboardSessions.isCrossSite(request(.post, "cross-site")))
        #expect(DashboardSessions.isCrossSite(request(.delete, "same-site")))
        #expect(!DashboardSessions.isCrossSite(request(.post, "same-origin")))
        #expect(!DashboardSessions.isCrossSite(request(.post, nil)))
        #expect(!DashboardSessions.isCrossSite(request(.get, "cross-site")))
    }

    @Test func theCookieIsHttpOnlySecureAndStrict() {
        let sessions = DashboardSessions()
        let cookie = sessions.cookie(sessions.open(tokenHash: "a", language: .vi, now: Date()))
        for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/", "Max-Age=28800"] {
            #expect(cookie.contains("; \(attribute)"), "\(attribute)")
        }
        #expect(DashboardSessions.expiredCookie.contains("Max-Age=0"))
    }

    @Test func theRingKeepsTheNewestFirstAndNoMoreThanItsCapacity() {
        let ring = RecentProblems(capacity: 3)
        for status in 400..<405 {
            ring.add(.init(time: Date(), listener: "api", route: "/v1/x", status: status, code: "c\(status)"))
        }
        #expect(ring.entries.map(\.status) == [404, 403, 402])
        let metrics = Metrics()
        metrics.record(route: "/v1/records/{registry}/{key}", status: 200, code: "ok", seconds: 0.001)
        metrics.record(route: "/v1/records/{registry}/{key}", status: 404, code: "record-not-found", seconds: 0.001)
        #expect(metrics.recentProblems.entries.map(\.code) == ["record-not-found"])
    }

    @Test func percentilesComeFromTheBuckets() {
        var histogram = Metrics.Histogram()
        for _ in 0..<90 { histogram.observe(0.003) }  // bucket (0.0025, 0.005]
        for _ in 0..<10 { histogram.observe(0.2) }  // bucket (0.1, 0.25]
        #expect(abs(histogram.quantile(0.5) - (0.0025 + 0.0025 * 50 / 90)) < 1e-9)
        #expect(abs(histogram.quantile(0.9) - 0.005) < 1e-9)
        #expect(abs(histogram.quantile(0.99) - (0.1 + 0.15 * 9 / 10)) < 1e-9)
        var slow = Metrics.Histogram()
        slow.observe(60)
        #expect(slow.quantile(0.5) == 5)
        #expect(Metrics.Histogram().quantile(0.5) == 0)
    }

    /// A page whose every source of text holds markup: none of it reaches the page unescaped.
    static func hostilePage(role: OperatorRole) throws -> DashboardPage {
        let evil = #"<img src=x onerror="alert(1)">'"#
        var report = AuditReport(month: try #require(AuditMonth("2026-12")))
        var counts = AuditReport.Counts()
        counts.total = 3
        counts.allowed = 3
        report.totals = counts
        report.byConsumer = [evil: counts]
        report.byProvider = [evil: counts]
        report.denialsByReason = [evil: 2]
        let percentiles = Metrics.Percentiles(name: evil, count: 1, p50: 0.001, p90: 0.002, p99: 0.003)
        return DashboardPage(
            language: .en, identity: OperatorIdentity(name: evil, role: role), csrfToken: evil,
            month: report.month, report: report, latency: ([percentiles], [percentiles], [percentiles]),
            connectors: [
                ConnectorStatus(
                    registry: evil, provider: evil, service: evil, kind: evil, health: evil, breaker: evil,
                    detail: evil)
            ],
            upstreamCalls: [evil: (calls: 2, errors: 1)],
            audit: AuditChainStatus(
                enabled: true, headSeq: 9, queueDepth: 0, batches: 1, recordsSinceStart: 9, failedBatches: 0,
                unverifiedBreak: (seq: 4, failure: evil), lastCheckpoint: (seq: 5, time: evil)),
            recentProblems: [.init(time: Date(), listener: evil, route: evil, status: 500, code: evil)])
    }

    @Test(arguments: [OperatorRole.viewer, .operator])
    func everyRenderedValueIsEscaped(_ role: OperatorRole) throws {
        let html = try Self.hostilePage(role: role).html
        #expect(!html.contains("<img"))
        #expect(!html.contains(#"onerror="alert"#))
        #expect(html.contains("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;"))
        // The only script is the page's own, which the Content-Security-Policy allows by its hash.
        #expect(html.components(separatedBy: "<script>").count == 2)
        #expect(html.contains("<script>\(DashboardPage.script)</script>"))
        #expect(html.contains(#"class="connector-test""#) == (role >= .operator))
    }

    @Test func theHeadersForbidFramingAndForeignScripts() {
        let response = DashboardPage.response("<p>x</p>")
        let policy = response.headers["Content-Security-Policy"] ?? ""
        #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'sha256-"))
        #expect(!policy.contains("unsafe-inline"))
        #expect(response.headers["X-Frame-Options"] == "DENY")
        #expect(response.headers["Cache-Control"] == "no-store")
        #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
    }
}
