import LienthongJSON
import LienthongSchema
import Testing

struct OutputFormatTests {
    let schema: JSONSchema

    init() throws {
        schema = try JSONSchema.compile(
            try JSONValue.parse(
                #"""
                {
                    "$id": "https://example.gov.vn/order",
                    "type": "object",
                    "required": ["id"],
                    "properties": {
                        "qty": {"$ref": "#/$defs/positive"},
                        "tags": {"items": {"type": "string"}}
                    },
                    "anyOf": [{"required": ["id"]}, {"required": ["ref"]}],
                    "$defs": {"positive": {"type": "integer", "minimum": 1}}
                }
                """#))
    }

    @Test func flagOutputIsValidOnly() throws {
        #expect(schema.validate(["id": 1], output: .flag) == ["valid": true])
        #expect(schema.validate(["qty": 0], output: .flag) == ["valid": false])
        #expect(schema.validate(["qty": 0]).output(.flag) == ["valid": false])
    }

    @Test func basicOutputOfValidInstanceHasNoErrors() {
        #expect(schema.validate(["id": 1, "qty": 2], output: .basic) == ["valid": true])
    }

    @Test func basicOutputListsEveryFailingKeywordWithLocations() throws {
        let result = schema.validate(["id": 1, "qty": 0, "tags": ["a", 2]])
        #expect(!result.isValid)
        #expect(
            result.errors.map(\.keywordLocation).sorted() == [
                "/properties/qty/$ref/minimum", "/properties/tags/items/type",
            ])
        let minimum = try #require(result.errors.first { $0.keywordLocation.hasSuffix("minimum") })
        #expect(minimum.absoluteKeywordLocation == "https://example.gov.vn/order#/$defs/positive/minimum")
        #expect(minimum.instanceLocation == "/qty")
        #expect(minimum.error == "must be at least 1")
        let type = try #require(result.errors.first { $0.keywordLocation.hasSuffix("type") })
        #expect(type.instanceLocation == "/tags/1")
        #expect(type.absoluteKeywordLocation == "https://example.gov.vn/order#/properties/tags/items/type")
    }

    @Test func basicOutputAsJSON() throws {
        let output = schema.validate([:], output: .basic)
        #expect(output["valid"] == false)
        let errors = try #require(output["errors"]?.arrayValue)
        let required: JSONValue = [
            "keywordLocation": "/required",
            "absoluteKeywordLocation": "https://example.gov.vn/order#/required",
            "instanceLocation": "",
            "error": "missing required property \"id\"",
        ]
        #expect(errors.contains(required))
        // anyOf failed too: its branches' errors and its own.
        #expect(errors.contains { $0["keywordLocation"] == "/anyOf" })
        #expect(errors.contains { $0["keywordLocation"] == "/anyOf/1/required" })
    }

    @Test func errorsOfPassingAlternativesAreDropped() {
        let result = schema.validate(["id": 1, "qty": "x"])
        #expect(result.errors.map(\.keywordLocation) == ["/properties/qty/$ref/type"])
    }

    @Test func pointerTokensAreEscapedInLocations() throws {
        let schema = try JSONSchema.compile(["properties": ["a/b~c": ["type": "string"]]])
        let unit = try #require(schema.validate(["a/b~c": 1]).errors.first)
        #expect(unit.keywordLocation == "/properties/a~1b~0c/type")
        #expect(unit.instanceLocation == "/a~1b~0c")
    }
}
