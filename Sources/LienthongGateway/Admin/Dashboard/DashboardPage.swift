import Foundation
import LienthongAudit
import LienthongCore
import LienthongHTTP
import LienthongTrust

/// The dashboard page, rendered on the server from what the admin API reads: the monthly report, latency
/// percentiles, upstream health and breakers, the audit chain, recent errors and the connectors.
///
/// Every value goes through ``HTML/escape(_:)``; the only script is ``script`` (allowed by its hash in the
/// `Content-Security-Policy`), which runs a connector test for an operator.
struct DashboardPage {
    var language: DashboardLanguage
    var identity: OperatorIdentity
    /// The session's CSRF token, for the forms and the test button; `nil` for a browser signed in by certificate.
    var csrfToken: String?
    var month: AuditMonth
    /// `nil` when the audit log could not be read.
    var report: AuditReport?
    var latency: (routes: [Metrics.Percentiles], registries: [Metrics.Percentiles], upstreams: [Metrics.Percentiles])
    var connectors: [ConnectorStatus]
    var upstreamCalls: [String: (calls: Int, errors: Int)]
    var audit: AuditChainStatus
    var recentProblems: [RecentProblems.Entry]

    func text(_ key: DashboardCatalogue.Key) -> String { HTML.escape(DashboardCatalogue.text(key, language)) }

    /// A code the API returns (role, health, breaker state) in a cell: translated, the code kept in `data-value`.
    func value(_ code: String, id: String? = nil, good: Bool? = nil) -> String {
        let identifier = id.map { #" id="\#($0)""# } ?? ""
        let mark = good.map { #" class="\#($0 ? "ok" : "bad")""# } ?? ""
        return #"<span\#(identifier)\#(mark) data-value="\#(HTML.escape(code))">"#
            + "\(HTML.escape(DashboardCatalogue.value(code, language)))</span>"
    }

    /// Whether the operator may run connector tests (the server checks again on each test).
    var canTest: Bool { identity.role >= .operator }

    var html: String {
        let other: DashboardLanguage = language == .vi ? .en : .vi
        var body = Self.head(title: text(.title), language: language, csrfToken: csrfToken)
        body += #"<header><h1 id="title">\#(text(.title))</h1><nav>"#
        body += #"<span id="identity">\#(text(.signedInAs)) <b>\#(HTML.escape(identity.name))</b> "#
        body += "(\(text(.role)): \(value(identity.role.rawValue, id: "role")))</span> "
        body += #"<a id="language-switch" hreflang="\#(other.rawValue)" "#
        body += #"href="/dashboard?lang=\#(other.rawValue)&amp;month=\#(month)">"#
        body += "\(HTML.escape(DashboardCatalogue.text(.languageName, other)))</a>"
        if let csrfToken {
            body += #" <form method="post" action="/dashboard/logout" class="inline">"#
            body += #"<input type="hidden" name="csrf" value="\#(HTML.escape(csrfToken))">"#
            body += #"<button type="submit" id="logout">\#(text(.logout))</button></form>"#
        }
        body += "</nav></header><main>"
        body += #"<form method="get" action="/dashboard" class="month"><label>\#(text(.month)) "#
        body += #"<input type="month" name="month" value="\#(month)"></label>"#
        body += #"<input type="hidden" name="lang" value="\#(language.rawValue)">"#
        body += #"<button type="submit">\#(text(.show))</button></form>"#
        body += exchangesSection + denialsSection + latencySection + upstreamSection + auditSection
        body += errorsSection + connectorsSection
        body += #"<div id="messages" hidden data-testing="\#(text(.testing))" data-passed="\#(text(.testPassed))" "#
        body += #"data-failed="\#(text(.testFailed))"></div>"#
        body += "</main><script>\(Self.script)</script></body></html>"
        return body
    }

    /// The page as a response, with the headers every dashboard page carries.
    var response: HTTPResponse { Self.response(html) }

    /// `<!doctype html>` to the opening `<body>`, with the style sheet and, for the session, the CSRF token.
    static func head(title: String, language: DashboardLanguage, csrfToken: String? = nil) -> String {
        var head = #"<!doctype html><html lang="\#(language.rawValue)"><head><meta charset="utf-8">"#
        head += #"<meta name="viewport" content="width=device-width, initial-scale=1">"#
        // No icon: the browser would ask for /favicon.ico and fill the recent errors with its 404s.
        head += #"<link rel="icon" href="data:,">"#
        if let csrfToken { head += #"<meta name="lienthong-csrf" content="\#(HTML.escape(csrfToken))">"# }
        return head + "<title>\(title)</title><style>\(style)</style></head><body>"
    }

    /// An HTML answer: UTF-8, never cached, never framed, and only our own style and script run.
    static func response(_ html: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: [
                "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
                "Content-Security-Policy": contentSecurityPolicy, "X-Content-Type-Options": "nosniff",
                "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
            ],
            body: Array(html.utf8))
    }

    static let contentSecurityPolicy =
        "default-src 'none'; style-src '\(hash(style))'; script-src '\(hash(script))'; connect-src 'self'; "
        + "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    private static func hash(_ text: String) -> String {
        "sha256-" + Base64.encode(Digest.sha256(Array(text.utf8)))
    }

    static let style = """
        body{font-family:system-ui,sans-serif;margin:0;color:#1d2733;background:#f4f6f8}\
        header{display:flex;justify-content:space-between;align-items:center;padding:10px 20px;background:#0b4f6c;\
        color:#fff;flex-wrap:wrap}header h1{font-size:20px;margin:0}header a{color:#fff}nav{font-size:14px}\
        main{padding:12px 20px;display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:14px}\
        section{background:#fff;border:1px solid #d5dbe1;border-radius:6px;padding:10px 14px;overflow-x:auto}\
        section h2{font-size:17px;margin:4px 0 8px}h3{font-size:14px;margin:10px 0 4px}\
        table{border-collapse:collapse;font-size:13px;margin:6px 0}\
        th,td{border-bottom:1px solid #e3e7eb;padding:3px 8px;text-align:left}td.n{text-align:right}\
        .note{color:#5b6670;font-size:12px}.ok{color:#1b7a3a}.bad{color:#b3261e}\
        form.inline{display:inline}form.month{grid-column:1/-1}output{margin-left:8px;font-size:13px}\
        .chart{max-width:100%;height:auto}
        """

    static let script = """
        document.querySelectorAll("button.connector-test").forEach(function (button) {
          button.addEventListener("click", function () {
            var messages = document.getElementById("messages").dataset;
            var output = button.parentNode.querySelector("output");
            var headers = {};
            var csrf = document.querySelector('meta[name="lienthong-csrf"]');
            if (csrf) { headers["Lienthong-CSRF"] = csrf.content; }
            output.textContent = messages.testing;
            output.removeAttribute("data-status");
            var path = "/v1/connectors/" + encodeURIComponent(button.dataset.registry) + "/test";
            fetch(path, {method: "POST", headers: headers, credentials: "same-origin"}).then(function (response) {
              return response.json().then(function (body) {
                if (response.status === 200) {
                  output.textContent = body.ok ? messages.passed : messages.failed + ": " + body.problems.join("; ");
                  output.className = body.ok ? "ok" : "bad";
                } else {
                  output.textContent = response.status + " " + (body.code || "");
                  output.className = "bad";
                }
                output.setAttribute("data-status", String(response.status));
              });
            }).catch(function () { output.textContent = messages.failed; output.className = "bad"; });
          });
        });
        """
}
