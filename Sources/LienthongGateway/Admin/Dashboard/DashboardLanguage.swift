import LienthongHTTP

/// A language the dashboard reads in: Vietnamese (the default) or English.
enum DashboardLanguage: String, CaseIterable, Sendable {
    case vi
    case en

    /// The language of a request: `?lang=vi|en`, else `fallback` (the session's), else the first of `vi` or `en` in
    /// `Accept-Language`, else Vietnamese.
    static func of(_ request: HTTPRequest, fallback: DashboardLanguage? = nil) -> DashboardLanguage {
        if let asked = request.queryValue("lang").flatMap(DashboardLanguage.init(rawValue:)) { return asked }
        if let fallback { return fallback }
        for range in (request.headers["Accept-Language"] ?? "").split(separator: ",") {
            let tag = range.split(separator: ";").first.map { $0.drop { $0 == " " } } ?? ""
            let primary = tag.split(separator: "-").first.map { $0.lowercased() } ?? ""
            if let language = DashboardLanguage(rawValue: primary) { return language }
        }
        return .vi
    }
}
