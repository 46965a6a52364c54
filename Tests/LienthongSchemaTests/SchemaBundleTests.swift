import Foundation
import LienthongJSON
import LienthongSchema
import Testing

/// ``SchemaCatalog/bundle(_:under:including:)``: catalogue schemas placed into a document, every reference local.
struct SchemaBundleTests {
    static let base = "https://example.gov.vn/schemas/"

    /// `person` references `address` by `$id` and its own `$defs`; `unused` is referenced by nobody.
    static func catalog() throws -> SchemaCatalog {
        try SchemaCatalog(documents: [
            "address.v1": [
                "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": .string(base + "address.v1"),
                "type": "object", "required": ["province"], "properties": ["province": ["type": "string"]],
            ],
            "person.v1": [
                "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": .string(base + "person.v1"),
                "type": "object", "required": ["id", "home"],
                "properties": ["id": ["$ref": "#/$defs/id"], "home": ["$ref": "address.v1"]],
                "$defs": ["id": ["type": "string", "pattern": "^[0-9]{3}$"]],
            ],
            "unused.v1": ["$id": .string(base + "unused.v1"), "type": "string"],
        ])
    }

    static let document: JSONValue = [
        "paths": ["/people": ["schema": ["$ref": .string(base + "person.v1")]]],
        "components": [
            "schemas": ["Id": ["$ref": .string(base + "person.v1#/$defs/id")], "Own": ["$ref": "#/components/schemas/Id"]]
        ],
    ]

    @Test func referencesBecomePointersIntoTheBundledSchemas() throws {
        let bundle = try Self.catalog().bundle(Self.document, under: JSONPointer(tokens: ["components", "schemas"]))
        #expect(bundle.document["paths"]?["/people"]?["schema"]?["$ref"] == "#/components/schemas/person.v1")
        #expect(bundle.document["components"]?["schemas"]?["Id"]?["$ref"] == "#/components/schemas/person.v1/$defs/id")
        // The document's own pointers are left alone.
        #expect(bundle.document["components"]?["schemas"]?["Own"]?["$ref"] == "#/components/schemas/Id")
        // Referenced directly or through another schema; the unreferenced one is not bundled.
        #expect(Set(bundle.schemas.keys) == ["person.v1", "address.v1"])
        let person = try #require(bundle.schemas["person.v1"])
        #expect(person["$id"] == nil && person["$schema"] == nil)
        #expect(person["properties"]?["id"]?["$ref"] == "#/components/schemas/person.v1/$defs/id")
        #expect(person["properties"]?["home"]?["$ref"] == "#/components/schemas/address.v1")
    }

    @Test func bundledSchemasValidateAsTheOriginalsDo() throws {
        let catalog = try Self.catalog()
        let bundle = try catalog.bundle(Self.document, under: JSONPointer(tokens: ["components", "schemas"]))
        var components = bundle.document["components"]?["schemas"]?.objectValue ?? [:]
        for (id, schema) in bundle.schemas { components[id] = schema }
        let served: JSONValue = ["components": ["schemas": .object(components)]]
        var registry = SchemaRegistry()
        registry.add(served, uri: "https://example.gov.vn/openapi.json")
        let bundled = try JSONSchema.compile(
            ["$ref": "https://example.gov.vn/openapi.json#/components/schemas/person.v1"], registry: registry)
        let original = try #require(catalog.compiled("person.v1"))
        let instances: [JSONValue] = [
            ["id": "123", "home": ["province": "Khánh Hòa"]], ["id": "12", "home": ["province": "Huế"]],
            ["id": "123", "home": [:]], ["id": "123"],
        ]
        for instance in instances {
            #expect(bundled.isValid(instance) == original.isValid(instance))
        }
        #expect(instances.map(bundled.isValid) == [true, false, false, false])
    }

    @Test func asksForSchemasNobodyReferencesAndRefusesUnknownOnes() throws {
        let catalog = try Self.catalog()
        let pointer = JSONPointer(tokens: ["defs"])
        let bundle = try catalog.bundle([:], under: pointer, including: ["unused.v1", Self.base + "address.v1"])
        #expect(Set(bundle.schemas.keys) == ["unused.v1", "address.v1"])
        #expect(throws: SchemaError(code: .notFound, detail: "")) {
            try catalog.bundle([:], under: pointer, including: ["nobody.v1"])
        }
    }

    @Test func otherReferencesAreLeftAndAnchorsRefused() throws {
        let catalog = try Self.catalog()
        let pointer = JSONPointer(tokens: ["defs"])
        let elsewhere: JSONValue = ["$ref": "https://json-schema.org/draft/2020-12/schema"]
        #expect(try catalog.bundle(elsewhere, under: pointer).document == elsewhere)
        #expect(throws: SchemaError(code: .unresolvableReference, detail: "")) {
            try catalog.bundle(["$ref": .string(Self.base + "person.v1#anchor")], under: pointer)
        }
    }
}
