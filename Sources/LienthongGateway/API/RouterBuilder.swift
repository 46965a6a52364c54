import LienthongHTTP

/// Collects the routes, methods and middleware of a ``Router`` (HB `Router/RouterBuilder`).
///
/// ```swift
/// var builder = RouterBuilder()
/// builder.add(middleware: MetricsMiddleware(metrics: metrics))
/// builder.on(.healthz, .get) { _ in .json(["status": "ok"]) }
/// builder.group(AuthenticationChallenge.consumer) { group in
///     group.on(.services, .get) { await services($0) }
/// }
/// let router = builder.build()
/// ```
struct RouterBuilder {
    private var handlers: [Route: [HTTPMethod: RouteHandler]] = [:]
    private var middleware: [any RouterMiddleware] = []
    /// The middleware of the groups being built, outermost first: it wraps each handler added meanwhile.
    private var groupMiddleware: [any RouterMiddleware] = []

    /// Adds middleware around every answer, after (inside) the middleware added before.
    mutating func add(middleware: some RouterMiddleware) {
        self.middleware.append(middleware)
    }

    /// Answers `methods` on `route` with `handler`; a route and method pair is added once.
    mutating func on(_ route: Route, _ methods: HTTPMethod..., handler: @escaping RouteHandler) {
        var wrapped = handler
        for middleware in groupMiddleware.reversed() {
            let inner = wrapped
            wrapped = { request in await middleware.handle(request, next: inner) }
        }
        for method in methods {
            precondition(handlers[route]?[method] == nil, "\(method) \(route.rawValue) is added twice")
            handlers[route, default: [:]][method] = wrapped
        }
    }

    /// Adds the routes that `add` adds with `middleware` around their handlers (not around their 405s).
    mutating func group(_ middleware: some RouterMiddleware, _ add: (inout RouterBuilder) -> Void) {
        groupMiddleware.append(middleware)
        add(&self)
        groupMiddleware.removeLast()
    }

    /// The router; every route has at least one method.
    func build() -> Router {
        precondition(Set(handlers.keys) == Set(Route.allCases), "a route has no handler")
        return Router(handlers: handlers, middleware: middleware)
    }
}
