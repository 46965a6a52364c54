import LienthongHTTP
import Testing
@testable import LienthongGateway

/// While the audit chain is unverified, the node exchanges nothing and reads nothing from the log (#20 point 1):
/// every route but the listed ones answers 503 `audit-unavailable`.
struct AuditGateTests {
    /// What a node still answers on an unverified chain: health, the API description, the schemas an integrator
    /// validates against, the service lists and the global configuration (none of them exchanges or reads records).
    static let open: Set<String> = [
        "/healthz", "/readyz", "/openapi.json", "/v1/services", "/v1/schemas", "/v1/schemas/{id}",
        "/v1/schemas/{id}/validate", "/v1/federation/configuration", "/v1/federation/services",
    ]

    struct Answered: HTTPHandler {
        func handle(_ request: HTTPRequest) async -> HTTPResponse { .json(["answered": true]) }
    }

    @Test(arguments: Route.allCases)
    func anExchangeOrAuditReadIsRefusedWhileTheChainIsUnverified(route: Route) async throws {
        let path = route.segments.map { $0.hasPrefix("{") ? "x" : String($0) }.joined(separator: "/")
        let response = await AuditGate(next: Answered()).handle(HTTPRequest(method: .get, target: "/" + path))
        if Self.open.contains(route.rawValue) {
            #expect(response.status == 200)
        } else {
            #expect(response.status == 503)
            #expect(response.headers["Content-Type"] == "application/problem+json")
            #expect(String(decoding: response.body, as: UTF8.self).contains("\"audit-unavailable\""))
        }
    }
}
