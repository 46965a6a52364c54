public import LienthongJSON

/// How a schema is compiled and validated: format assertion, extension formats and keywords, limits.
///
/// ```swift
/// var options = ValidationOptions()
/// options.assertFormats = true
/// let schema = try JSONSchema.compile(json, registry: registry, options: options)
/// ```
public struct ValidationOptions: Sendable {
    /// Whether the standard `format` values are assertions (default: annotations only, as in
    /// draft 2020-12 without the format-assertion vocabulary). A meta-schema that declares the
    /// format-assertion vocabulary turns assertion on for the schemas that use it.
    public var assertFormats: Bool = false
    /// Extra formats by name; these are always asserted, whatever ``assertFormats`` says, and
    /// override a standard format of the same name.
    public var customFormats: [String: FormatChecker] = [:]
    /// Extension keywords by name (for example `x-vn-personal-id-consistency`).
    public var customKeywords: [String: CustomKeyword] = [:]
    /// The deepest nesting of schema evaluations (instance depth plus reference hops); deeper
    /// validation fails with an error rather than exhausting the stack. Also ends a reference
    /// cycle that never consumes the instance (`{"$ref": "#"}`).
    public var maxDepth: Int = 1_500
    /// Strings longer than this many UTF-16 units fail `pattern` without being matched, and property
    /// names that long fail `patternProperties`/`additionalProperties` when a pattern there runs on
    /// ICU: the bound on backtracking work per string (see ``JSONSchema``). Patterns in the
    /// linear-time subset take time proportional to the input anyway.
    public var maxPatternInputLength: Int = 65_536

    /// The defaults: format annotation only, no extensions.
    public init() {}
}

/// A `format` check: whether a string is in the format. Non-strings always pass.
public struct FormatChecker: Sendable {
    /// The check itself.
    public let isValid: @Sendable (String) -> Bool

    /// A checker from a closure.
    public init(_ isValid: @escaping @Sendable (String) -> Bool) {
        self.isValid = isValid
    }
}

/// An extension keyword: compiled once from its value in the schema, then run on each instance.
///
/// ```swift
/// let even = CustomKeyword { value throws(SchemaError) in
///     { instance in instance.numberValue.map { $0.double.truncatingRemainder(dividingBy: 2) == 0 } == false
///         ? "not even" : nil }
/// }
/// ```
public struct CustomKeyword: Sendable {
    /// Runs on an instance; returns `nil` when it passes or a message saying why it fails.
    public typealias Check = @Sendable (LienthongJSON.JSONValue) -> String?
    /// Turns the keyword's value into a ``Check``; throws for a malformed value.
    public let compile: @Sendable (LienthongJSON.JSONValue) throws(SchemaError) -> Check

    /// A keyword from its compile step.
    public init(compile: @escaping @Sendable (LienthongJSON.JSONValue) throws(SchemaError) -> Check) {
        self.compile = compile
    }
}
