import Foundation
import LienthongJSON
import LienthongSchema
import Testing

/// The canonical schemas under `schemas/`: their examples pass, and a record broken by one rule
/// fails at that rule's keyword.
struct CanonicalSchemaTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("schemas")
    static let names = [
        "address.v1", "person.v1", "enterprise.v1", "land-parcel.v1", "insurance-participation.v1", "problem.v1",
        "envelope.v1", "person-profile.v1", "audit-record.v1", "config.v1", "request.v1", "document.v1",
        "global-configuration.v1", "person-profile-part.v1", "person-profile.v2",
    ]

    static func document(_ name: String) throws -> JSONValue {
        let data = try Data(contentsOf: directory.appendingPathComponent("\(name).json"))
        return try JSONValue.parse([UInt8](data))
    }

    static func registry() throws -> SchemaRegistry {
        var registry = SchemaRegistry()
        for name in names { try registry.add(try document(name)) }
        return registry
    }

    static func schema(_ name: String) throws -> JSONSchema {
        try JSONSchema.compile(
            uri: "https://lienthong.gov.vn/schemas/\(name)", registry: try registry(), options: .lienthong)
    }

    static func example(_ name: String, _ index: Int = 0) throws -> JSONValue {
        try #require(try document(name)["examples"]?.arrayValue?[index])
    }

    /// Expects `instance` to fail `name` with an error at `keywordLocation`.
    static func expectFailure(
        _ name: String, _ instance: JSONValue, at keywordLocation: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let result = try schema(name).validate(instance)
        #expect(!result.isValid, sourceLocation: sourceLocation)
        #expect(
            result.errors.contains { $0.keywordLocation == keywordLocation },
            "errors: \(result.errors.map(\.keywordLocation))", sourceLocation: sourceLocation)
    }

    @Test(arguments: names)
    func schemaHasIdTitlesAndValidatesAgainstMetaSchema(name: String) throws {
        let document = try Self.document(name)
        #expect(document["$id"] == .string("https://lienthong.gov.vn/schemas/\(name)"))
        #expect(document["title"]?.stringValue?.isEmpty == false)
        #expect(document["x-title-vi"]?.stringValue?.isEmpty == false)
        let meta = try JSONSchema.compile(
            uri: "https://json-schema.org/draft/2020-12/schema", registry: SchemaRegistry(), options: .lienthong)
        #expect(meta.validate(document).errors == [])
    }

    @Test(arguments: names)
    func examplesAreValid(name: String) throws {
        let schema = try Self.schema(name)
        let examples = try #require(try Self.document(name)["examples"]?.arrayValue)
        #expect(!examples.isEmpty)
        for example in examples {
            #expect(schema.validate(example).errors == [], "\(name)")
        }
    }

    // MARK: person.v1

    @Test func personWhoseIDDisagreesWithSexIsInvalid() throws {
        let person = try Self.example("person.v1").setting("sex", "female")
        try Self.expectFailure("person.v1", person, at: "/allOf/1/then/properties/personalId/pattern")
    }

    @Test func personWhoseIDDisagreesWithCenturyIsInvalid() throws {
        // Digit 4 = 2: a male born 2000-2099, but the date of birth says 1985.
        let person = try Self.example("person.v1").setting("personalId", "001285012345")
        try Self.expectFailure("person.v1", person, at: "/allOf/3/then/properties/dateOfBirth/pattern")
    }

    @Test func personWhoseIDDisagreesWithBirthYearIsInvalid() throws {
        let person = try Self.example("person.v1").setting("dateOfBirth", "1986-03-14")
        try Self.expectFailure("person.v1", person, at: "/x-vn-personal-id-birth-year")
        let result = try Self.schema("person.v1").validate(person)
        #expect(result.errors.map(\.keywordLocation) == ["/x-vn-personal-id-birth-year"])
    }

    @Test func personRulesOneAtATime() throws {
        let person = try Self.example("person.v1")
        try Self.expectFailure("person.v1", person.setting("personalId", "00108501234"), at: "/properties/personalId/format")
        try Self.expectFailure("person.v1", person.setting("personalId", "001485012345"), at: "/properties/personalId/format")
        try Self.expectFailure("person.v1", person.setting("sex", "Nam"), at: "/properties/sex/enum")
        try Self.expectFailure("person.v1", person.setting("status", "Còn sống"), at: "/properties/status/enum")
        try Self.expectFailure("person.v1", person.setting("dateOfBirth", "1985-02-30"), at: "/properties/dateOfBirth/format")
        try Self.expectFailure("person.v1", person.setting("nationality", "Việt Nam"), at: "/properties/nationality/pattern")
        try Self.expectFailure("person.v1", person.setting("fullName", ""), at: "/properties/fullName/minLength")
        try Self.expectFailure("person.v1", person.setting("ethnicity", nil), at: "/required")
        try Self.expectFailure("person.v1", person.setting("religion", "none"), at: "/additionalProperties")
        let address = try #require(person["permanentAddress"]).setting("communeCode", "0007")
        try Self.expectFailure(
            "person.v1", person.setting("permanentAddress", address),
            at: "/properties/permanentAddress/$ref/properties/communeCode/format")
    }

    // MARK: enterprise.v1

    @Test func enterpriseRules() throws {
        let company = try Self.example("enterprise.v1", 0)
        let branch = try Self.example("enterprise.v1", 1)
        try Self.expectFailure("enterprise.v1", branch.setting("parentEnterpriseCode", nil), at: "/then/required")
        try Self.expectFailure(
            "enterprise.v1", branch.setting("enterpriseCode", "0101234568"), at: "/then/properties/enterpriseCode/pattern")
        try Self.expectFailure("enterprise.v1", company.setting("parentEnterpriseCode", "0100000001"), at: "/else/not")
        try Self.expectFailure(
            "enterprise.v1", company.setting("enterpriseCode", "01012345"), at: "/properties/enterpriseCode/format")
        try Self.expectFailure("enterprise.v1", company.setting("type", "CP"), at: "/properties/type/enum")
        try Self.expectFailure(
            "enterprise.v1", company.setting("charterCapital", 1.5), at: "/properties/charterCapital/type")
        try Self.expectFailure(
            "enterprise.v1", company.setting("businessLines", []), at: "/properties/businessLines/minItems")
        try Self.expectFailure(
            "enterprise.v1", company.setting("registeredOn", "20120601"), at: "/properties/registeredOn/format")
    }

    // MARK: land-parcel.v1

    @Test func landParcelRules() throws {
        let parcel = try Self.example("land-parcel.v1")
        try Self.expectFailure(
            "land-parcel.v1", parcel.setting("certificateSerial", "ab123456"),
            at: "/properties/certificateSerial/format")
        try Self.expectFailure(
            "land-parcel.v1", parcel.setting("holders", [["kind": "CN", "personalId": "001085012345", "fullName": "A"]]),
            at: "/properties/holders/items/oneOf")
        try Self.expectFailure("land-parcel.v1", parcel.setting("area", 0), at: "/properties/area/exclusiveMinimum")
        try Self.expectFailure("land-parcel.v1", parcel.setting("parcelId", "4-12-345"), at: "/properties/parcelId/pattern")
        try Self.expectFailure("land-parcel.v1", parcel.setting("mapSheet", "12"), at: "/properties/mapSheet/type")
    }

    // MARK: insurance-participation.v1

    @Test func insuranceRules() throws {
        let record = try Self.example("insurance-participation.v1")
        try Self.expectFailure(
            "insurance-participation.v1", record.setting("socialInsuranceNumber", "012345678"),
            at: "/properties/socialInsuranceNumber/format")
        try Self.expectFailure(
            "insurance-participation.v1", record.setting("startedOn", "2012-07-15"), at: "/properties/startedOn/pattern")
        try Self.expectFailure(
            "insurance-participation.v1", record.setting("status", "2"), at: "/properties/status/enum")
        try Self.expectFailure(
            "insurance-participation.v1", record.setting("dateOfBirth", "1984-03-14"), at: "/x-vn-personal-id-birth-year")
    }

    // MARK: problem.v1 and envelope.v1

    @Test func problemRules() throws {
        let problem = try Self.example("problem.v1")
        try Self.expectFailure("problem.v1", problem.setting("status", 700), at: "/properties/status/maximum")
        try Self.expectFailure("problem.v1", problem.setting("code", "Access Denied"), at: "/properties/code/pattern")
        try Self.expectFailure("problem.v1", problem.setting("code", nil), at: "/required")
    }

    @Test func envelopeRules() throws {
        let envelope = try Self.example("envelope.v1")
        let message = try #require(envelope["message"])
        try Self.expectFailure(
            "envelope.v1", envelope.setting("message", message.setting("requestHash", "abc")),
            at: "/properties/message/properties/requestHash/pattern")
        try Self.expectFailure(
            "envelope.v1", envelope.setting("message", message.setting("record", nil)),
            at: "/properties/message/then/required")
        try Self.expectFailure(
            "envelope.v1", envelope.setting("message", message.setting("id", "not-a-uuid")),
            at: "/properties/message/properties/id/format")
        try Self.expectFailure(
            "envelope.v1", envelope.setting("message", message.setting("provider", "BCA")),
            at: "/properties/message/properties/provider/$ref/pattern")
        try Self.expectFailure("envelope.v1", envelope.setting("signatures", []), at: "/properties/signatures/minItems")
    }
}

extension CanonicalSchemaTests {
    // MARK: person-profile.v1, audit-record.v1, config.v1

    @Test func profilePartsAreRecordsOrWithheld() throws {
        let profile = try Self.example("person-profile.v1")
        let withheld: JSONValue = ["withheld": true, "reason": "not granted"]
        let schema = try Self.schema("person-profile.v1")
        #expect(schema.isValid(profile.setting("enterprises", withheld)))
        #expect(schema.isValid(profile.setting("person", withheld)))
        #expect(schema.isValid(profile.setting("parcels", [])))
        try Self.expectFailure(
            "person-profile.v1", profile.setting("insurance", ["withheld": true]), at: "/properties/insurance/else/$ref/required")
        try Self.expectFailure(
            "person-profile.v1", profile.setting("insurance", ["withheld": false, "reason": "x"]),
            at: "/properties/insurance/else/$ref/properties/withheld/const")
        try Self.expectFailure("person-profile.v1", profile.setting("parcels", nil), at: "/required")
        let enterprise = try Self.example("enterprise.v1").setting("charterCapital", "5 tỷ")
        try Self.expectFailure(
            "person-profile.v1", profile.setting("enterprises", [enterprise]),
            at: "/properties/enterprises/then/items/$ref/properties/charterCapital/type")
        let person = try #require(profile["person"]).setting("sex", "female")
        try Self.expectFailure(
            "person-profile.v1", profile.setting("person", person),
            at: "/properties/person/else/$ref/allOf/1/then/properties/personalId/pattern")
    }

    @Test func federatedProfilePartsAreSignedEnvelopesOrWithheld() throws {
        let profile = try Self.example("person-profile.v2")
        let schema = try Self.schema("person-profile.v2")
        #expect(schema.isValid(profile.setting("person", ["withheld": true, "reason": "not granted"])))
        // A part as the one-node profile carries it (data, not its provider's envelope) is not a v2 part.
        let data: JSONValue = try #require(try Self.example("person-profile.v1")["person"])
        try Self.expectFailure(
            "person-profile.v2", profile.setting("person", data),
            at: "/properties/person/else/$ref/$ref/required")
        // The envelope must carry the part it stands for, and only that part.
        let enterprises = try #require(profile["enterprises"])
        let swapped = try #require(profile["person"]?["message"]?["record"])
        #expect(!schema.isValid(profile.setting("enterprises", enterprises.setting("message", try #require(
            enterprises["message"]).setting("record", swapped)))))
        try Self.expectFailure(
            "person-profile-part.v1", ["person": data, "enterprises": []],
            at: "/maxProperties")
    }

    @Test func auditRecordRules() throws {
        let allowed = try Self.example("audit-record.v1", 0)
        let denied = try Self.example("audit-record.v1", 1)
        try Self.expectFailure("audit-record.v1", allowed.setting("outcome", "granted"), at: "/properties/outcome/enum")
        try Self.expectFailure("audit-record.v1", allowed.setting("problemCode", "access.denied"), at: "/allOf/0/then/not")
        try Self.expectFailure("audit-record.v1", denied.setting("problemCode", nil), at: "/allOf/1/then/required")
        try Self.expectFailure("audit-record.v1", denied.setting("status", 200), at: "/allOf/1/then/properties/status/minimum")
        try Self.expectFailure("audit-record.v1", allowed.setting("hash", "ABC"), at: "/properties/hash/pattern")
        try Self.expectFailure("audit-record.v1", allowed.setting("seq", 0), at: "/properties/seq/minimum")
        try Self.expectFailure(
            "audit-record.v1", allowed.setting("recordedAt", "2026-11-26T17:00:00+07:00"), at: "/properties/recordedAt/pattern")
        try Self.expectFailure("audit-record.v1", allowed.setting("subjectKey", "001085012345"), at: "/additionalProperties")
    }

    @Test func signedRequestRules() throws {
        let record = try Self.example("request.v1", 0)
        let profile = try Self.example("request.v1", 1)
        try Self.expectFailure("request.v1", record.setting("type", "record"), at: "/properties/type/const")
        try Self.expectFailure(
            "request.v1", record.setting("id", "3B241101-E2BB-4255-8CAF-4136C566A962"), at: "/properties/id/pattern")
        try Self.expectFailure("request.v1", record.setting("consumer", nil), at: "/required")
        try Self.expectFailure("request.v1", record.setting("fields", []), at: "/properties/fields/minItems")
        try Self.expectFailure("request.v1", record.setting("requestHash", "x"), at: "/additionalProperties")
        try Self.expectFailure("request.v1", profile.setting("fields", ["fullName"]), at: "/then/not")
        try Self.expectFailure("request.v1", profile.setting("registry", "land"), at: "/then/properties/registry/const")
        try Self.expectFailure("request.v1", record.setting("operation", "delete"), at: "/properties/operation/enum")
    }

    @Test func configRulesPerFile() throws {
        let config = try Self.example("config.v1")
        let node = try #require(config["node.json"])
        try Self.expectFailure(
            "config.v1", config.setting("node.json", node.setting("listne", "x:1")),
            at: "/properties/node.json/$ref/additionalProperties")
        try Self.expectFailure("config.v1", config.setting("grants.json", nil), at: "/required")
        try Self.expectFailure("config.v1", config.setting("notes.json", [:]), at: "/additionalProperties")
        let registry = try #require(config["registries/population.json"])
        let connector = try #require(registry["connector"]).setting("lookup", nil)
        try Self.expectFailure(
            "config.v1", config.setting("registries/population.json", registry.setting("connector", connector)),
            at: "/patternProperties/^registries~1[a-z][a-z0-9-]*\\.json$/$ref/properties/connector/$ref/allOf/0/then/required")
        let restConnector: JSONValue = ["kind": "rest", "urlTemplate": "http://x/{a}", "keyParts": ["a"], "path": "x"]
        try Self.expectFailure(
            "config.v1", config.setting("registries/population.json", registry.setting("connector", restConnector)),
            at: "/patternProperties/^registries~1[a-z][a-z0-9-]*\\.json$/$ref/properties/connector/$ref/allOf/1/then/additionalProperties")
    }
}

extension JSONValue {
    /// A copy of this object with member `key` set (or removed for `nil`).
    fileprivate func setting(_ key: String, _ value: JSONValue?) -> JSONValue {
        guard case .object(var object) = self else { return self }
        object[key] = value
        return .object(object)
    }
}
