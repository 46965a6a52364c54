import Foundation
import LienthongJSON
import LienthongSchema
import Testing

/// Hostile or broken input ends cleanly: deep nesting, cycles, pathological patterns.
struct BadInputTests {
    /// `depth` arrays nested in one another around `leaf`, built without recursion.
    static func nested(_ depth: Int, _ leaf: JSONValue = 1) -> JSONValue {
        var value = leaf
        for _ in 0..<depth { value = .array([value]) }
        return value
    }

    /// Takes a deep value apart one level at a time, so releasing it does not recurse `depth` frames.
    static func dismantle(_ value: inout JSONValue) {
        while case .array(let items) = value, let first = items.first { value = first }
    }

    @Test func hundredThousandNestedArraysAreRefusedByTheParser() throws {
        let text = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect {
            _ = try JSONValue.parse(text)
        } throws: { error in
            (error as? JSONError)?.code == .depthLimit
        }
    }

    @Test func validationDepthIsBoundedForHundredThousandNestedArrays() throws {
        // Built in memory, past the parser's limit: the validator's own bound must hold.
        let schema = try JSONSchema.compile(try JSONValue.parse(##"{"items": {"$ref": "#"}}"##))
        var instance = Self.nested(100_000)
        defer { Self.dismantle(&instance) }
        #expect(!schema.isValid(instance))
        let result = schema.validate(instance)
        #expect(!result.isValid)
        let error = try #require(result.errors.first)
        #expect(error.error == "validation nested deeper than \(ValidationOptions().maxDepth) levels")
        // The error sits at the depth where evaluation stopped, not at the bottom of the instance.
        #expect(error.instanceLocation.count < 2 * ValidationOptions().maxDepth + 2)
    }

    @Test func selfReferenceThatNeverConsumesTheInstanceTerminates() throws {
        let schema = try JSONSchema.compile(try JSONValue.parse(##"{"$ref": "#", "type": "string"}"##))
        let result = schema.validate("text")
        #expect(!result.isValid)
        #expect(result.errors.contains { $0.error.contains("deeper than") })
    }

    @Test func pathologicalPatternDoesNotHang() throws {
        // ^(a+)+$ against "aaaa…!" takes exponential time on a backtracking engine; here the
        // pattern runs on the linear-time NFA (one pass over the input), bounded by the length limit.
        let schema = try JSONSchema.compile(try JSONValue.parse(##"{"pattern": "^(a+)+$"}"##))
        for length in [30, 1_000, 65_000] {
            let subject = JSONValue.string(String(repeating: "a", count: length) + "!")
            let clock = ContinuousClock()
            let elapsed = clock.measure { #expect(!schema.isValid(subject)) }
            #expect(elapsed < .seconds(1), "length \(length): \(elapsed)")
        }
        // Past maxPatternInputLength the string is not matched at all, whatever the engine.
        let long = JSONValue.string(String(repeating: "a", count: 70_000))
        let result = schema.validate(long)
        #expect(!result.isValid)
        #expect(result.errors.first?.error.contains("too long") == true)
    }

    @Test func schemaNotValidAgainstMetaSchemaIsRefusedWithTheReason() throws {
        let schema = try JSONValue.parse(##"{"type": "object", "properties": {"a": {"maxLength": "ten"}}, "required": "a"}"##)
        #expect {
            _ = try JSONSchema.compileChecked(schema)
        } throws: { error in
            let error = try #require(error as? SchemaError)
            return error.code == .invalidSchema && error.detail.contains("/properties/a/maxLength")
                && error.detail.contains("/required")
        }
    }

    @Test func unresolvableReferenceIsNamed() throws {
        let schema = try JSONValue.parse(##"{"$defs": {"a": {"$ref": "#/$defs/missing"}}, "$ref": "#/$defs/a"}"##)
        #expect {
            _ = try JSONSchema.compile(schema)
        } throws: { error in
            let error = try #require(error as? SchemaError)
            return error.code == .unresolvableReference && error.detail.contains("#/$defs/missing")
        }
    }
}

extension BadInputTests {
    @Test func longPropertyNameIsNotRunThroughABacktrackingPattern() throws {
        var options = ValidationOptions()
        options.maxPatternInputLength = 8
        // A back-reference keeps this pattern on ICU.
        let schema = try JSONSchema.compile(
            try JSONValue.parse(##"{"patternProperties": {"^(a)\\1": {"type": "integer"}}}"##), options: options)
        #expect(schema.isValid(["aa": 1]))
        #expect(!schema.isValid(["aa": "x"]))
        let long = String(repeating: "a", count: 9)
        let result = schema.validate(.object([long: 1]))
        #expect(!result.isValid)
        #expect(result.errors.first?.instanceLocation == "/\(long)")
        // A linear pattern has no such limit.
        let linear = try JSONSchema.compile(
            try JSONValue.parse(##"{"patternProperties": {"^a+$": {"type": "integer"}}}"##), options: options)
        #expect(linear.isValid(.object([long: 1])))
    }
}
