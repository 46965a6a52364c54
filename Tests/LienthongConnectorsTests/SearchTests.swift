import Foundation
import LienthongConnectors
import LienthongHTTP
import LienthongJSON
import Testing

struct SearchTests {
    static let seeds = TestSupport.path("seeds")

    static func registry(_ name: String, data: String) throws -> MappedRegistry {
        try MappedRegistry(
            configuration: try RecordMappingTests.configuration(name), dataDirectory: data, httpClient: TestSupport.httpClient)
    }

    static func demoData() throws -> String {
        let data = try TestSupport.temporaryDirectory()
        try DemoRegistries.build(seedsDirectory: seeds, dataDirectory: data)
        return data
    }

    @Test func personByFullNameAndDateOfBirthIgnoresCaseAndNormalisation() async throws {
        let population = try Self.registry("population", data: try Self.demoData())
        // Stored in NFD in the seed; searched in NFC, lowercase, with stray spaces.
        let stored = try #require(CSVTable(text: try TestSupport.readText("seeds/population.csv"))?.records
            .first { $0["so_dinh_danh"] == "031196876177" })
        #expect(stored["ho_ten"]!.unicodeScalars.count != stored["ho_ten"]!.precomposedStringWithCanonicalMapping.unicodeScalars.count)
        for name in ["nguyễn phương huyền", "  NGUYỄN PHƯƠNG HUYỀN ", stored["ho_ten"]!] {
            let result = try await population.search(
                criteria: SearchCriteria(["fullName": name, "dateOfBirth": "1996-12-10"]), page: SearchPage())
            #expect(result.records.map { $0["personalId"] } == ["031196876177"], "\(name)")
            #expect(result.records.first?["fullName"] == "Nguyễn Phương Huyền")
            #expect(result.nextOffset == nil)
        }
        let otherDay = try await population.search(
            criteria: SearchCriteria(["fullName": "nguyễn phương huyền", "dateOfBirth": "1996-12-11"]), page: SearchPage())
        #expect(otherDay.records.isEmpty)
        let otherName = try await population.search(
            criteria: SearchCriteria(["fullName": "nguyễn phương", "dateOfBirth": "1996-12-10"]), page: SearchPage())
        #expect(otherName.records.isEmpty)
        await population.connector.close()
    }

    @Test func enterprisesByNamePrefixArePaged() async throws {
        let enterprise = try Self.registry("enterprise", data: try Self.demoData())
        let criteria = SearchCriteria(["name": "CÔNG TY TNHH"])
        var seen: [JSONValue] = []
        var offset: Int? = 0
        while let next = offset {
            let page = try await enterprise.search(criteria: criteria, page: SearchPage(limit: 40, offset: next))
            #expect(page.records.count <= 40)
            seen += page.records
            offset = page.nextOffset
        }
        #expect(seen.count == 102)
        #expect(Set(seen.compactMap { $0["enterpriseCode"]?.stringValue }).count == 102)
        #expect(seen.allSatisfy { $0["name"]?.stringValue?.lowercased().hasPrefix("công ty tnhh") == true })
        let second = try await enterprise.search(criteria: criteria, page: SearchPage(limit: 40, offset: 40))
        #expect(second.records == Array(seen[40..<80]) && second.nextOffset == 80)
        await enterprise.connector.close()
    }

    @Test func searchRejectsUnknownCriteriaAndBadPages() async throws {
        let enterprise = try Self.registry("enterprise", data: try Self.demoData())
        let unknown = try await #require(throws: ConnectorError.self) {
            try await enterprise.search(criteria: SearchCriteria(["status": "active"]), page: SearchPage())
        }
        #expect(unknown.code == .unsupported && unknown.problem.status == 501)
        for page in [SearchPage(limit: 0), SearchPage(limit: 101), SearchPage(limit: 10, offset: -1)] {
            let invalid = try await #require(throws: ConnectorError.self) {
                try await enterprise.search(criteria: SearchCriteria(["name": "công"]), page: page)
            }
            #expect(invalid.code == .invalidSearch && invalid.problem.status == 400)
        }
        let empty = try await #require(throws: ConnectorError.self) {
            try await enterprise.search(criteria: SearchCriteria(["name": "  "]), page: SearchPage())
        }
        #expect(empty.code == .invalidSearch)
        await enterprise.connector.close()
    }

    @Test func tooManyCandidatesIsTooBroad() async throws {
        let configuration = try RecordMappingTests.configuration("enterprise")
        let narrow = MappedRegistry(
            name: "enterprise", schema: "enterprise.v1",
            connector: try configuration.makeConnector(dataDirectory: try Self.demoData(), httpClient: TestSupport.httpClient),
            mapping: configuration.mapping, searches: [SearchDefinition(name: "namePrefix", match: ["name": .prefix], maxCandidates: 50)])
        // Enough matches among the first 50 candidates fill a small first page...
        #expect(try await narrow.search(criteria: SearchCriteria(["name": "công"]), page: SearchPage(limit: 5)).records.count == 5)
        // ...but a page further on could be missing matches past the cap.
        let error = try await #require(throws: ConnectorError.self) {
            try await narrow.search(criteria: SearchCriteria(["name": "chi nhánh"]), page: SearchPage(limit: 100))
        }
        #expect(error.code == .searchTooBroad && error.problem.status == 422)
        await narrow.connector.close()
    }

    @Test func aCandidateThatDoesNotMapFailsTheWholeSearch() async throws {
        let configuration = try RecordMappingTests.configuration("insurance")
        let good: NativeRecord = [
            "ma_so_bhxh": "0123456789", "so_cccd": "001190012345", "ho_ten": "A", "ngay_sinh": "19900101",
            "ma_don_vi": nil, "trang_thai": 1, "tu_thang": "01/2020", "den_thang": nil, "muc_luong": 5000000,
        ]
        var bad = good.objectValue!
        bad["ngay_sinh"] = "1990-01-01"
        let registry = MappedRegistry(
            name: "insurance", schema: "insurance-participation.v1",
            connector: SearchableConnector(rows: [good, .object(bad)]), mapping: configuration.mapping,
            searches: configuration.searches)
        let error = try await #require(throws: ConnectorError.self) {
            try await registry.search(criteria: SearchCriteria(["personalId": "001190012345"]), page: SearchPage())
        }
        #expect(error.code == .upstreamContractViolation && error.cause == "mapping.invalid-date")
    }

    @Test func insuranceByPersonalId() async throws {
        let insurance = try Self.registry("insurance", data: try Self.demoData())
        let row = try #require(CSVTable(text: try TestSupport.readText("seeds/insurance.csv"))?.records.first)
        let result = try await insurance.search(criteria: SearchCriteria(["personalId": row["so_cccd"]!]), page: SearchPage())
        #expect(result.records.contains { $0["socialInsuranceNumber"]?.stringValue == row["ma_so_bhxh"] })
        #expect(result.records.allSatisfy { $0["personalId"]?.stringValue == row["so_cccd"] })
        await insurance.connector.close()
    }
}

/// A connector whose named searches return fixed rows.
struct SearchableConnector: RegistryConnector {
    let rows: [NativeRecord]
    func lookup(key: String) async throws(ConnectorError) -> NativeRecord? { nil }
    func search(_ query: NativeSearch) async throws(ConnectorError) -> [NativeRecord] { Array(rows.prefix(query.limit)) }
    func health() async -> ConnectorHealth { .up }
    func close() async {}
}

/// The demo land agency API over `seeds/land.json`: one parcel, or the parcels of a map sheet (`?limit=`).
struct LandAPIHandler: HTTPHandler {
    let parcels: [JSONValue]

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        guard let segments = request.pathSegments, segments.count >= 5, segments[0...2] == ["api", "v1", "thua-dat"],
            let sheet = Int(segments[4])
        else { return HTTPResponse(status: 404) }
        let onSheet = parcels.filter { $0["maXa"]?.stringValue == segments[3] && $0["soToBanDo"]?.numberValue?.int == sheet }
        if segments.count == 6 {
            guard let parcel = onSheet.first(where: { $0["soThua"]?.numberValue?.int == Int(segments[5]) }) else {
                return HTTPResponse(status: 404)
            }
            return .json(Array(parcel.serializedString().utf8))
        }
        let limit = request.queryValue("limit").flatMap(Int.init) ?? 100
        return .json(Array(JSONValue.array(Array(onSheet.prefix(limit))).serializedString().utf8))
    }
}

extension SerializedSuites {
    /// Land searches go through a real HTTP server, so they stay out of the descriptor counts of the fault suite.
    @Suite struct LandSearchTests {
        @Test func parcelsByCommuneAndMapSheet() async throws {
            let parcels = try #require(try TestSupport.readJSON(TestSupport.path("seeds/land.json")).arrayValue)
            let server = HTTPServer(configuration: .init(port: 0, eventLoops: 1), handler: LandAPIHandler(parcels: parcels))
            let port = try await server.start()
            let running = Task { try await server.run() }
            let land = try MappedRegistry(
                configuration: try RecordMappingTests.configuration("land"), dataDirectory: "/",
                httpClient: TestSupport.httpClient, variables: ["port": String(port)])
            let result = try await land.search(
                criteria: SearchCriteria(["communeCode": "66012", "mapSheet": "54"]), page: SearchPage(limit: 1))
            #expect(result.records.count == 1 && result.nextOffset == 1)
            let all = try await land.search(criteria: SearchCriteria(["communeCode": "66012", "mapSheet": "54"]), page: SearchPage())
            #expect(all.records.count == 2)
            #expect(all.records.allSatisfy { $0["communeCode"] == "66012" && $0["mapSheet"] == 54 })
            #expect(all.records.first == result.records.first)
            let none = try await land.search(criteria: SearchCriteria(["communeCode": "66012", "mapSheet": "999"]), page: SearchPage())
            #expect(none.records.isEmpty)
            // A lookup of one of them still works through the same API.
            let key = try #require(all.records.first?["parcelId"]?.stringValue)
            #expect(try await land.record(key: key) == all.records.first)
            server.shutdown()
            _ = await running.result
        }
    }
}
