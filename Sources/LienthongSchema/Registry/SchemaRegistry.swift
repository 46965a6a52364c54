public import LienthongJSON

/// The schemas that references may name, by URI: the embedded draft 2020-12 meta-schemas plus the
/// documents added with ``add(_:uri:)``.
///
/// Nothing is fetched from the network by default. Set ``fetch`` to load unknown URIs on demand
/// (for example through the libcurl client); it is called during ``JSONSchema/compile(_:registry:options:)``
/// only, never while validating.
///
/// ```swift
/// var registry = SchemaRegistry()
/// try registry.add(addressSchema)                       // under its "$id"
/// registry.add(otherSchema, uri: "https://example.gov.vn/other.json")
/// let schema = try JSONSchema.compile(personSchema, registry: registry)
/// ```
public struct SchemaRegistry: Sendable {
    /// Loads the schema document at a URI (without fragment); `nil` when there is none.
    public typealias Fetch = @Sendable (String) throws -> JSONValue?

    /// Documents by URI, without fragment.
    public private(set) var documents: [String: JSONValue]
    /// Called for a URI that is not in ``documents``; `nil` (the default) means no fetching.
    public var fetch: Fetch?

    /// A registry holding the draft 2020-12 meta-schemas.
    public init() {
        documents = SchemaRegistry.metaSchemaDocuments
        fetch = nil
    }

    /// Adds `schema` under `uri` (a trailing empty fragment is ignored). A document with a
    /// different `$id` is also reachable by that `$id` once compiled against.
    public mutating func add(_ schema: JSONValue, uri: String) {
        documents[splitFragment(uri).base] = schema
    }

    /// Adds `schema` under its own `$id`.
    /// - Throws: ``SchemaError/Code/invalidSchema`` when the schema has no absolute `$id`.
    public mutating func add(_ schema: JSONValue) throws(SchemaError) {
        guard let id = schema["$id"]?.stringValue, URIReference(id).scheme != nil else {
            throw SchemaError(code: .invalidSchema, detail: "schema added without an absolute $id")
        }
        add(schema, uri: id)
    }

    /// The document at `uri` (without fragment), fetching it if a ``fetch`` hook is set.
    func document(at uri: String) throws(SchemaError) -> JSONValue? {
        if let document = documents[uri] { return document }
        guard let fetch else { return nil }
        do {
            return try fetch(uri)
        } catch {
            throw SchemaError(code: .unresolvableReference, detail: "\(uri): fetch failed")
        }
    }

    /// The embedded meta-schemas, parsed once.
    static let metaSchemaDocuments: [String: JSONValue] = {
        var result: [String: JSONValue] = [:]
        for (uri, text) in MetaSchemas.all {
            // The texts are constants checked by a unit test; a parse failure cannot happen at run time.
            if let value = try? JSONValue.parse(text) { result[uri] = value }
        }
        return result
    }()
}
