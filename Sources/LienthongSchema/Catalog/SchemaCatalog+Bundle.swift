public import LienthongJSON

/// A document whose references to catalogue schemas were made local, with the schemas they now point to.
public struct SchemaBundle: Sendable {
    /// The document, every `$ref` to a catalogue `$id` rewritten to `#<prefix>/<id>…`.
    public var document: JSONValue
    /// The catalogue schemas referenced (directly, through each other, or asked for), by id, to be placed at
    /// `<prefix>/<id>` of ``document``: without `$id` and `$schema`, their own references rewritten the same way.
    public var schemas: [String: JSONValue]
}

extension SchemaCatalog {
    /// Bundles the catalogue schemas a document references into it, as JSON Pointer references only.
    ///
    /// A `$ref` whose URI is a catalogue `$id` (`https://lienthong.gov.vn/schemas/envelope.v1#/$defs/base64url`)
    /// becomes `#<prefix>/<id><fragment>` (`#/components/schemas/envelope.v1/$defs/base64url`); inside a bundled
    /// schema, `#…` references gain the same prefix. Dropping `$id` keeps every reference a plain pointer from
    /// the document's root, which tools that do not implement `$id` resolution follow as well as those that do.
    /// Other references are left as they are.
    ///
    /// - Parameters:
    ///   - document: The document (an OpenAPI description); its own `#…` references are left alone.
    ///   - prefix: Where the schemas will sit, as a JSON Pointer (`/components/schemas`).
    ///   - ids: Catalogue schemas to bundle even if nothing references them.
    /// - Throws: ``SchemaError/Code/notFound`` for an id of `ids` not in the catalogue,
    ///   ``SchemaError/Code/unresolvableReference`` for a catalogue reference whose fragment is not a JSON Pointer.
    public func bundle(
        _ document: JSONValue, under prefix: JSONPointer, including ids: [String] = []
    ) throws(SchemaError) -> SchemaBundle {
        var pending: [String] = []
        for id in ids {
            guard let entry = entry(id) else { throw SchemaError(code: .notFound, detail: id) }
            pending.append(entry.id)
        }
        let rewritten = try localize(document, base: nil, prefix: prefix, found: &pending)
        var schemas: [String: JSONValue] = [:]
        while let id = pending.popLast() {
            guard schemas[id] == nil, let entry = entry(id), var members = schema(id)?.objectValue else { continue }
            members["$id"] = nil
            members["$schema"] = nil
            schemas[id] = try localize(.object(members), base: entry, prefix: prefix, found: &pending)
        }
        return SchemaBundle(document: rewritten, schemas: schemas)
    }

    /// `value` with its catalogue references made local; `base` is the catalogue schema it belongs to, if any.
    private func localize(
        _ value: JSONValue, base: Entry?, prefix: JSONPointer, found: inout [String]
    ) throws(SchemaError) -> JSONValue {
        switch value {
        case .array(let items):
            var result: [JSONValue] = []
            for item in items { result.append(try localize(item, base: base, prefix: prefix, found: &found)) }
            return .array(result)
        case .object(let members):
            var result: JSONObject = [:]
            for (name, member) in members {
                if name == "$ref", let reference = member.stringValue {
                    result[name] = .string(try localReference(reference, base: base, prefix: prefix, found: &found))
                } else {
                    result[name] = try localize(member, base: base, prefix: prefix, found: &found)
                }
            }
            return .object(result)
        default:
            return value
        }
    }

    private func localReference(
        _ reference: String, base: Entry?, prefix: JSONPointer, found: inout [String]
    ) throws(SchemaError) -> String {
        let target: Entry
        let fragment: String
        if reference.hasPrefix("#") {
            // The document's own pointers stay; a bundled schema's point into it at its new place.
            guard let base else { return reference }
            (target, fragment) = (base, String(reference.dropFirst()))
        } else {
            let absolute = base.map { resolveURI(reference, against: $0.uri) } ?? reference
            let parts = splitFragment(absolute)
            guard URIReference(parts.base).scheme != nil, let entry = entry(parts.base) else { return reference }
            (target, fragment) = (entry, parts.fragment)
        }
        guard fragment.isEmpty || fragment.hasPrefix("/") else {
            throw SchemaError(code: .unresolvableReference, detail: "\(reference): only JSON Pointer fragments bundle")
        }
        found.append(target.id)
        return "#" + prefix.appending(target.id).description + fragment
    }
}
