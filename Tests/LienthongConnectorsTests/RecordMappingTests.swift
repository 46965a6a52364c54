import Foundation
import LienthongConnectors
import LienthongJSON
import Testing

struct RecordMappingTests {
    static func codeLists() throws -> CodeLists {
        var lists = CodeLists()
        try lists.add(document: try TestSupport.readJSON(TestSupport.path("config/demo/codes/administrative-units.json")))
        return lists
    }

    static func configuration(_ registry: String) throws -> RegistryConfiguration {
        try RegistryConfiguration.load(path: TestSupport.path("config/demo/registries/\(registry).json"))
    }

    @Test func populationRowWithDecomposedNameMapsToCanonicalPerson() throws {
        let mapping = try Self.configuration("population").mapping
        let nfdName = "Nguyễn Thị Hương".decomposedStringWithCanonicalMapping
        let row: JSONValue = [
            "so_dinh_danh": "001190012345", "ho_ten": .string(" " + nfdName), "ngay_sinh": "05/09/1990",
            "gioi_tinh": .string("Nữ".decomposedStringWithCanonicalMapping), "dan_toc": "Kinh", "quoc_tich": "Việt Nam",
            "que_quan": "Xã Nam Đàn, Tỉnh Nghệ An", "dia_chi_chi_tiet": "Số 12 đường Láng", "ma_xa": "00004",
            "ma_tinh": "01", "trang_thai": "Còn sống",
        ]
        let person = try mapping.map(row)
        let expected: JSONValue = [
            "personalId": "001190012345", "fullName": "Nguyễn Thị Hương", "dateOfBirth": "1990-09-05",
            "sex": "female", "ethnicity": "Kinh", "nationality": "VN", "placeOfOrigin": "Xã Nam Đàn, Tỉnh Nghệ An",
            "permanentAddress": [
                "addressLine": "Số 12 đường Láng", "communeCode": "00004", "communeName": "Phường Ba Đình",
                "provinceCode": "01", "provinceName": "Thành phố Hà Nội",
            ],
            "status": "alive",
        ]
        #expect(person == expected)
        // String == ignores normalisation: compare the scalars to be sure the name is NFC now.
        let fullName = try #require(person["fullName"]?.stringValue)
        #expect(Array(fullName.unicodeScalars) == Array("Nguyễn Thị Hương".precomposedStringWithCanonicalMapping.unicodeScalars))
        #expect(Array(nfdName.unicodeScalars) != Array(fullName.unicodeScalars))
        #expect(person["sex"]?.stringValue == "female")
    }

    @Test func maleSexAndDeceasedStatus() throws {
        let mapping = try Self.configuration("population").mapping
        var row = try #require(try Self.populationRow().objectValue)
        row["gioi_tinh"] = "Nam"
        row["trang_thai"] = "Đã mất"
        let person = try mapping.map(.object(row))
        #expect(person["sex"] == "male")
        #expect(person["status"] == "deceased")
    }

    static func populationRow() throws -> JSONValue {
        [
            "so_dinh_danh": "079090000001", "ho_ten": "Trần Văn Nam", "ngay_sinh": "31/12/1990", "gioi_tinh": "Nam",
            "dan_toc": "Kinh", "quoc_tich": "Việt Nam", "que_quan": "Phường Sài Gòn", "dia_chi_chi_tiet": "Số 1",
            "ma_xa": "79004", "ma_tinh": "79", "trang_thai": "Còn sống",
        ]
    }

    @Test func missingRequiredFieldNamesFieldAndRuleNotValue() throws {
        let mapping = try Self.configuration("population").mapping
        var row = try #require(try Self.populationRow().objectValue)
        row["ngay_sinh"] = .null
        let error = try #require(throws: MappingError.self) { try mapping.map(.object(row)) }
        #expect(error.code == .missingField)
        #expect(error.field == "ngay_sinh" && error.target == "/dateOfBirth" && error.rule == "required")
        #expect(error.registry == "population")
    }

    @Test func badDateBecomesUpstreamContractViolation() async throws {
        let mapping = try Self.configuration("population").mapping
        var row = try #require(try Self.populationRow().objectValue)
        row["ngay_sinh"] = "31/02/1990"
        let connector = StaticConnector(records: ["079090000001": .object(row)])
        let registry = MappedRegistry(name: "population", schema: "person.v1", connector: connector, mapping: mapping)
        let error = try await #require(throws: ConnectorError.self) { try await registry.record(key: "079090000001") }
        #expect(error.code == .upstreamContractViolation)
        #expect(error.cause == "mapping.invalid-date")
        #expect(error.problem.code == "upstream-contract-violation")
        #expect(error.problem.status == 502)
        #expect(error.detail.contains("ngay_sinh") && error.detail.contains("date(dd/MM/yyyy)"))
        #expect(!error.detail.contains("31/02/1990") && !error.description.contains("31/02/1990"))
        #expect(try await registry.record(key: "000000000000") == nil)
    }

    @Test func landDocumentMapsHoldersOfBothKinds() throws {
        let mapping = try Self.configuration("land").mapping
        let document: JSONValue = [
            "maXa": "00004", "soToBanDo": 12, "soThua": 345, "dienTich": "123,5", "mucDichSuDung": "ODT",
            "soSerieGCN": "CS123456", "ngayCapGCN": "2019-03-04T00:00:00", "diaChi": "Thửa đất số 345",
            "chuSuDung": [
                ["loai": "CN", "soGiayTo": "001190012345", "ten": .string("Lê Văn Bình".decomposedStringWithCanonicalMapping)],
                ["loai": "TC", "soGiayTo": "0101234567", "ten": "Công ty Cổ phần Sao Mai"],
            ],
        ]
        let parcel = try mapping.map(document)
        #expect(parcel["parcelId"] == "00004-12-345")
        #expect(parcel["mapSheet"] == 12 && parcel["parcelNumber"] == 345)
        #expect(parcel["area"]?.numberValue?.double == 123.5)
        #expect(parcel["certificateIssuedOn"] == "2019-03-04")
        #expect(parcel["holders"] == [
            ["kind": "person", "personalId": "001190012345", "fullName": "Lê Văn Bình"],
            ["kind": "enterprise", "enterpriseCode": "0101234567", "name": "Công ty Cổ phần Sao Mai"],
        ])
        #expect(parcel["address"] == [
            "addressLine": "Thửa đất số 345", "communeCode": "00004", "communeName": "Phường Ba Đình",
            "provinceCode": "01", "provinceName": "Thành phố Hà Nội",
        ])
    }

    @Test func invalidConfigurationIsRejected() throws {
        let bad: [JSONValue] = [
            [["target": "personalId", "source": "a"]],  // not a pointer
            [["target": "/a"]],  // no source
            [["target": "/a", "source": "a", "transforms": ["reverse"]]],
            [["target": "/a", "source": "a", "transforms": [["date": "dd/QQ/yyyy"]]]],
            [["target": "/a", "source": "a", "transforms": [["codeList": "nowhere"]]]],
        ]
        for configuration in bad {
            #expect(throws: MappingError.self) { try RecordMapping(registry: "t", configuration: configuration) }
        }
        let unknownList = try #require(throws: MappingError.self) {
            try RecordMapping(registry: "t", configuration: [["target": "/a", "source": "a", "transforms": [["codeList": "nowhere"]]]])
        }
        #expect(unknownList.code == .unknownCodeList)
    }

    @Test func concatNestedTargetsConstantsAndConditions() throws {
        let mapping = try RecordMapping(
            registry: "t",
            configuration: [
                ["target": "/id", "concat": ["a", "/n/b"], "separator": "-"],
                ["target": "/x/y/z", "constant": "VN"],
                ["target": "/only", "source": "a", "when": ["source": "kind", "equals": "1"]],
                ["target": "/opt", "source": "missing", "optional": true],
            ]
        )
        #expect(try mapping.map(["a": "A", "n": ["b": 7], "kind": 1]) == ["id": "A-7", "x": ["y": ["z": "VN"]], "only": "A"])
        #expect(try mapping.map(["a": "A", "n": ["b": 7], "kind": 2]) == ["id": "A-7", "x": ["y": ["z": "VN"]]])
        let error = try #require(throws: MappingError.self) { try mapping.map(["a": "A", "kind": 1]) }
        #expect(error.code == .missingField && error.field == "a+/n/b")
    }
}

/// A connector over a fixed dictionary of native records.
struct StaticConnector: RegistryConnector {
    let records: [String: NativeRecord]
    func lookup(key: String) async throws(ConnectorError) -> NativeRecord? { records[key] }
    func health() async -> ConnectorHealth { .up }
    func close() async {}
}
