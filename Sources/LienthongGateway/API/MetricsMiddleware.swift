import LienthongCore
import LienthongHTTP

/// Counts every answer by route, status and problem code, its latency by route and by the registries it asked, and
/// each call to a back end (through ``RequestMetrics``).
struct MetricsMiddleware: RouterMiddleware {
    let metrics: Metrics

    func handle(
        _ request: RoutedRequest, next: (RoutedRequest) async -> HTTPResponse
    ) async -> HTTPResponse {
        let started = ContinuousClock.now
        let asked = RequestMetrics(metrics: metrics)
        let response = await RequestMetrics.$current.withValue(asked) { await next(request) }
        metrics.record(
            route: request.label, status: response.status,
            code: response.headers[HTTPResponse.problemCodeHeader] ?? "ok",
            seconds: started.duration(to: .now).secondsValue, registries: asked.registries
        )
        return response
    }
}
