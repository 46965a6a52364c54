import LienthongHTTP

/// The handler of one route and method: the response to a routed request.
typealias RouteHandler = @Sendable (RoutedRequest) async -> HTTPResponse

/// Maps requests to their route's handler, built once at start by a ``RouterBuilder``.
///
/// Each route has a set of methods: another method on the route is 405 with `Allow` listing that set (RFC 9110
/// §15.5.6), a path that is no route is 404. The middleware runs around every answer, these included.
struct Router: HTTPHandler {
    /// The handlers of each route by method.
    let handlers: [Route: [HTTPMethod: RouteHandler]]
    /// Around every answer, outermost first.
    let middleware: [any RouterMiddleware]

    /// The methods `route` answers, in the order `Allow` lists them.
    func methods(of route: Route) -> [HTTPMethod] {
        (handlers[route]?.keys.map { $0 } ?? []).sorted { Self.order($0) < Self.order($1) }
    }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let routed = RoutedRequest(request)
        // The operator log takes the route matched here rather than matching the path again.
        RequestTrace.current?.matched(routed.label)
        return await run(middlewareFrom: 0, routed)
    }

    private func run(middlewareFrom index: Int, _ request: RoutedRequest) async -> HTTPResponse {
        guard index < middleware.count else { return await dispatch(request) }
        return await middleware[index].handle(request) { await run(middlewareFrom: index + 1, $0) }
    }

    private func dispatch(_ routed: RoutedRequest) async -> HTTPResponse {
        guard let route = routed.route else { return .problem(GatewayProblems.notFound, requestID: nil) }
        guard let handler = handlers[route]?[routed.request.method] else {
            var response = HTTPResponse.problem(GatewayProblems.methodNotAllowed, requestID: nil)
            response.headers["Allow"] = methods(of: route).map(\.rawValue).joined(separator: ", ")
            return response
        }
        return await handler(routed)
    }

    /// RFC 9110's order of the methods, then any other by name.
    private static func order(_ method: HTTPMethod) -> (Int, String) {
        let known: [HTTPMethod] = [.get, .head, .post, .put, .delete, .patch, .options]
        return (known.firstIndex(of: method) ?? known.count, method.rawValue)
    }
}
