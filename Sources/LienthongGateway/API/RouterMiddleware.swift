import LienthongHTTP

/// Code around the answers of a ``Router``, all of them or one group's (HB `Router/RouterMiddleware`): it may change
/// the request, the response, or answer itself without calling `next`.
protocol RouterMiddleware: Sendable {
    /// The response to `request`; `next` runs the rest of the chain.
    func handle(
        _ request: RoutedRequest, next: (RoutedRequest) async -> HTTPResponse
    ) async -> HTTPResponse
}
