import Foundation
import LienthongCore
import LienthongHTTP
import LienthongJSON
import LienthongSchema

/// `GET /openapi.json`: the OpenAPI 3.1 description of the sharing API, for integrators' tools and client generators.
///
/// The file is `openapi.json` in the schema directory (node.json `schemas`, `schemas/` in the repository), beside the
/// canonical schemas it references by `$id`, so each schema is written once. The node serves it self-contained: the
/// referenced schemas and every registry's record schema are bundled under `components.schemas` by id, every
/// reference a local JSON Pointer (``SchemaCatalog/bundle(_:under:including:)``). Why bundled: Swagger UI, Redocly
/// and the generators all follow `#/components/…` pointers, few resolve `$id`s inside a document, and the `$id`s
/// (`https://lienthong.gov.vn/schemas/…`) name the schemas without being addresses a client could fetch them from.
/// The `RegistryName` and `PurposeCode` schemas gain the node's configured registries and purposes as `enum`, and each
/// `{registry}` path is written out per configured registry with that registry's key rule
/// (``registryPaths(_:parameters:registries:)``), so a registry added by configuration appears without touching the
/// file.
struct OpenAPIDocument: Sendable {
    /// The document as served.
    let json: JSONValue
    /// The `200` response, serialised once at start.
    let response: HTTPResponse

    /// Where the bundled schemas go.
    static let schemasPointer = JSONPointer(tokens: ["components", "schemas"])

    /// Reads `openapi.json` from `directory` and builds the served document.
    /// - Throws: ``ConfigurationError`` naming node.json's `schemas` when the file is missing, is not JSON, or does
    ///   not bundle.
    static func load(
        directory: URL, catalog: SchemaCatalog, registries: [RegistryDescriptor], purposes: [String]
    ) throws(ConfigurationError) -> OpenAPIDocument {
        let file = directory.appendingPathComponent(SchemaCatalog.apiDescriptionFile)
        func failure(_ message: String) -> ConfigurationError {
            ConfigurationError(file: "node.json", pointer: "/schemas", message: "\(file.path): \(message)")
        }
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw failure("cannot be read (the OpenAPI description belongs beside the schemas)")
        }
        let template: JSONValue
        do {
            template = try JSONValue.parse([UInt8](data))
        } catch {
            throw failure("not JSON (\(error.code), byte \(error.offset ?? 0))")
        }
        do {
            return try OpenAPIDocument(template: template, catalog: catalog, registries: registries, purposes: purposes)
        } catch {
            throw failure(error.description)
        }
    }

    /// Builds the served document from the file's content.
    /// - Throws: ``SchemaError`` when a component is missing or would be replaced by a bundled schema, or a
    ///   reference does not bundle.
    init(
        template: JSONValue, catalog: SchemaCatalog, registries: [RegistryDescriptor], purposes: [String]
    ) throws(SchemaError) {
        var document = template.objectValue ?? [:]
        var components = document["components"]?.objectValue ?? [:]
        var schemas = components["schemas"]?.objectValue ?? [:]
        for (name, values) in [("RegistryName", registries.map(\.name)), ("PurposeCode", purposes)] {
            guard var schema = schemas[name]?.objectValue else {
                throw SchemaError(code: .invalidSchema, detail: "components.schemas.\(name) is missing")
            }
            schema["enum"] = .array(values.map { .string($0) })
            schemas[name] = .object(schema)
        }
        components["schemas"] = .object(schemas)
        document["components"] = .object(components)
        document["paths"] = .object(
            try Self.registryPaths(
                document["paths"]?.objectValue ?? [:], parameters: components["parameters"]?.objectValue ?? [:],
                registries: registries
            )
        )

        let bundle = try catalog.bundle(
            .object(document), under: Self.schemasPointer, including: registries.map(\.schema)
        )
        var served = bundle.document.objectValue ?? [:]
        var servedComponents = served["components"]?.objectValue ?? [:]
        var servedSchemas = servedComponents["schemas"]?.objectValue ?? [:]
        for (id, schema) in bundle.schemas {
            guard servedSchemas[id] == nil else {
                throw SchemaError(code: .invalidSchema, detail: "components.schemas.\(id) is the catalogue's \(id)")
            }
            servedSchemas[id] = schema
        }
        servedComponents["schemas"] = .object(servedSchemas)
        served["components"] = .object(servedComponents)
        json = .object(served)
        response = HTTPResponse(
            status: 200, headers: ["Content-Type": "application/json", "Cache-Control": "public, max-age=300"],
            body: json.serializedBytes(pretty: true)
        )
    }
}
