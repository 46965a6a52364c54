/// The routes the ``Router`` answers, by path template: the `route` label of the metrics and the `paths` keys of
/// the OpenAPI description (`schemas/openapi.json`; served, a `{registry}` path is written out per registry).
///
/// A new route is a new case here, its methods in ``SharingAPI/makeRouter()``, and its path in `schemas/openapi.json`:
/// `OpenAPIDocumentTests` and `HTTPSemanticsTests` fail until the three agree.
enum Route: String, CaseIterable, Sendable {
    case healthz = "/healthz"
    case readyz = "/readyz"
    case metrics = "/metrics"
    case openAPI = "/openapi.json"
    case records = "/v1/records/{registry}/{key}"
    case documents = "/v1/documents/{registry}/{key}"
    case profile = "/v1/persons/{personalId}/profile"
    case services = "/v1/services"
    case schemas = "/v1/schemas"
    case schema = "/v1/schemas/{id}"
    case validate = "/v1/schemas/{id}/validate"
    case transparency = "/v1/transparency/persons/{personalId}/accesses"
    case monthlyReport = "/v1/reports/monthly"

    /// The template's segments: a `{name}` segment matches any one path segment.
    var segments: [Substring] { rawValue.split(separator: "/") }

    /// The route of a decoded path, with the values of its `{name}` segments in template order; `nil` for none.
    ///
    /// No two templates match the same path, so the order of the cases does not matter.
    static func match(_ path: [String]) -> (route: Route, parameters: [String])? {
        for route in allCases {
            let template = route.segments
            guard template.count == path.count else { continue }
            var parameters: [String] = []
            var matches = true
            for (expected, actual) in zip(template, path) {
                if expected.hasPrefix("{") {
                    parameters.append(actual)
                } else if expected != actual {
                    matches = false
                    break
                }
            }
            if matches { return (route, parameters) }
        }
        return nil
    }
}
