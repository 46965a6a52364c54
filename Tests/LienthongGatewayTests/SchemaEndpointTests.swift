import Foundation
import LienthongHTTP
import LienthongJSON
import Testing

/// `GET /v1/schemas`, `GET /v1/schemas/{id}` and `POST /v1/schemas/{id}/validate`: open to integrators.
@Suite(.serialized)
struct SchemaEndpointTests {
    private func post(_ gateway: GatewayProcess, _ path: String, body: String) async throws -> HTTPClientResponse {
        try await gateway.client().send(
            HTTPClientRequest(
                url: gateway.baseURL + path, method: .post, headers: ["Content-Type": "application/json"],
                body: Array(body.utf8)
            )
        )
    }

    @Test func catalogListsEverySchemaWithTitles() async throws {
        let gateway = try SharedGateway.get()
        let response = try await gateway.get("/v1/schemas", client: gateway.client())
        #expect(response.status == 200)
        let entries = try #require(response.json["schemas"]?.arrayValue)
        let person = try #require(entries.first { $0["id"] == "person.v1" })
        #expect(person["$id"] == "https://lienthong.gov.vn/schemas/person.v1")
        #expect(person["title"]?.stringValue?.isEmpty == false)
        #expect(entries.contains { $0["id"] == "person-profile.v1" })
    }

    @Test func schemaIsServedAsSchemaJSON() async throws {
        let gateway = try SharedGateway.get()
        let response = try await gateway.get("/v1/schemas/person.v1", client: gateway.client())
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/schema+json")
        #expect(response.json["$id"] == "https://lienthong.gov.vn/schemas/person.v1")

        let unknown = try await gateway.get("/v1/schemas/nope.v9", client: gateway.client())
        #expect(unknown.status == 404)
        #expect(unknown.problemCode == "unknown-schema")
    }

    @Test func validateAnswersBasicOutput() async throws {
        let gateway = try SharedGateway.get()
        let valid = try await post(
            gateway, "/v1/schemas/address.v1/validate",
            body: #"""
                {"addressLine": "Số 8 Tràng Thi", "communeCode": "00070", "communeName": "Phường Hoàn Kiếm",
                 "provinceCode": "01", "provinceName": "Thành phố Hà Nội"}
                """#
        )
        #expect(valid.status == 200)
        #expect(valid.json["valid"] == true)

        let invalid = try await post(gateway, "/v1/schemas/person.v1/validate", body: #"{"personalId": 12}"#)
        #expect(invalid.status == 200)
        #expect(invalid.json["valid"] == false)
        #expect((invalid.json["errors"]?.arrayValue?.count ?? 0) > 0)

        let malformed = try await post(gateway, "/v1/schemas/person.v1/validate", body: #"{"personalId": "#)
        #expect(malformed.status == 400)
        #expect(malformed.problemCode == "malformed-json")

        let unknown = try await post(gateway, "/v1/schemas/nope.v9/validate", body: "{}")
        #expect(unknown.status == 404)
        #expect(unknown.problemCode == "unknown-schema")

        let wrongMethod = try await gateway.get("/v1/schemas/person.v1/validate", client: gateway.client())
        #expect(wrongMethod.status == 405)
    }
}
