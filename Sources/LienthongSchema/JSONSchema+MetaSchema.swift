public import LienthongJSON

extension JSONSchema {
    /// The draft 2020-12 meta-schema (`https://json-schema.org/draft/2020-12/schema`), compiled once.
    public static let metaSchema: JSONSchema = {
        // The embedded meta-schemas are constants checked by a unit test; compiling them cannot fail.
        try! JSONSchema.compile(uri: metaSchemaURI, registry: SchemaRegistry())
    }()

    /// The URI of the draft 2020-12 meta-schema.
    public static let metaSchemaURI = "https://json-schema.org/draft/2020-12/schema"

    /// The errors of `schema` against the 2020-12 meta-schema (empty when it is a valid schema).
    ///
    /// A `$schema` other than 2020-12 is itself an error: this validator implements draft 2020-12
    /// only (a custom meta-schema built on it is accepted when `registry` holds it).
    public static func metaSchemaErrors(of schema: JSONValue, registry: SchemaRegistry = SchemaRegistry()) -> [OutputUnit] {
        if let dialect = schema["$schema"]?.stringValue, splitFragment(dialect).base != metaSchemaURI {
            guard registry.documents[splitFragment(dialect).base] != nil,
                let custom = try? JSONSchema.compile(uri: dialect, registry: registry)
            else {
                return [
                    OutputUnit(
                        keywordLocation: "", absoluteKeywordLocation: "", instanceLocation: "/$schema",
                        error: "unsupported dialect \(dialect); only draft 2020-12 is supported")
                ]
            }
            return custom.validate(schema).errors
        }
        return metaSchema.validate(schema).errors
    }

    /// Compiles `schema` after checking it against the meta-schema: the entry point for schemas
    /// from outside (a file given on the command line, an operator's upload).
    ///
    /// ```swift
    /// let schema = try JSONSchema.compileChecked(try JSONValue.parse(text), options: .lienthong)
    /// ```
    /// - Throws: ``SchemaError/Code/invalidSchema`` naming the first meta-schema errors
    ///   (`/minLength: must be at least 0`), or any error of
    ///   ``compile(_:registry:options:uri:)``.
    public static func compileChecked(
        _ schema: JSONValue, registry: SchemaRegistry = SchemaRegistry(),
        options: ValidationOptions = ValidationOptions(), uri: String = ""
    ) throws(SchemaError) -> JSONSchema {
        let errors = metaSchemaErrors(of: schema, registry: registry)
        if !errors.isEmpty {
            throw SchemaError(code: .invalidSchema, detail: describe(errors))
        }
        return try compile(schema, registry: registry, options: options, uri: uri)
    }

    /// `not valid against the 2020-12 meta-schema: /a: why; /b: why` (the first five).
    static func describe(_ errors: [OutputUnit]) -> String {
        // The meta-schema's combinators report both the leaf and its `allOf`/`$dynamicRef` parents;
        // the leaves (deepest instance locations first) say what is wrong.
        let shown = errors.prefix(5).map { "\($0.instanceLocation.isEmpty ? "/" : $0.instanceLocation): \($0.error)" }
        let more = errors.count > 5 ? "; and \(errors.count - 5) more" : ""
        return "not valid against the 2020-12 meta-schema: " + shown.joined(separator: "; ") + more
    }
}
