import LienthongJSON
import LienthongSchema

/// Which members a canonical schema allows in its records, so a mapping target or a granted field that the schema
/// does not have is a configuration error rather than a record that never validates or a field never returned.
///
/// Follows `$ref` (within the catalogue), `allOf`/`anyOf`/`oneOf`/`if`/`then`/`else`, `properties` and `items`.
/// A member is unknown only where a schema closes its object (`additionalProperties` or `unevaluatedProperties`
/// `false`) and no branch names it; anywhere else the schema cannot say, and the member passes.
struct CanonicalFields {
    let catalog: SchemaCatalog

    /// A schema node and the document its local `#/…` references resolve in.
    private struct Node {
        var schema: JSONValue
        var document: JSONValue
    }

    /// The first member of `pointer` that the schema `schemaID` does not allow, with the names it allows there;
    /// `nil` when every member may be present (or the schema is not in the catalogue).
    func unknownMember(at pointer: JSONPointer, in schemaID: String) -> (name: String, known: [String])? {
        guard let root = catalog.schema(schemaID) else { return nil }
        var nodes = [Node(schema: root, document: root)]
        for token in pointer.tokens {
            let expanded = nodes.flatMap { expand($0, depth: 0) }
            var next: [Node] = []
            var known: [String] = []
            var closed = false
            for node in expanded {
                if let properties = node.schema["properties"]?.objectValue {
                    known += properties.keys
                    if let child = properties[token] { next.append(Node(schema: child, document: node.document)) }
                }
                if let items = node.schema["items"], Int(token) != nil || token == "-" {
                    next.append(Node(schema: items, document: node.document))
                }
                if node.schema["additionalProperties"] == .bool(false)
                    || node.schema["unevaluatedProperties"] == .bool(false)
                {
                    closed = true
                } else if let additional = node.schema["additionalProperties"], additional.objectValue != nil {
                    next.append(Node(schema: additional, document: node.document))
                }
            }
            if next.isEmpty {
                return closed ? (token, known.sorted()) : nil
            }
            nodes = next
        }
        return nil
    }

    /// The node and every subschema that applies to the same instance.
    private func expand(_ node: Node, depth: Int) -> [Node] {
        // A reference cycle in a canonical schema must not hang the check.
        guard depth < 32 else { return [] }
        var nodes = [node]
        if let reference = node.schema["$ref"]?.stringValue, let target = resolve(reference, from: node.document) {
            nodes += expand(target, depth: depth + 1)
        }
        for keyword in ["allOf", "anyOf", "oneOf"] {
            for child in node.schema[keyword]?.arrayValue ?? [] {
                nodes += expand(Node(schema: child, document: node.document), depth: depth + 1)
            }
        }
        for keyword in ["if", "then", "else"] {
            if let child = node.schema[keyword] {
                nodes += expand(Node(schema: child, document: node.document), depth: depth + 1)
            }
        }
        return nodes
    }

    private func resolve(_ reference: String, from document: JSONValue) -> Node? {
        let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let base = parts.first.map(String.init) ?? ""
        guard let target = base.isEmpty ? document : catalog.schema(base) else { return nil }
        guard parts.count > 1, !parts[1].isEmpty else { return Node(schema: target, document: target) }
        guard let pointer = try? JSONPointer(String(parts[1])), let schema = target[pointer] else { return nil }
        return Node(schema: schema, document: target)
    }
}
