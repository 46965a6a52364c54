import LienthongCore
import LienthongHTTP

/// Counts every answer by route, status and problem code, and its latency (`GET /metrics`).
struct MetricsMiddleware: RouterMiddleware {
    let metrics: Metrics

    func handle(
        _ request: RoutedRequest, next: (RoutedRequest) async -> HTTPResponse
    ) async -> HTTPResponse {
        let started = ContinuousClock.now
        let response = await next(request)
        metrics.record(
            route: request.label, status: response.status,
            code: response.headers[HTTPResponse.problemCodeHeader] ?? "ok",
            seconds: started.duration(to: .now).secondsValue
        )
        return response
    }
}
