import LienthongJSON
import LienthongSchema
import Testing

/// JSON Schema equality and member matching compare strings by code points: NFC "é" (U+00E9) and NFD
/// "e" U+0301 are different property names and different values, on the fast path (`isValid`) and with
/// output (`validate`).
struct CodePointEqualityTests {
    /// (schema, instance, valid): the schema names "é" in NFC, the instance uses NFD unless said.
    static let cases: [(String, String, Bool)] = [
        (#"{"const": {"\u00e9": 1}}"#, #"{"e\u0301": 1}"#, false),
        (#"{"const": "\u00e9"}"#, #""e\u0301""#, false),
        (#"{"enum": [{"\u00e9": 1}, 2]}"#, #"{"e\u0301": 1}"#, false),
        (#"{"enum": [["\u00e9"]]}"#, #"["e\u0301"]"#, false),
        (#"{"uniqueItems": true}"#, #"[{"\u00e9": 1}, {"e\u0301": 1}]"#, true),
        (#"{"uniqueItems": true}"#, #"["\u00e9", "e\u0301"]"#, true),
        (#"{"uniqueItems": true}"#, #"[{"\u00e9": 1}, {"\u00e9": 1}]"#, false),
        (#"{"properties": {"\u00e9": false}}"#, #"{"e\u0301": 1}"#, true),
        (#"{"properties": {"\u00e9": false}}"#, #"{"\u00e9": 1}"#, false),
        (#"{"required": ["\u00e9"]}"#, #"{"e\u0301": 1}"#, false),
        (#"{"required": ["\u00e9"]}"#, #"{"\u00e9": 1}"#, true),
        (#"{"properties": {"\u00e9": true}, "additionalProperties": false}"#, #"{"e\u0301": 1}"#, false),
        (#"{"properties": {"\u00e9": true}, "unevaluatedProperties": false}"#, #"{"e\u0301": 1}"#, false),
        (#"{"dependentRequired": {"\u00e9": ["x"]}}"#, #"{"e\u0301": 1}"#, true),
        (#"{"dependentRequired": {"\u00e9": ["x"]}}"#, #"{"\u00e9": 1}"#, false),
        (#"{"dependentSchemas": {"\u00e9": false}}"#, #"{"e\u0301": 1}"#, true),
        (#"{"patternProperties": {"^\u00e9$": false}}"#, #"{"e\u0301": 1}"#, true),
        (#"{"propertyNames": {"const": "\u00e9"}}"#, #"{"e\u0301": 1}"#, false),
    ]

    @Test(arguments: cases)
    func comparesByCodePoints(schema: String, instance: String, valid: Bool) throws {
        let compiled = try JSONSchema.compile(try JSONValue.parse(schema))
        let value = try JSONValue.parse(instance)
        #expect(compiled.isValid(value) == valid, "isValid")
        #expect(compiled.validate(value).isValid == valid, "validate")
    }
}
