import LienthongHTTP

/// A request with what the ``Router`` found for it: its route and the values of the route's `{name}` segments.
struct RoutedRequest: Sendable {
    /// The request as received.
    let request: HTTPRequest
    /// The route of the path; `nil` when no route has it.
    let route: Route?
    /// The values of the route's `{name}` segments, in template order.
    let parameters: [String]
    /// The `route` label of the metrics: the route's template, `unknown` for no route, `invalid` for a path that
    /// does not decode.
    let label: String

    /// Finds the route of `request`'s path.
    init(_ request: HTTPRequest) {
        self.request = request
        let segments = request.pathSegments
        let match = segments.flatMap(Route.match)
        route = match?.route
        parameters = match?.parameters ?? []
        label = match?.route.rawValue ?? (segments == nil ? "invalid" : "unknown")
    }
}
