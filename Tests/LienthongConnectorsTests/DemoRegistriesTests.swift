import Foundation
import LienthongConnectors
import LienthongJSON
import LienthongSchema
import LienthongStorage
import Testing

struct DemoRegistriesTests {
    static let seeds = TestSupport.path("seeds")

    static let address: Set<String> = ["addressLine", "communeCode", "communeName", "provinceCode", "provinceName"]

    @Test func buildIsIdempotentAndRebuildsWhenSeedsChange() throws {
        let data = try TestSupport.temporaryDirectory()
        #expect(try DemoRegistries.build(seedsDirectory: Self.seeds, dataDirectory: data).sorted() == ["enterprise", "insurance", "land", "population"])
        #expect(try DemoRegistries.build(seedsDirectory: Self.seeds, dataDirectory: data) == [])
        let db = try SQLiteDatabase(path: data + "/land.sqlite", mode: .readOnly)
        #expect(try db.query("SELECT count(*) FROM thua_dat") == [[.integer(500)]])

        let copy = try TestSupport.temporaryDirectory()
        for name in ["population.csv", "enterprise.csv", "insurance.csv", "land.json"] {
            try FileManager.default.copyItem(atPath: Self.seeds + "/" + name, toPath: copy + "/" + name)
        }
        let lines = try String(contentsOfFile: copy + "/population.csv", encoding: .utf8).split(separator: "\n")
        try (lines.dropLast().joined(separator: "\n") + "\n").write(toFile: copy + "/population.csv", atomically: true, encoding: .utf8)
        #expect(try DemoRegistries.build(seedsDirectory: copy, dataDirectory: data) == ["population"])
        let population = try SQLiteDatabase(path: data + "/population.sqlite", mode: .readOnly)
        #expect(try population.query("SELECT count(*) FROM cong_dan") == [[.integer(Int64(lines.count - 2))]])
    }

    @Test(arguments: ["population", "enterprise", "insurance"])
    func everySeedRowMapsToTheCanonicalFieldSet(registry: String) async throws {
        let data = try TestSupport.temporaryDirectory()
        try DemoRegistries.build(seedsDirectory: Self.seeds, dataDirectory: data)
        let configuration = try RecordMappingTests.configuration(registry)
        let mapped = try MappedRegistry(configuration: configuration, dataDirectory: data, httpClient: TestSupport.httpClient)
        let (file, keyColumn) =
            switch registry {
            case "population": ("population.csv", "so_dinh_danh")
            case "enterprise": ("enterprise.csv", "ma_so_doanh_nghiep")
            default: ("insurance.csv", "ma_so_bhxh")
            }
        let csv = try #require(CSVTable(text: try TestSupport.readText("seeds/\(file)")))
        var count = 0
        for row in csv.records {
            let record = try #require(try await mapped.record(key: row[keyColumn]!))
            try Self.checkShape(registry: registry, record)
            count += 1
        }
        #expect(count == csv.rows.count)
        await mapped.connector.close()
    }

    @Test func everyLandParcelMapsToTheCanonicalFieldSet() throws {
        let mapping = try RecordMappingTests.configuration("land").mapping
        let parcels = try #require(try TestSupport.readJSON(TestSupport.path("seeds/land.json")).arrayValue)
        for parcel in parcels { try Self.checkShape(registry: "land", try mapping.map(parcel)) }
        #expect(parcels.count == 500)
    }

    /// The canonical schemas, compiled once.
    static let catalog = Result { try SchemaCatalog.load(directory: URL(fileURLWithPath: TestSupport.path("schemas"))) }

    static func checkShape(registry: String, _ record: JSONValue) throws {
        // Every mapped seed record is valid against its canonical schema (formats and ID rules asserted).
        let schema = ["population": "person.v1", "enterprise": "enterprise.v1", "land": "land-parcel.v1",
                      "insurance": "insurance-participation.v1"][registry]!
        let result = try #require(try catalog.get().compiled(schema)).validate(record)
        #expect(result.isValid, "\(registry): \(result.errors.first.map { "\($0.keywordLocation): \($0.error)" } ?? "")")
        let keys = Set(try #require(record.objectValue).keys)
        func iso(_ name: String) { #expect(record[name]?.stringValue?.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil, "\(name)") }
        func isAddress(_ value: JSONValue?) {
            #expect(Set(value?.objectValue?.keys ?? []) == address)
            #expect(value?["communeCode"]?.stringValue?.count == 5 && value?["provinceCode"]?.stringValue?.count == 2)
        }
        switch registry {
        case "population":
            #expect(keys == ["personalId", "fullName", "dateOfBirth", "sex", "ethnicity", "nationality", "placeOfOrigin", "permanentAddress", "status"])
            iso("dateOfBirth")
            #expect(["male", "female"].contains(record["sex"]?.stringValue ?? ""))
            #expect(["alive", "deceased"].contains(record["status"]?.stringValue ?? ""))
            #expect(record["nationality"] == "VN")
            let name = try #require(record["fullName"]?.stringValue)
            #expect(Array(name.unicodeScalars) == Array(name.precomposedStringWithCanonicalMapping.unicodeScalars))
            isAddress(record["permanentAddress"])
            // digits 4-6 of the ID agree with the mapped sex and birth year
            let id = Array(try #require(record["personalId"]?.stringValue))
            let year = Int(record["dateOfBirth"]!.stringValue!.prefix(4))!
            #expect(String(id[3]) == String((year >= 2000 ? 2 : 0) + (record["sex"] == "male" ? 0 : 1)))
        case "enterprise":
            let required: Set<String> = ["enterpriseCode", "name", "type", "status", "registeredOn", "charterCapital", "headOffice", "legalRepresentative", "businessLines"]
            #expect(required.isSubset(of: keys) && keys.isSubset(of: required.union(["nameEnglish", "parentEnterpriseCode"])))
            iso("registeredOn")
            #expect(record["charterCapital"]?.numberValue?.int != nil)
            #expect((record["type"] == "branch") == keys.contains("parentEnterpriseCode"))
            #expect(Set(record["legalRepresentative"]?.objectValue?.keys ?? []) == ["personalId", "fullName"])
            #expect(record["businessLines"]?.arrayValue?.isEmpty == false)
            isAddress(record["headOffice"])
        case "insurance":
            let required: Set<String> = ["socialInsuranceNumber", "personalId", "fullName", "dateOfBirth", "status", "startedOn", "salaryBase"]
            #expect(required.isSubset(of: keys) && keys.isSubset(of: required.union(["employerEnterpriseCode", "endedOn"])))
            iso("dateOfBirth")
            iso("startedOn")
            #expect(record["startedOn"]?.stringValue?.hasSuffix("-01") == true)
            #expect((record["status"] == "ended") == keys.contains("endedOn"))
            #expect(record["salaryBase"]?.numberValue?.int != nil)
        default:
            #expect(keys == ["parcelId", "communeCode", "mapSheet", "parcelNumber", "area", "landUse", "certificateSerial", "holders", "address", "certificateIssuedOn"])
            iso("certificateIssuedOn")
            let holders = try #require(record["holders"]?.arrayValue)
            #expect(!holders.isEmpty)
            for holder in holders {
                let holderKeys = Set(holder.objectValue?.keys ?? [])
                #expect(holderKeys == ["kind", "personalId", "fullName"] || holderKeys == ["kind", "enterpriseCode", "name"])
            }
            isAddress(record["address"])
        }
    }
}
