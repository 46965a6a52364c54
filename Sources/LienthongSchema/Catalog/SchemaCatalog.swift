public import Foundation
public import LienthongJSON

/// The canonical schemas a gateway serves (`schemas/*.json`), compiled once with
/// ``ValidationOptions/lienthong`` and looked up by id (`person.v1`, the file name) or by `$id`
/// (`https://lienthong.gov.vn/schemas/person.v1`).
///
/// Backs `GET /v1/schemas` (``list``), `GET /v1/schemas/{id}` (``schema(_:)``) and
/// `POST /v1/schemas/{id}/validate` (``validate(id:instance:output:)``).
///
/// ```swift
/// let catalog = try SchemaCatalog.load(directory: URL(fileURLWithPath: "schemas"))
/// let output = try catalog.validate(id: "person.v1", instance: record, output: .basic)
/// ```
public struct SchemaCatalog: Sendable {
    /// One schema of the catalogue, as listed.
    public struct Entry: Sendable, Hashable {
        /// The short id: the file name without `.json` (`person.v1`).
        public let id: String
        /// The schema's `$id` (absolute URI).
        public let uri: String
        /// `title` (English), if any.
        public let title: String?
        /// `x-title-vi` (Vietnamese), if any.
        public let titleVi: String?

        /// The entry as served by `GET /v1/schemas`: `id`, `$id`, `title`, `x-title-vi`.
        public var json: JSONValue {
            var object: JSONObject = ["id": .string(id), "$id": .string(uri)]
            if let title { object["title"] = .string(title) }
            if let titleVi { object["x-title-vi"] = .string(titleVi) }
            return .object(object)
        }
    }

    private struct Item: Sendable {
        let entry: Entry
        let document: JSONValue
        let compiled: JSONSchema
    }

    private let items: [String: Item]
    private let idsByURI: [String: String]

    /// Every schema of the catalogue by `$id`, plus the meta-schemas: for compiling other schemas
    /// that reference canonical ones (``compile(_:)``).
    public let registry: SchemaRegistry
    /// The options every schema of the catalogue was compiled with.
    public let options: ValidationOptions

    /// Every schema, by id.
    public let list: [Entry]

    /// The catalogue as served by `GET /v1/schemas`: `{"schemas": [entry, …]}`.
    public var listJSON: JSONValue { .object(["schemas": .array(list.map(\.json))]) }

    /// Builds a catalogue from documents by id; each must have an absolute `$id`, be valid against
    /// the 2020-12 meta-schema and compile. References between them resolve through their `$id`s.
    ///
    /// - Throws: ``SchemaError``: ``SchemaError/Code/invalidSchema`` (no `$id`, two documents with
    ///   the same `$id`, or not valid against the meta-schema), or a compile error; `detail` starts
    ///   with the id.
    public init(documents: [String: JSONValue], options: ValidationOptions = .lienthong) throws(SchemaError) {
        var registry = SchemaRegistry()
        var uris: [String: String] = [:]
        for (id, document) in documents.sorted(by: { $0.key < $1.key }) {
            guard let uri = document["$id"]?.stringValue, URIReference(uri).scheme != nil else {
                throw SchemaError(code: .invalidSchema, detail: "\(id): no absolute $id")
            }
            let base = splitFragment(uri).base
            if let other = uris[base] {
                throw SchemaError(code: .invalidSchema, detail: "\(id): same $id as \(other)")
            }
            uris[base] = id
            registry.add(document, uri: base)
        }
        var items: [String: Item] = [:]
        for (id, document) in documents {
            let uri = splitFragment(document["$id"]?.stringValue ?? "").base
            let compiled: JSONSchema
            do {
                compiled = try JSONSchema.compileChecked(document, registry: registry, options: options, uri: uri)
            } catch {
                throw SchemaError(code: error.code, detail: "\(id): \(error.detail)")
            }
            let entry = Entry(
                id: id, uri: uri, title: document["title"]?.stringValue, titleVi: document["x-title-vi"]?.stringValue)
            items[id] = Item(entry: entry, document: document, compiled: compiled)
        }
        self.items = items
        self.idsByURI = uris
        self.registry = registry
        self.options = options
        self.list = items.values.map(\.entry).sorted { $0.id < $1.id }
    }

    /// The OpenAPI description of the sharing API, kept beside the schemas it references; not a schema, so
    /// ``load(directory:options:)`` leaves it out of the catalogue.
    public static let apiDescriptionFile = "openapi.json"
    /// The OpenAPI description of a node's admin listener, beside the sharing API's; not a schema either.
    public static let adminAPIDescriptionFile = "admin-openapi.json"

    /// Loads every `*.json` file of `directory` (the id is the file name without `.json`) but
    /// ``apiDescriptionFile`` and ``adminAPIDescriptionFile``.
    ///
    /// - Throws: ``SchemaError/Code/unreadable`` when the directory or a file cannot be read or a
    ///   file is not JSON; otherwise as ``init(documents:options:)``.
    public static func load(directory: URL, options: ValidationOptions = .lienthong) throws(SchemaError) -> SchemaCatalog {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw SchemaError(code: .unreadable, detail: "\(directory.path): cannot list the directory")
        }
        var documents: [String: JSONValue] = [:]
        for name in names
        where name.hasSuffix(".json") && name != apiDescriptionFile && name != adminAPIDescriptionFile {
            let id = String(name.dropLast(5))
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else {
                throw SchemaError(code: .unreadable, detail: "\(name): cannot be read")
            }
            do {
                documents[id] = try JSONValue.parse([UInt8](data))
            } catch {
                throw SchemaError(code: .unreadable, detail: "\(name): not JSON (\(error.code), byte \(error.offset ?? 0))")
            }
        }
        return try SchemaCatalog(documents: documents, options: options)
    }

    private func item(_ idOrURI: String) -> Item? {
        if let item = items[idOrURI] { return item }
        guard let id = idsByURI[splitFragment(idOrURI).base] else { return nil }
        return items[id]
    }

    /// The listing entry of a schema, by id or `$id`.
    public func entry(_ idOrURI: String) -> Entry? { item(idOrURI)?.entry }

    /// The schema document (as loaded), by id or `$id`: the body of `GET /v1/schemas/{id}`.
    public func schema(_ idOrURI: String) -> JSONValue? { item(idOrURI)?.document }

    /// The compiled schema, by id or `$id`, for validating many instances.
    public func compiled(_ idOrURI: String) -> JSONSchema? { item(idOrURI)?.compiled }

    /// Compiles a schema from outside the catalogue (checked against the meta-schema first) whose
    /// references may name the catalogue's schemas, with the catalogue's options.
    ///
    /// ```swift
    /// // One file of a configuration directory against its part of config.v1:
    /// let members = try catalog.compile(["$ref": "https://lienthong.gov.vn/schemas/config.v1#/$defs/members"])
    /// ```
    /// - Throws: as ``JSONSchema/compileChecked(_:registry:options:uri:)``.
    public func compile(_ schema: JSONValue, uri: String = "") throws(SchemaError) -> JSONSchema {
        try JSONSchema.compileChecked(schema, registry: registry, options: options, uri: uri)
    }

    /// Validates `instance` against a schema of the catalogue and renders the 2020-12 output.
    ///
    /// - Parameters:
    ///   - id: The schema's id or `$id`.
    ///   - instance: The JSON to validate.
    ///   - output: `flag` (`{"valid": …}`) or `basic` (adds `errors`).
    /// - Throws: ``SchemaError/Code/notFound`` naming `id` when there is no such schema.
    public func validate(id: String, instance: JSONValue, output: OutputFormat) throws(SchemaError) -> JSONValue {
        guard let item = item(id) else { throw SchemaError(code: .notFound, detail: id) }
        return item.compiled.validate(instance, output: output)
    }
}
