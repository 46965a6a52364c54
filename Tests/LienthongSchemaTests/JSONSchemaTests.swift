import LienthongJSON
import LienthongSchema
import Testing

struct JSONSchemaTests {
    private func compile(_ text: String, options: ValidationOptions = ValidationOptions()) throws -> JSONSchema {
        try JSONSchema.compile(try JSONValue.parse(text), options: options)
    }

    @Test func embeddedMetaSchemasAllParse() {
        let uris = SchemaRegistry().documents.keys.sorted()
        #expect(uris.count == 9)
        #expect(uris.contains("https://json-schema.org/draft/2020-12/schema"))
        #expect(uris.contains("https://json-schema.org/draft/2020-12/meta/format-assertion"))
    }

    @Test func schemaIsValidAgainstMetaSchemaAndBrokenOneIsNot() throws {
        let meta = try JSONSchema.compile(uri: "https://json-schema.org/draft/2020-12/schema", registry: SchemaRegistry())
        #expect(meta.isValid(try JSONValue.parse(##"{"type": "string", "minLength": 2}"##)))
        let result = meta.validate(try JSONValue.parse(##"{"type": "strin", "minLength": -1}"##))
        #expect(!result.isValid)
        #expect(result.errors.contains { $0.instanceLocation == "/minLength" })
    }

    @Test func unresolvableReferenceNamesTheReference() throws {
        let json = try JSONValue.parse(##"{"properties": {"a": {"$ref": "https://example.gov.vn/missing.json#/x"}}}"##)
        #expect {
            _ = try JSONSchema.compile(json)
        } throws: { error in
            let error = try #require(error as? SchemaError)
            return error.code == .unresolvableReference && error.detail.contains("https://example.gov.vn/missing.json")
        }
    }

    @Test func unknownAnchorIsUnresolvable() throws {
        let json = try JSONValue.parse(##"{"$ref": "#nowhere"}"##)
        #expect(throws: SchemaError(code: .unresolvableReference, detail: "")) { try JSONSchema.compile(json) }
    }

    @Test func referenceCycleCompilesAndTerminates() throws {
        let schema = try compile(##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}"##)
        let result = schema.validate(1)
        #expect(!result.isValid)
        #expect(result.errors.first?.error.contains("deeper") == true)
    }

    @Test func deeplyNestedInstanceValidatesWithoutOverflow() throws {
        let schema = try compile(##"{"$defs": {"node": {"type": ["array", "integer"], "items": {"$ref": "#/$defs/node"}}}, "$ref": "#/$defs/node"}"##)
        var instance: JSONValue = 1
        for _ in 0..<512 { instance = .array([instance]) }
        #expect(schema.isValid(instance))
        var invalid: JSONValue = "leaf"
        for _ in 0..<512 { invalid = .array([invalid]) }
        let result = schema.validate(invalid)
        #expect(!result.isValid)
        #expect(result.errors.first?.instanceLocation == String(repeating: "/0", count: 512))
    }

    @Test func nestingBeyondMaxDepthFailsInsteadOfCrashing() throws {
        var options = ValidationOptions()
        options.maxDepth = ValidationOptions().maxDepth
        let schema = try compile(##"{"items": {"$ref": "#"}}"##, options: options)
        var instance: JSONValue = 1
        for _ in 0..<2000 { instance = .array([instance]) }
        let result = schema.validate(instance)
        #expect(!result.isValid)
        #expect(result.errors.contains { $0.error.contains("deeper than") })
    }

    @Test(arguments: [
        ("0.0075", "0.0001", true), ("0.00751", "0.0001", false), ("19.99", "0.01", true), ("1e308", "0.5", true),
        ("4.5", "1.5", true), ("4.6", "1.5", false), ("1e-7", "1e-8", true),
    ])
    func multipleOfIsExactForDecimals(value: String, divisor: String, expected: Bool) throws {
        let schema = try compile(##"{"multipleOf": \##(divisor)}"##)
        #expect(schema.isValid(try JSONValue.parse(value)) == expected)
    }

    @Test func lengthCountsCodePoints() throws {
        let schema = try compile(##"{"maxLength": 2, "minLength": 2}"##)
        #expect(schema.isValid("💩💩"))
        #expect(schema.isValid("e\u{301}"))
        #expect(!schema.isValid("abc"))
    }

    @Test func patternIsECMAAndSearchesAnywhere() throws {
        let schema = try compile(##"{"pattern": "^\\d+$"}"##)
        #expect(schema.isValid("123"))
        #expect(!schema.isValid("١٢٣"))  // Arabic-Indic digits: \d is ASCII in ECMA-262.
        #expect(!schema.isValid("123\n"))  // `$` is end of input only.
        #expect(try compile(##"{"pattern": "b"}"##).isValid("abc"))
    }

    @Test(arguments: [
        ("^[0-9]{3}[02468]", "001085012345", true), ("^[0-9]{3}[02468]", "001185012345", false),
        ("^[A-Z]{2}$", "VN", true), ("^[A-Z]{2}$", "VNM", false), ("^[A-Za-z0-9_-]{3}$", "a-_", true),
        ("^[0-9]{4}-[0-9]{2}-01$", "2012-07-01", true), ("^[0-9]{4}-[0-9]{2}-01$", "2012-07-011", false),
        ("a+b?c*$", "xxaacc", true), ("^\\.x", ".x", true), ("^\\.x", "ax", false), ("^.$", "\n", false),
        ("^[^0-9]+$", "abc", true), ("^[^0-9]+$", "ab1", false), ("^a{2,3}$", "aaaa", false), ("^a{2,}$", "aaaa", true),
        ("^\\s\\w\\d$", " _7", true), ("^a*a*a*a*a*a*b$", String(repeating: "a", count: 5_000), false),
        ("^(ab)+$", "abab", true), ("^(ab)+$", "aba", false), ("cat|dog", "hotdog", true),
    ])
    func patternSemantics(pattern: String, subject: String, expected: Bool) throws {
        let schema = try JSONSchema.compile(["pattern": .string(pattern)])
        #expect(schema.isValid(.string(subject)) == expected)
    }

    @Test func patternInputLongerThanLimitFails() throws {
        var options = ValidationOptions()
        options.maxPatternInputLength = 10
        let schema = try compile(##"{"pattern": "^a*$"}"##, options: options)
        #expect(schema.isValid("aaaaaaaaaa"))
        let result = schema.validate(.string(String(repeating: "a", count: 11)))
        #expect(!result.isValid)
        #expect(result.errors.first?.keywordLocation == "/pattern")
    }

    @Test func invalidRegexIsACompileError() throws {
        #expect(throws: SchemaError(code: .invalidRegex, detail: "")) { try compile(##"{"pattern": "(("}"##) }
    }

    @Test func formatIsAnnotationUnlessAsserted() throws {
        let text = ##"{"format": "date"}"##
        #expect(try compile(text).isValid("2026-02-30"))
        var options = ValidationOptions()
        options.assertFormats = true
        #expect(!(try compile(text, options: options)).isValid("2026-02-30"))
        #expect(try compile(text, options: options).isValid("2024-02-29"))
    }

    @Test func customFormatIsAlwaysAsserted() throws {
        var options = ValidationOptions()
        options.customFormats["even-length"] = FormatChecker { $0.count % 2 == 0 }
        let schema = try compile(##"{"format": "even-length"}"##, options: options)
        #expect(schema.isValid("ab"))
        #expect(!schema.isValid("abc"))
    }

    @Test func fetchHookLoadsUnknownDocumentsAtCompileTime() throws {
        var registry = SchemaRegistry()
        registry.fetch = { uri in uri == "https://example.gov.vn/positive" ? ["minimum": 0] : nil }
        let schema = try JSONSchema.compile(["$ref": "https://example.gov.vn/positive"], registry: registry)
        #expect(schema.isValid(3))
        #expect(!schema.isValid(-3))
    }

    @Test func registryAddUsesTheId() throws {
        var registry = SchemaRegistry()
        try registry.add(["$id": "https://example.gov.vn/name", "type": "string"])
        let schema = try JSONSchema.compile(["$ref": "https://example.gov.vn/name"], registry: registry)
        #expect(schema.isValid("An"))
        #expect(!schema.isValid(1))
        #expect(throws: SchemaError(code: .invalidSchema, detail: "")) { try registry.add(["type": "string"]) }
    }

    @Test func compiledSchemaIsSharedAcrossTasks() async throws {
        let schema = try compile(##"{"type": "object", "required": ["a"]}"##)
        let results = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<8 { group.addTask { schema.isValid(i % 2 == 0 ? ["a": 1] : ["b": 1]) } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 4)
    }
}
