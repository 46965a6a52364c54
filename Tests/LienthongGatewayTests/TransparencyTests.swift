import Foundation
import LienthongHTTP
import LienthongJSON
import Testing

/// `GET /v1/transparency/persons/{personalId}/accesses` with development citizen tokens.
@Suite(.serialized)
struct TransparencyTests {
    /// The demo citizens' tokens the node wrote on first start, by personal ID.
    private func citizenTokens(_ gateway: GatewayProcess) throws -> [(personalID: String, token: String)] {
        let directory = gateway.dataDirectory.appendingPathComponent("secrets/citizen-tokens")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().map { file in
            let token = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            return (String(file.dropLast(".token".count)), token)
        }
    }

    @Test func citizenSeesWhoReadTheirRecordAndNobodyElsesList() async throws {
        let gateway = try GatewayProcess()
        let tokens = try citizenTokens(gateway)
        try #require(tokens.count >= 2)
        let (x, xToken) = tokens[0]
        let (_, yToken) = tokens[1]
        let client = gateway.client()

        let lookup = try await gateway.get(
            "/v1/records/population/\(x)?fields=personalId,fullName",
            headers: [
                "Authorization": "Bearer \(try gateway.token("motcua.token"))",
                "Lienthong-Purpose": "residence-verification",
            ],
            client: client
        )
        #expect(lookup.status == 200)

        let own = try await gateway.get(
            "/v1/transparency/persons/\(x)/accesses", headers: ["Authorization": "Citizen \(xToken)"], client: client
        )
        #expect(own.status == 200)
        let accesses = try #require(own.json["accesses"]?.arrayValue)
        #expect(accesses.count == 1)
        let access = try #require(accesses.first)
        #expect(access["consumer"] == "VN/GOV/HCM/MOTCUA")
        #expect(access["service"] == "VN/GOV/BCA/DANCU/person")
        #expect(access["purpose"] == "residence-verification")
        #expect(access["fields"] == ["fullName", "personalId"])
        #expect(access["time"]?.stringValue?.hasPrefix("20") == true)
        #expect(access["consumerName"]?.stringValue?.isEmpty == false)

        let other = try await gateway.get(
            "/v1/transparency/persons/\(x)/accesses", headers: ["Authorization": "Citizen \(yToken)"], client: client
        )
        #expect(other.status == 403)
        #expect(other.problemCode == "access-denied")
        #expect(!String(decoding: other.body, as: UTF8.self).contains(x))

        // A consumer's credential or a forged token is not a citizen.
        for authorization in [
            "Bearer \(try gateway.token("motcua.token"))", "Citizen ct1.\(x).AAAA", "Citizen \(xToken)x",
        ] {
            let refused = try await gateway.get(
                "/v1/transparency/persons/\(x)/accesses", headers: ["Authorization": authorization], client: client
            )
            #expect(refused.status == 401, "\(authorization.prefix(8))")
            #expect(refused.problemCode == "unauthenticated")
        }
        let anonymous = try await gateway.get("/v1/transparency/persons/\(x)/accesses", client: client)
        #expect(anonymous.status == 401)
    }
}
