import Foundation
import LienthongJSON
import LienthongSchema
import LienthongTesting
@testable import LienthongGateway

/// Reading the OpenAPI description (`schemas/openapi.json`) in tests: the file, the document a node serves, its
/// operations and responses, and its schemas compiled with the project's 2020-12 validator.
struct OpenAPIDescription {
    /// The document.
    let json: JSONValue

    static let schemasDirectory = Repository.root.appendingPathComponent("schemas")
    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
    /// The URI the document is registered under for the validator.
    static let uri = "https://lienthong.test/openapi.json"

    /// The file as written.
    static func file() throws -> OpenAPIDescription {
        let data = try Data(contentsOf: schemasDirectory.appendingPathComponent(SchemaCatalog.apiDescriptionFile))
        return OpenAPIDescription(json: try JSONValue.parse(Array(data)))
    }

    /// What a node on `configDirectory` (default `config/demo`) serves.
    static func served(configDirectory: URL = Repository.root.appendingPathComponent("config/demo")) throws
        -> OpenAPIDescription
    {
        let configuration = try GatewayConfiguration.load(configDirectory: configDirectory)
        let document = try OpenAPIDocument.load(
            directory: schemasDirectory, catalog: try SchemaCatalog.load(directory: schemasDirectory),
            registries: configuration.registries, purposes: configuration.policy.purposes.map(\.code)
        )
        return OpenAPIDescription(json: document.json)
    }

    /// One operation: its path template, method and location in the document.
    struct Operation {
        let path: String
        let method: String
        let json: JSONValue
        var pointer: JSONPointer { JSONPointer(tokens: ["paths", path, method]) }
    }

    var operations: [Operation] {
        (json["paths"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.flatMap { path, item in
            Self.methods.compactMap { method in item[method].map { Operation(path: path, method: method, json: $0) } }
        }
    }

    /// Every `$ref` of the document with where it is.
    var references: [(pointer: JSONPointer, reference: String)] {
        var found: [(JSONPointer, String)] = []
        func walk(_ value: JSONValue, _ pointer: JSONPointer) {
            switch value {
            case .object(let members):
                for (name, member) in members {
                    if name == "$ref", let reference = member.stringValue { found.append((pointer, reference)) }
                    walk(member, pointer.appending(name))
                }
            case .array(let items):
                for (index, item) in items.enumerated() { walk(item, pointer.appending(index: index)) }
            default:
                break
            }
        }
        walk(json, .root)
        return found
    }

    /// The value a local reference (`#/…`) points to.
    func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#"), let pointer = try? JSONPointer(String(reference.dropFirst())) else {
            return nil
        }
        return pointer.resolve(in: json)
    }

    /// Where the object at `pointer` really is: the target of its `$ref`, if it is a reference object.
    func dereferenced(_ pointer: JSONPointer) -> JSONPointer {
        guard let reference = pointer.resolve(in: json)?["$ref"]?.stringValue, reference.hasPrefix("#"),
            let target = try? JSONPointer(String(reference.dropFirst()))
        else { return pointer }
        return target
    }

    /// The response object of `operation` for `status`, followed through `components.responses`.
    func response(_ operation: Operation, status: Int) -> JSONPointer? {
        let pointer = operation.pointer.appending("responses").appending(String(status))
        guard pointer.resolve(in: json) != nil else { return nil }
        return dereferenced(pointer)
    }

    /// Every response object of every operation, followed through `components.responses`.
    var responses: [(operation: Operation, status: String, pointer: JSONPointer)] {
        operations.flatMap { operation in
            (operation.json["responses"]?.objectValue ?? [:]).keys.sorted().map { status in
                (operation, status, dereferenced(operation.pointer.appending("responses").appending(status)))
            }
        }
    }

    /// The problem `code` values a response lists (its problem schema's `allOf[1].properties.code.enum`).
    func problemCodes(_ response: JSONPointer) -> [String] {
        let schema = response.resolve(in: json)?["content"]?["application/problem+json"]?["schema"]
        return schema?["allOf"]?[1]?["properties"]?["code"]?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// The parameters of `operation`, references followed.
    func parameters(_ operation: Operation) -> [JSONValue] {
        (operation.json["parameters"]?.arrayValue ?? []).compactMap { parameter in
            parameter["$ref"]?.stringValue.flatMap(resolve) ?? parameter
        }
    }

    /// The schema at `pointer`, compiled with the gateway's validation options, its references resolved in the
    /// document alone (not the catalogue: a served document must stand on its own).
    func schema(at pointer: JSONPointer) throws -> JSONSchema {
        var registry = SchemaRegistry()
        registry.add(json, uri: Self.uri)
        // `{` and `}` of path templates are not URI characters.
        let fragment = pointer.description.replacingOccurrences(of: "{", with: "%7B")
            .replacingOccurrences(of: "}", with: "%7D")
        return try JSONSchema.compile(
            ["$ref": .string(Self.uri + "#" + fragment)], registry: registry, options: .lienthong)
    }
}
