public import LienthongJSON

/// One error of the 2020-12 `basic` output format: where in the schema and in the instance, and why.
public struct OutputUnit: Sendable, Hashable {
    /// JSON Pointer through the schema as evaluated, following references (e.g. `/properties/sex/enum`).
    public let keywordLocation: String
    /// The absolute URI of the failing keyword in its schema resource (`<$id>#/properties/sex/enum`).
    public let absoluteKeywordLocation: String
    /// JSON Pointer to the failing value in the instance (`""` is the whole instance).
    public let instanceLocation: String
    /// A message in English; names keywords and limits, never instance values beyond property names.
    public let error: String

    /// An output unit.
    public init(keywordLocation: String, absoluteKeywordLocation: String, instanceLocation: String, error: String) {
        self.keywordLocation = keywordLocation
        self.absoluteKeywordLocation = absoluteKeywordLocation
        self.instanceLocation = instanceLocation
        self.error = error
    }

    /// The unit as a JSON object with the four spec member names.
    public var json: JSONValue {
        .object([
            "keywordLocation": .string(keywordLocation),
            "absoluteKeywordLocation": .string(absoluteKeywordLocation),
            "instanceLocation": .string(instanceLocation),
            "error": .string(error),
        ])
    }
}
