import LienthongHTTP

/// Adds the `WWW-Authenticate` challenge that every 401 carries (RFC 9110 §11.6.1) to the 401s of a group of
/// routes, unless the handler set its own.
///
/// A client certificate is asked for in the TLS handshake (its CertificateRequest), not by an HTTP challenge: the
/// challenge names the bearer token, and the problem's `detail` says that either credential is accepted.
struct AuthenticationChallenge: RouterMiddleware {
    /// The header's value, e.g. `Bearer realm="lienthong"`.
    let challenge: String

    /// Consumers: a bearer token (RFC 6750), or a client certificate.
    static let consumer = AuthenticationChallenge(challenge: #"Bearer realm="lienthong""#)
    /// Operators: a bearer token of another protection space, where consumer tokens do not count.
    static let `operator` = AuthenticationChallenge(challenge: #"Bearer realm="lienthong-operators""#)

    func handle(
        _ request: RoutedRequest, next: (RoutedRequest) async -> HTTPResponse
    ) async -> HTTPResponse {
        var response = await next(request)
        if response.status == 401 && response.headers["WWW-Authenticate"] == nil {
            response.headers["WWW-Authenticate"] = challenge
        }
        return response
    }
}
