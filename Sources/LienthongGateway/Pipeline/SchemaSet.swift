import Foundation
import LienthongJSON
import LienthongSchema

/// The canonical schemas of `schemas/`, compiled once for the records the node signs.
struct SchemaSet {
    static let baseURI = "https://lienthong.gov.vn/schemas/"

    private let registry: SchemaRegistry

    static func load(directory: URL) throws -> SchemaSet {
        var registry = SchemaRegistry()
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }
        for file in files.sorted() {
            let bytes = Array(try Data(contentsOf: directory.appendingPathComponent(file)))
            try registry.add(try JSONValue.parse(bytes))
        }
        return SchemaSet(registry: registry)
    }

    /// The compiled schema with id `id` (e.g. `person.v1`).
    func schema(_ id: String) throws -> JSONSchema {
        try JSONSchema.compile(uri: Self.baseURI + id, registry: registry, options: .lienthong)
    }
}
