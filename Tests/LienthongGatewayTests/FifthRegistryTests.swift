import Foundation
import LienthongConnectors
import LienthongJSON
import LienthongTesting
import LienthongTrust
import Testing

/// A fifth registry added by configuration alone: Khánh Hòa's civil status register (births and marriages), a CSV
/// file, with its canonical schema, mapping, member, purpose and grant written into a copy of `config/demo` from
/// `Tests/Fixtures/civil-status`, served by the already built `lienthong` binary.
@Suite(.serialized)
struct FifthRegistryTests {
    /// The files an operator writes to add the registry.
    static let fixture = Repository.root.appendingPathComponent("Tests/Fixtures/civil-status")

    /// `config/demo` plus the civil status registry: the schema beside a copy of the canonical schemas (node.json's
    /// `schemas` points there), the connector file, and the entries of the fixture's lists appended to the demo's.
    static func configuration() throws -> URL {
        try GatewayProcess.demoConfiguration { directory in
            let files = FileManager.default
            let schemas = directory.appendingPathComponent("schemas")
            try files.copyItem(at: Repository.root.appendingPathComponent("schemas"), to: schemas)
            try files.copyItem(
                at: fixture.appendingPathComponent("schemas/civil-status.v1.json"),
                to: schemas.appendingPathComponent("civil-status.v1.json"))
            try files.copyItem(
                at: fixture.appendingPathComponent("registries/civil-status.json"),
                to: directory.appendingPathComponent("registries/civil-status.json"))
            for list in ["members.json", "purposes.json", "grants.json", "registries.json"] {
                let file = directory.appendingPathComponent(list)
                let entries = try JSONValue.parse(Array(try Data(contentsOf: fixture.appendingPathComponent(list))))
                let demo = try JSONValue.parse(Array(try Data(contentsOf: file)))
                try Data(JSONValue.array((demo.arrayValue ?? []) + (entries.arrayValue ?? [])).serializedBytes(pretty: true))
                    .write(to: file)
            }
            try GatewayProcess.editJSON(directory.appendingPathComponent("node.json")) { $0["schemas"] = "schemas" }
        }
    }

    /// A new data directory holding the agency's CSV file (the connector's relative `path` points into it).
    static func dataDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: fixture.appendingPathComponent("data/civil-status.csv"), to: directory.appendingPathComponent("civil-status.csv"))
        return directory
    }

    /// The register's rows by registration number, as the agency wrote them.
    static func rows() throws -> [String: [String: String]] {
        let text = try String(contentsOf: fixture.appendingPathComponent("data/civil-status.csv"), encoding: .utf8)
        let rows = try #require(CSVTable(text: text)).records
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["so_dang_ky"] ?? "", $0) })
    }

    static let purpose = ["Lienthong-Purpose": "civil-status-verification"]

    @Test func fiveRegistriesAnswerThroughTheirConnectorsWithoutARebuild() async throws {
        let configuration = try Self.configuration()
        let data = try Self.dataDirectory()
        // `config check` finds the new schema through node.json's `schemas`, and the CSV file in the data directory,
        // as `serve` does.
        let check = try ChildProcess.run(
            GatewayProcess.binary, ["config", "check", configuration.path, "--data-dir", data.path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")

        let gateway = try GatewayProcess(configDirectory: configuration, dataDirectory: data)
        defer { gateway.stop() }
        let client = gateway.client()
        let token = try gateway.token("motcua.token")
        let lookups = try Seeds.demoLookups() + [
            ("/v1/records/civil-status/KS-56004-2024-000127", "civil-status-verification", "civil-status.v1")
        ]
        for lookup in lookups {
            let response = try await gateway.get(
                lookup.path, headers: ["Authorization": "Bearer \(token)", "Lienthong-Purpose": lookup.purpose],
                client: client
            )
            #expect(response.status == 200, "\(lookup.path): \(response.json)")
            #expect(response.json["message"]?["schema"]?.stringValue == lookup.schema)
        }
        let schemas = try await gateway.get("/v1/schemas", client: client)
        let entry = schemas.json["schemas"]?.arrayValue?.first { $0["id"] == "civil-status.v1" }
        #expect(entry?["x-title-vi"] == "Đăng ký hộ tịch")
        let services = try await gateway.get("/v1/services", headers: ["Authorization": "Bearer \(token)"], client: client)
        let service = services.json["services"]?.arrayValue?.first { $0["registry"] == "civil-status" }
        #expect(service?["purposes"]?[0]?["code"] == "civil-status-verification")
        let ready = try await gateway.admin("/readyz", client: client)
        #expect(ready.json["components"]?["civil-status"]?["status"] == "up")
        // The API description names the new registry and carries its schema.
        let description = try await gateway.get("/openapi.json", client: client)
        let registries = description.json["components"]?["schemas"]?["RegistryName"]?["enum"]?.arrayValue ?? []
        #expect(registries.contains("civil-status"))
        #expect(description.json["components"]?["schemas"]?["civil-status.v1"]?["x-title-vi"] == "Đăng ký hộ tịch")
        #expect(description.json["components"]?["schemas"]?["PurposeCode"]?["enum"]?.arrayValue?.contains("civil-status-verification") == true)
    }

    @Test func civilStatusRecordsAreMappedSignedAndGranted() async throws {
        let gateway = try GatewayProcess(configDirectory: try Self.configuration(), dataDirectory: try Self.dataDirectory())
        defer { gateway.stop() }
        let client = gateway.client()
        let motcua = ["Authorization": "Bearer \(try gateway.token("motcua.token"))"].merging(Self.purpose) { a, _ in a }
        let rows = try Self.rows()

        // A birth whose names the agency stored decomposed (NFD): NFC, ISO dates and codes in the record.
        let native = try #require(rows["KS-56004-2024-000128"])
        let nativeName = try #require(native["ho_ten"])
        let name = nativeName.precomposedStringWithCanonicalMapping
        // Swift's == compares canonical equivalents as equal: the forms are told apart by their scalars.
        #expect(!nativeName.unicodeScalars.elementsEqual(name.unicodeScalars))
        let response = try await gateway.get("/v1/records/civil-status/KS-56004-2024-000128", headers: motcua, client: client)
        #expect(response.status == 200, "\(response.json)")
        let envelope = response.json
        let message = try #require(envelope["message"])
        #expect(message["provider"] == "VN/GOV/KHANHHOA/HOTICH")
        #expect(message["service"] == "VN/GOV/KHANHHOA/HOTICH/civil-status")
        #expect(message["purpose"] == "civil-status-verification")
        let record = try #require(message["record"])
        let expected: JSONValue = [
            "registrationNumber": "KS-56004-2024-000128", "event": "birth", "registeredOn": "2024-03-18",
            "bookNumber": "01/2024",
            "registrationOffice": [
                "communeCode": "56004", "communeName": "Phường Nha Trang", "provinceCode": "56",
                "provinceName": "Tỉnh Khánh Hòa",
            ],
            "birth": [
                "child": [
                    "personalId": "056324012346", "fullName": .string(name),
                    "dateOfBirth": "2024-03-09", "sex": "female",
                    "placeOfBirth": "Bệnh viện Đa khoa tỉnh Khánh Hòa, phường Nha Trang", "ethnicity": "Kinh",
                    "nationality": "VN",
                ],
                "mother": ["fullName": "Lê Thị Phương Thảo"],
            ],
        ]
        #expect(record == expected)
        let mapped = try #require(record["birth"]?["child"]?["fullName"]?.stringValue)
        #expect(mapped.unicodeScalars.elementsEqual(name.unicodeScalars))
        // The signature verifies against the development root and names the province's subsystem.
        let trust = CertificateVerifier(trustStore: try TrustStore.load(anchorFiles: [URL(fileURLWithPath: gateway.rootCA)]))
        let verified = try EnvelopeVerifier.verify(envelope, trust: trust, at: Date())
        #expect(verified.member == "VN/GOV/KHANHHOA/HOTICH")

        // A marriage: both spouses, no birth part.
        let marriage = try await gateway.get("/v1/records/civil-status/KH-56004-2024-000031", headers: motcua, client: client)
        let spouses = try #require(marriage.json["message"]?["record"]?["marriage"])
        #expect(spouses["husband"] == ["personalId": "056095001122", "fullName": "Trần Đức Thắng", "dateOfBirth": "1995-07-11"])
        let wife = try #require(spouses["wife"]?["fullName"]?.stringValue)
        #expect(wife.unicodeScalars.elementsEqual("Huỳnh Thị Mỹ Duyên".precomposedStringWithCanonicalMapping.unicodeScalars))
        #expect(marriage.json["message"]?["record"]?["birth"] == nil)

        // Other consumers hold no grant for the service; unknown and malformed keys.
        for tokenFile in ["thue.token", "vcci.token"] {
            let denied = try await gateway.get(
                "/v1/records/civil-status/KS-56004-2024-000128",
                headers: ["Authorization": "Bearer \(try gateway.token(tokenFile))"].merging(Self.purpose) { a, _ in a },
                client: client
            )
            #expect(denied.status == 403, "\(tokenFile)")
            #expect(denied.problemCode == "access-denied")
            #expect(denied.headers["Content-Type"] == "application/problem+json")
        }
        let absent = try await gateway.get("/v1/records/civil-status/KS-56004-2024-999999", headers: motcua, client: client)
        #expect(absent.status == 404)
        #expect(absent.problemCode == "record-not-found")
        let malformed = try await gateway.get("/v1/records/civil-status/KS%2056004", headers: motcua, client: client)
        #expect(malformed.status == 400)
        #expect(malformed.problemCode == "invalid-identifier")
    }

    @Test func aChangedFileIsServedAtTheNextLookup() async throws {
        let data = try Self.dataDirectory()
        let gateway = try GatewayProcess(configDirectory: try Self.configuration(), dataDirectory: data)
        defer { gateway.stop() }
        let client = gateway.client()
        let motcua = ["Authorization": "Bearer \(try gateway.token("motcua.token"))"].merging(Self.purpose) { a, _ in a }
        let file = data.appendingPathComponent("civil-status.csv")
        let original = try String(contentsOf: file, encoding: .utf8)
        /// Replaces the register as an agency would: a new file renamed into place.
        func publish(_ text: String) throws {
            let next = data.appendingPathComponent("civil-status.csv.new")
            try Data(text.utf8).write(to: next)
            #expect(rename(next.path, file.path) == 0)
        }
        func child(_ key: String) async throws -> (status: Int, code: String?, name: String?) {
            let response = try await gateway.get("/v1/records/civil-status/\(key)", headers: motcua, client: client)
            return (response.status, response.problemCode, response.json["message"]?["record"]?["birth"]?["child"]?["fullName"]?.stringValue)
        }
        #expect(try await child("KS-56008-2024-000045").name == "Đặng Quốc Bảo")

        // A correction (cải chính) of a name and a new registration, without a restart.
        let newRow = "KS-56008-2024-000046,KS,02/2024,29/05/2024,56008,Lê Gia Hân,Nữ,20/05/2024,056324020452,"
            + "Trạm Y tế phường Bắc Nha Trang,Kinh,Việt Nam,Lê Thị Hồng,,,,,,,,\n"
        let corrected = original.replacingOccurrences(of: "Đặng Quốc Bảo", with: "Đặng Quốc Bảo Anh") + newRow
        try publish(corrected)
        #expect(try await child("KS-56008-2024-000045").name == "Đặng Quốc Bảo Anh")
        #expect(try await child("KS-56008-2024-000046").name == "Lê Gia Hân")

        // A file that breaks its contract (a registration number twice) is the agency's fault: 502, not a guess.
        try publish(corrected + newRow)
        let duplicate = try await child("KS-56008-2024-000046")
        #expect(duplicate.status == 502 && duplicate.code == "upstream-contract-violation")

        // No file: the registry is unavailable and not ready.
        try FileManager.default.removeItem(at: file)
        let missing = try await child("KS-56008-2024-000045")
        #expect(missing.status == 502 && missing.code == "upstream-unavailable")
        // One registry down, the others served: degraded, still 200 for the load balancer.
        let ready = try await gateway.admin("/readyz", client: client)
        #expect(ready.status == 200)
        #expect(ready.json["status"] == "degraded")
        #expect(ready.json["components"]?["civil-status"]?["status"] == "down")
        #expect(ready.json["components"]?["population"]?["status"] == "up")
        let bare = try await gateway.get("/readyz", client: client)
        #expect(bare.status == 200 && bare.json == ["status": "degraded"])

        // The agency publishes again: served again.
        try publish(original)
        #expect(try await child("KS-56008-2024-000045").name == "Đặng Quốc Bảo")
        #expect(try await child("KS-56008-2024-000046").status == 404)
    }
}
