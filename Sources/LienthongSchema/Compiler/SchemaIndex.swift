import LienthongJSON

/// One subschema found while indexing: its JSON and where it sits.
struct IndexedSchema {
    /// The schema (object or boolean).
    let json: JSONValue
    /// The URI of the schema resource it belongs to, without fragment.
    let base: String
    /// The escaped JSON Pointer from the resource root (`""` for the root).
    let pointer: String
    /// `documentURI#pointerFromDocumentRoot`: the identity of the schema for memoisation.
    let key: String
    /// The `$schema` in effect, or `nil` for the default dialect (2020-12).
    let dialect: String?
}

/// Every schema resource, anchor and subschema location of the documents compiled against, so that
/// `$ref` and `$dynamicRef` resolve without re-walking documents.
struct SchemaIndex {
    private(set) var entries: [String: IndexedSchema] = [:]
    private var locations: [String: String] = [:]
    private var anchors: [String: String] = [:]
    private(set) var dynamicAnchors: [String: [String: String]] = [:]
    private var resources: [String: String] = [:]
    private var indexedDocuments: Set<String> = []
    private var registry: SchemaRegistry

    init(registry: SchemaRegistry) {
        self.registry = registry
    }

    /// Keywords whose value is one subschema.
    static let singleSchemaKeywords: Set<String> = [
        "items", "contains", "additionalProperties", "propertyNames", "not", "if", "then", "else",
        "unevaluatedItems", "unevaluatedProperties", "contentSchema",
    ]
    /// Keywords whose value is an array of subschemas.
    static let arraySchemaKeywords: Set<String> = ["allOf", "anyOf", "oneOf", "prefixItems"]
    /// Keywords whose value is an object of subschemas.
    static let mapSchemaKeywords: Set<String> = ["$defs", "properties", "patternProperties", "dependentSchemas"]

    /// Indexes the document `json` retrieved from `uri` and returns its root entry.
    @discardableResult
    mutating func indexDocument(_ json: JSONValue, uri: String) -> IndexedSchema {
        indexedDocuments.insert(uri)
        resources[uri] = resources[uri] ?? "\(uri)#"
        walk(json, base: uri, pointer: "", key: "\(uri)#", dialect: nil, isDocumentRoot: true)
        return entries["\(uri)#"]!
    }

    /// The entry for a subschema found below `parent` by `tokens`, indexing it if it was reached by a
    /// path the walk did not follow (a pointer into an unknown keyword).
    mutating func child(of parent: IndexedSchema, _ tokens: [String]) -> IndexedSchema? {
        var value = parent.json
        var suffix = ""
        for token in tokens {
            switch value {
            case .object(let object):
                guard let next = object[token] else { return nil }
                value = next
            case .array(let array):
                guard let i = Int(token), array.indices.contains(i) else { return nil }
                value = array[i]
            default:
                return nil
            }
            suffix += "/" + PointerToken.escape(token)
        }
        let key = parent.key + suffix
        if let entry = entries[key] { return entry }
        walk(value, base: parent.base, pointer: parent.pointer + suffix, key: key, dialect: parent.dialect,
            isDocumentRoot: false)
        return entries[key]
    }

    /// Resolves an absolute URI (with optional fragment: empty, JSON Pointer or anchor name).
    mutating func resolve(_ uri: String) throws(SchemaError) -> IndexedSchema {
        let (base, fragment) = splitFragment(uri)
        if resources[base] == nil { try load(base) }
        guard let rootKey = resources[base], let root = entries[rootKey] else {
            throw SchemaError(code: .unresolvableReference, detail: uri)
        }
        guard let decoded = PointerToken.percentDecode(fragment) else {
            throw SchemaError(code: .unresolvableReference, detail: uri)
        }
        if decoded.isEmpty { return root }
        if decoded.hasPrefix("/") {
            guard let tokens = PointerToken.tokens(of: decoded) else {
                throw SchemaError(code: .unresolvableReference, detail: uri)
            }
            let canonical = tokens.map { "/" + PointerToken.escape($0) }.joined()
            if let key = locations["\(base)#\(canonical)"], let entry = entries[key] { return entry }
            // Not a location the walk indexed (inside an unknown keyword, say): follow the pointer.
            var entry = root
            for token in tokens {
                guard let next = child(of: entry, [token]) else {
                    throw SchemaError(code: .unresolvableReference, detail: uri)
                }
                entry = next
            }
            return entry
        }
        guard let key = anchors["\(base)#\(decoded)"], let entry = entries[key] else {
            throw SchemaError(code: .unresolvableReference, detail: uri)
        }
        return entry
    }

    /// Loads the document at `base` from the registry; failing that, indexes every registered
    /// document, since `base` may be an `$id` declared inside one of them.
    private mutating func load(_ base: String) throws(SchemaError) {
        if !indexedDocuments.contains(base), let document = try registry.document(at: base) {
            indexDocument(document, uri: base)
            return
        }
        for (uri, document) in registry.documents where !indexedDocuments.contains(uri) {
            indexDocument(document, uri: uri)
            if resources[base] != nil { return }
        }
    }

    private mutating func walk(
        _ value: JSONValue, base: String, pointer: String, key: String, dialect: String?, isDocumentRoot: Bool
    ) {
        var base = base
        var pointer = pointer
        var dialect = dialect
        guard case .object(let object) = value else {
            if case .bool = value {
                entries[key] = IndexedSchema(json: value, base: base, pointer: pointer, key: key, dialect: dialect)
                locations["\(base)#\(pointer)"] = key
            }
            return
        }
        if let id = object["$id"]?.stringValue {
            let resolved = URIReference(base).resolving(URIReference(id))
            // A 2020-12 `$id` has no fragment (an empty one is tolerated); anything else is not an id.
            if resolved.fragment == nil || resolved.fragment == "" {
                base = resolved.withoutFragment.string
                pointer = ""
                if resources[base] == nil { resources[base] = key }
            }
        }
        if isDocumentRoot || pointer.isEmpty, let schema = object["$schema"]?.stringValue {
            dialect = splitFragment(schema).base
        }
        let entry = IndexedSchema(json: value, base: base, pointer: pointer, key: key, dialect: dialect)
        entries[key] = entry
        locations["\(base)#\(pointer)"] = key
        if let anchor = object["$anchor"]?.stringValue {
            anchors["\(base)#\(anchor)"] = key
        }
        if let anchor = object["$dynamicAnchor"]?.stringValue {
            if anchors["\(base)#\(anchor)"] == nil { anchors["\(base)#\(anchor)"] = key }
            dynamicAnchors[base, default: [:]][anchor] = key
        }
        for (keyword, child) in object {
            let escaped = "/" + PointerToken.escape(keyword)
            if SchemaIndex.singleSchemaKeywords.contains(keyword) {
                walk(child, base: base, pointer: pointer + escaped, key: key + escaped, dialect: dialect,
                    isDocumentRoot: false)
            } else if SchemaIndex.arraySchemaKeywords.contains(keyword), case .array(let array) = child {
                for (i, element) in array.enumerated() {
                    walk(element, base: base, pointer: pointer + escaped + "/\(i)", key: key + escaped + "/\(i)",
                        dialect: dialect, isDocumentRoot: false)
                }
            } else if SchemaIndex.mapSchemaKeywords.contains(keyword), case .object(let map) = child {
                for (name, element) in map {
                    let token = "/" + PointerToken.escape(name)
                    walk(element, base: base, pointer: pointer + escaped + token, key: key + escaped + token,
                        dialect: dialect, isDocumentRoot: false)
                }
            }
        }
    }
}
