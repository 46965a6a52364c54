import Foundation
import LienthongAudit
import LienthongHTTP
import LienthongJSON
import LienthongTrust
import Testing

/// `GET /v1/persons/{personalId}/profile`: one signed envelope assembling a person's parts from four registries,
/// each part only if granted for the purpose.
@Suite(.serialized)
struct PersonProfileTests {
    /// A person of the seeds who represents an enterprise, holds a parcel and has insurance records.
    static func personInEveryRegistry() throws -> (id: String, enterprises: Int, parcels: Int, insurance: Int) {
        let enterprises = try Seeds.rows("enterprise.csv").compactMap { $0["cccd_nguoi_dai_dien"] }
        let insurance = try Seeds.rows("insurance.csv").compactMap { $0["so_cccd"] }
        let land = try JSONValue.parse(
            Array(try Data(contentsOf: GatewayProcess.root.appendingPathComponent("seeds/land.json")))
        )
        let holders = (land.arrayValue ?? []).flatMap { parcel in
            Set((parcel["chuSuDung"]?.arrayValue ?? []).compactMap { $0["soGiayTo"]?.stringValue })
        }
        let id = try #require(
            try Seeds.rows("population.csv").compactMap { $0["so_dinh_danh"] }.first {
                enterprises.contains($0) && insurance.contains($0) && holders.contains($0)
            }
        )
        return (
            id, enterprises.filter { $0 == id }.count, holders.filter { $0 == id }.count,
            insurance.filter { $0 == id }.count
        )
    }

    /// The demo configuration with MOTCUA granted every registry for `residence-verification`.
    private static func configurationGrantingAll() throws -> URL {
        try GatewayProcess.demoConfiguration { directory in
            try GatewayProcess.grantResidenceVerificationToMOTCUA(in: directory)
        }
    }

    @Test func grantedConsumerGetsEveryPartSignedAndAudited() async throws {
        let gateway = try GatewayProcess(configDirectory: try Self.configurationGrantingAll())
        let person = try Self.personInEveryRegistry()
        let requestID = UUID().uuidString.lowercased()
        let response = try await gateway.get(
            "/v1/persons/\(person.id)/profile",
            headers: [
                "Authorization": "Bearer \(try gateway.token("motcua.token"))",
                "Lienthong-Purpose": "residence-verification", "Lienthong-Request-Id": requestID,
            ],
            client: gateway.client()
        )
        #expect(response.status == 200)
        let envelope = response.json
        let message = try #require(envelope["message"])
        #expect(message["schema"] == "person-profile.v1")
        #expect(message["type"] == "profile")
        let profile = try #require(message["record"])
        #expect(profile["person"]?["personalId"]?.stringValue == person.id)
        #expect(profile["enterprises"]?.arrayValue?.count == person.enterprises)
        #expect(profile["parcels"]?.arrayValue?.count == person.parcels)
        #expect(profile["insurance"]?.arrayValue?.count == person.insurance)
        for enterprise in profile["enterprises"]?.arrayValue ?? [] {
            #expect(enterprise["legalRepresentative"]?["personalId"]?.stringValue == person.id)
        }

        // The whole profile is valid against its schema, and the signature verifies.
        let check = try await gateway.client().send(
            HTTPClientRequest(
                url: gateway.baseURL + "/v1/schemas/person-profile.v1/validate", method: .post,
                body: profile.serializedBytes()
            )
        )
        #expect(check.json["valid"] == true)
        let trust = CertificateVerifier(
            trustStore: try TrustStore.load(anchorFiles: [URL(fileURLWithPath: gateway.rootCA)])
        )
        #expect(try EnvelopeVerifier.verify(envelope, trust: trust, at: Date()).member == "VN/GOV/BCA/DANCU")

        // One audit record per part, all released.
        let records = try AuditLog.allRecords(path: gateway.auditPath).filter { $0.requestID == requestID }
        #expect(records.count == 4)
        #expect(records.allSatisfy { $0.outcome == .allowed })
        #expect(Set(records.compactMap(\.service)).count == 4)
    }

    @Test func partsNotGrantedAreWithheldWithAReason() async throws {
        let gateway = try SharedGateway.get()
        let person = try Self.personInEveryRegistry()
        let requestID = UUID().uuidString.lowercased()
        let response = try await gateway.get(
            "/v1/persons/\(person.id)/profile",
            headers: [
                "Authorization": "Bearer \(try gateway.token("thue.token"))", "Lienthong-Purpose": "tax-administration",
                "Lienthong-Request-Id": requestID,
            ],
            client: gateway.client()
        )
        #expect(response.status == 200)
        let profile = try #require(response.json["message"]?["record"])
        // THUE: person (three fields) and enterprises for tax administration; no land or insurance grant.
        let personFields = Set(profile["person"]?.objectValue?.keys.map { $0 } ?? [])
        #expect(personFields == ["personalId", "fullName", "permanentAddress"])
        #expect(profile["enterprises"]?.arrayValue?.count == person.enterprises)
        for member in ["parcels", "insurance"] {
            #expect(profile[member]?["withheld"] == true, "\(member)")
            #expect(profile[member]?["reason"]?.stringValue?.isEmpty == false)
            #expect(profile[member]?["code"]?.stringValue?.isEmpty == false)
        }
        #expect(!String(decoding: response.body, as: UTF8.self).contains("so_cccd"))
        let records = try AuditLog.allRecords(path: gateway.auditPath).filter { $0.requestID == requestID }
        #expect(records.filter { $0.outcome == .allowed }.count == 2)
        #expect(records.filter { $0.outcome == .denied }.count == 2)

        let noPurpose = try await gateway.get(
            "/v1/persons/\(person.id)/profile", headers: ["Authorization": "Bearer \(try gateway.token("thue.token"))"],
            client: gateway.client()
        )
        #expect(noPurpose.status == 400)
        #expect(noPurpose.problemCode == "purpose-required")
        let nobody = try await gateway.get(
            "/v1/persons/\(person.id)/profile",
            headers: [
                "Authorization": "Bearer \(try gateway.token("vcci.token"))", "Lienthong-Purpose": "tax-administration",
            ],
            client: gateway.client()
        )
        #expect(nobody.status == 403)
    }
}
