import Foundation
import LienthongHTTP
import LienthongJSON
import Testing

/// `/healthz`, `/readyz`, `/metrics` (on the admin listener) and `/v1/services`.
@Suite(.serialized)
struct OperationsEndpointTests {
    @Test func healthReadinessAndMetricsAnswer() async throws {
        let gateway = try SharedGateway.get()
        let client = gateway.client()
        let health = try await gateway.get("/healthz", client: client)
        #expect(health.status == 200)
        #expect(health.json["status"] == "ok")
        let ready = try await gateway.get("/readyz", client: client)
        #expect(ready.status == 200)
        #expect(ready.json == ["status": "ready"])
        // A lookup shows up in the metrics (on the admin listener) under its route template, never its concrete path.
        _ = try await gateway.get("/v1/records/population/001190000000", client: client)
        let metrics = try await gateway.metrics(client: client)
        #expect(
            metrics.contains(
                #"lienthong_requests_total{listener="api",route="/v1/records/{registry}/{key}",status="401","#
                    + #"code="unauthenticated"}"#))
        #expect(metrics.contains("lienthong_request_duration_seconds_count"))
        #expect(!metrics.contains("001190000000"))
        let post = try await client.send(HTTPClientRequest(url: gateway.baseURL + "/healthz", method: .post))
        #expect(post.status == 405)
    }

    @Test func servicesListWhatTheCallerMayAskAndWhy() async throws {
        let gateway = try SharedGateway.get()
        let response = try await gateway.get(
            "/v1/services", headers: ["Authorization": "Bearer \(try gateway.token("thue.token"))"], client: gateway.client()
        )
        #expect(response.status == 200)
        #expect(response.json["consumer"] == "VN/GOV/BTC/THUE")
        let services = try #require(response.json["services"]?.arrayValue)
        #expect(Set(services.compactMap { $0["registry"]?.stringValue }) == ["population", "enterprise"])
        let population = try #require(services.first { $0["registry"] == "population" })
        #expect(population["fields"] == ["personalId", "fullName", "permanentAddress"])
        #expect(population["purposes"]?[0]?["code"] == "tax-administration")
        #expect(population["purposes"]?[0]?["legalBasis"]?.stringValue?.isEmpty == false)
    }
}
