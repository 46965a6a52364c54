import Foundation
import LienthongJSON
@testable import LienthongSchema
import Testing

/// The schema catalogue the gateway serves `/v1/schemas` from.
struct SchemaCatalogTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func canonical() throws -> SchemaCatalog {
        try SchemaCatalog.load(directory: root.appendingPathComponent("schemas"))
    }

    /// A fresh directory holding `files` (name → JSON text).
    static func directory(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: url.appendingPathComponent(name)) }
        return url
    }

    @Test func loadsEveryCanonicalSchemaWithTitles() throws {
        let catalog = try Self.canonical()
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("schemas").path)
            .filter {
                $0.hasSuffix(".json") && $0 != SchemaCatalog.apiDescriptionFile
                    && $0 != SchemaCatalog.adminAPIDescriptionFile
            }
            .map { String($0.dropLast(5)) }
            .sorted()
        #expect(catalog.list.map(\.id) == files)
        // The OpenAPI description beside the schemas is there, and is no schema of the catalogue.
        #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent("schemas/openapi.json").path))
        #expect(catalog.entry("openapi") == nil)
        let person = try #require(catalog.entry("person.v1"))
        #expect(person.uri == "https://lienthong.gov.vn/schemas/person.v1")
        #expect(person.title == "Person")
        #expect(person.titleVi == "Công dân")
        #expect(catalog.listJSON["schemas"]?.arrayValue?.count == files.count)
    }

    @Test func looksUpByIdOrDollarId() throws {
        let catalog = try Self.canonical()
        let byID = try #require(catalog.schema("audit-record.v1"))
        #expect(catalog.schema("https://lienthong.gov.vn/schemas/audit-record.v1") == byID)
        #expect(catalog.compiled("https://lienthong.gov.vn/schemas/audit-record.v1#") != nil)
        #expect(catalog.schema("nobody.v1") == nil)
    }

    @Test func validatesByIdInBothOutputFormats() throws {
        let catalog = try Self.canonical()
        let example = try #require(catalog.schema("person.v1")?["examples"]?.arrayValue?.first)
        #expect(try catalog.validate(id: "person.v1", instance: example, output: .flag) == ["valid": true])
        let output = try catalog.validate(id: "person.v1", instance: ["personalId": "1"], output: .basic)
        #expect(output["valid"] == false)
        #expect(output["errors"]?.arrayValue?.isEmpty == false)
        #expect(throws: SchemaError(code: .notFound, detail: "")) {
            try catalog.validate(id: "missing.v1", instance: 1, output: .flag)
        }
    }

    @Test func compilesOutsideSchemasAgainstTheCatalogue() throws {
        let catalog = try Self.canonical()
        let members = try catalog.compile(["$ref": "https://lienthong.gov.vn/schemas/config.v1#/$defs/members"])
        #expect(members.isValid([["id": "VN/GOV/BCA", "name": "Ministry of Public Security", "nameVi": "Bộ Công an"]]))
        #expect(!members.isValid([["id": "BCA", "name": "x", "nameVi": "y"]]))
    }

    @Test func schemaInvalidAgainstMetaSchemaIsRefusedWithTheReason() throws {
        let directory = try Self.directory([
            "good.v1.json": ##"{"$id": "https://example.gov.vn/good.v1", "type": "string"}"##,
            "bad.v1.json": ##"{"$id": "https://example.gov.vn/bad.v1", "type": "strin", "minLength": -1}"##,
        ])
        #expect {
            _ = try SchemaCatalog.load(directory: directory)
        } throws: { error in
            let error = try #require(error as? SchemaError)
            return error.code == .invalidSchema && error.detail.hasPrefix("bad.v1: not valid against the 2020-12 meta-schema")
                && error.detail.contains("/minLength") && error.detail.contains("/type")
        }
    }

    @Test func checkedCompileRefusesAnUnsupportedDialect() throws {
        let schema: JSONValue = ["$schema": "http://json-schema.org/draft-07/schema#", "type": "string"]
        #expect {
            _ = try JSONSchema.compileChecked(schema)
        } throws: { error in
            (error as? SchemaError)?.code == .invalidSchema && "\(error)".contains("draft-07")
        }
    }

    @Test func notJSONAndMissingIdAreRefused() throws {
        #expect(throws: SchemaError(code: .unreadable, detail: "")) {
            try SchemaCatalog.load(directory: try Self.directory(["a.v1.json": "{"]))
        }
        #expect(throws: SchemaError(code: .invalidSchema, detail: "")) {
            try SchemaCatalog.load(directory: try Self.directory(["a.v1.json": ##"{"type": "string"}"##]))
        }
        #expect(throws: SchemaError(code: .unreadable, detail: "")) {
            try SchemaCatalog.load(directory: URL(fileURLWithPath: "/nonexistent/schemas"))
        }
    }

    @Test func unresolvableReferenceNamesItselfAndTheSchema() throws {
        let directory = try Self.directory([
            "a.v1.json": ##"{"$id": "https://example.gov.vn/a.v1", "properties": {"b": {"$ref": "b.v2#/$defs/x"}}}"##
        ])
        #expect {
            _ = try SchemaCatalog.load(directory: directory)
        } throws: { error in
            let error = try #require(error as? SchemaError)
            return error.code == .unresolvableReference && error.detail.hasPrefix("a.v1:")
                && error.detail.contains("https://example.gov.vn/b.v2")
        }
    }

    @Test func referenceCycleBetweenSchemasTerminates() throws {
        let directory = try Self.directory([
            "a.v1.json": ##"{"$id": "https://example.gov.vn/a.v1", "$ref": "b.v1"}"##,
            "b.v1.json": ##"{"$id": "https://example.gov.vn/b.v1", "$ref": "a.v1"}"##,
        ])
        let catalog = try SchemaCatalog.load(directory: directory)
        let output = try catalog.validate(id: "a.v1", instance: "anything", output: .basic)
        #expect(output["valid"] == false)
        let message = try #require(output["errors"]?.arrayValue?.first?["error"]?.stringValue)
        #expect(message.contains("deeper than"))
    }

    @Test func everyCanonicalPatternRunsOnTheLinearMatcher() throws {
        // The gateway never reaches ICU (whose backtracking is bounded by input length only):
        // a pathological pattern in a canonical schema would fail this test.
        let catalog = try Self.canonical()
        var patterns: [String] = []
        func collect(_ value: JSONValue) {
            switch value {
            case .object(let object):
                if case .string(let p)? = object["pattern"] { patterns.append(p) }
                if case .object(let properties)? = object["patternProperties"] { patterns += properties.keys }
                object.values.forEach(collect)
            case .array(let array): array.forEach(collect)
            default: break
            }
        }
        for entry in catalog.list { collect(try #require(catalog.schema(entry.id))) }
        #expect(patterns.count > 20)
        for pattern in patterns {
            #expect(LinearPattern(pattern) != nil, "\(pattern) would run on ICU")
        }
    }
}
