/// The dashboard's sign-in form: an operator pastes an admin token, the listener answers with a session cookie.
struct DashboardSignInPage {
    var language: DashboardLanguage
    /// Whether the last attempt was refused.
    var failed = false

    var html: String {
        func text(_ key: DashboardCatalogue.Key) -> String { HTML.escape(DashboardCatalogue.text(key, language)) }
        let other: DashboardLanguage = language == .vi ? .en : .vi
        var page = DashboardPage.head(title: text(.loginTitle), language: language)
        page += #"<header><h1 id="title">\#(text(.loginTitle))</h1><nav>"#
        page += #"<a id="language-switch" hreflang="\#(other.rawValue)" "#
        page += #"href="/dashboard/login?lang=\#(other.rawValue)">"#
        page += "\(HTML.escape(DashboardCatalogue.text(.languageName, other)))</a></nav></header><main><section>"
        if failed { page += #"<p class="bad" id="login-error">\#(text(.loginFailed))</p>"# }
        page += #"<form method="post" action="/dashboard/login"><p class="note">\#(text(.loginHint))</p>"#
        page += #"<label>\#(text(.loginToken)) <input type="password" name="token" id="token" "#
        page += #"autocomplete="off" required></label>"#
        page += #"<input type="hidden" name="lang" value="\#(language.rawValue)"> "#
        page += #"<button type="submit" id="login">\#(text(.loginSubmit))</button></form>"#
        return page + "</section></main></body></html>"
    }
}
