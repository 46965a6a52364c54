import LienthongJSON

/// Turns indexed schemas into ``SchemaNode``s once: references resolved to node indices, regular
/// expressions compiled, vocabularies applied. Each schema location compiles once, so reference
/// cycles terminate.
struct SchemaCompiler {
    private var index: SchemaIndex
    private let options: ValidationOptions
    private var nodes: [SchemaNode] = []
    private var nodeByKey: [String: Int] = [:]
    private var pending: [(Int, IndexedSchema)] = []
    private var resources: [SchemaResource] = []
    private var resourceByURI: [String: Int] = [:]
    private var anchorsCompiled: Set<Int> = []
    private var vocabularyCache: [String: Vocabularies] = [:]
    private var tracksAnnotations = false

    init(registry: SchemaRegistry, options: ValidationOptions) {
        index = SchemaIndex(registry: registry)
        self.options = options
    }

    /// Compiles the document `json` (retrieved from `uri`) and everything it references.
    mutating func compile(_ json: JSONValue, uri: String) throws(SchemaError) -> (CompiledProgram, root: Int) {
        guard json.objectValue != nil || json.boolValue != nil else {
            throw SchemaError(code: .invalidSchema, detail: "a schema is an object or a boolean")
        }
        let rootEntry = index.indexDocument(json, uri: uri)
        let root = try node(for: rootEntry)
        try drain()
        for i in nodes.indices {
            nodes[i].fast = tracksAnnotations ? nodes[i].keywords : ObjectMembers.fuse(nodes[i].keywords)
        }
        let program = CompiledProgram(
            nodes: nodes, resources: resources, tracksAnnotations: tracksAnnotations, maxDepth: options.maxDepth,
            maxPatternInputLength: options.maxPatternInputLength,
            usesDynamicScope: nodes.contains { node in
                node.keywords.contains { if case .dynamicRef(_, .some) = $0 { true } else { false } }
            })
        return (program, root)
    }

    /// Compiles every queued node; then the dynamic anchors of every resource reached, which a
    /// `$dynamicRef` may jump to, until nothing new appears.
    private mutating func drain() throws(SchemaError) {
        while true {
            while let (slot, entry) = pending.popLast() {
                nodes[slot].keywords = try keywords(for: entry)
            }
            var progressed = false
            for id in resources.indices where !anchorsCompiled.contains(id) {
                anchorsCompiled.insert(id)
                for (name, key) in index.dynamicAnchors[resources[id].uri] ?? [:] {
                    guard let entry = index.entries[key] else { continue }
                    resources[id].dynamicAnchors[name] = try node(for: entry)
                    progressed = true
                }
            }
            if !progressed && pending.isEmpty { return }
        }
    }

    private mutating func resourceID(_ uri: String) -> Int {
        if let id = resourceByURI[uri] { return id }
        resources.append(SchemaResource(uri: uri))
        resourceByURI[uri] = resources.count - 1
        return resources.count - 1
    }

    /// The node index for `entry`, queuing it for compilation on first sight.
    private mutating func node(for entry: IndexedSchema) throws(SchemaError) -> Int {
        if let existing = nodeByKey[entry.key] { return existing }
        let slot = nodes.count
        nodes.append(
            SchemaNode(keywords: [], absoluteLocation: "\(entry.base)#\(entry.pointer)", resource: resourceID(entry.base)))
        nodeByKey[entry.key] = slot
        pending.append((slot, entry))
        return slot
    }

    private mutating func child(_ parent: IndexedSchema, _ tokens: String...) throws(SchemaError) -> Int {
        guard let entry = index.child(of: parent, tokens) else {
            throw SchemaError(code: .invalidKeyword, detail: "\(parent.base)#\(parent.pointer)/\(tokens[0])")
        }
        guard entry.json.objectValue != nil || entry.json.boolValue != nil else {
            throw SchemaError(code: .invalidSchema, detail: "\(entry.base)#\(entry.pointer)")
        }
        return try node(for: entry)
    }

    private mutating func vocabularies(_ dialect: String?) throws(SchemaError) -> Vocabularies {
        guard let dialect, dialect != "https://json-schema.org/draft/2020-12/schema" else { return .standard }
        if let cached = vocabularyCache[dialect] { return cached }
        let meta = try index.resolve(dialect)
        var result: Vocabularies = .standard
        if case .object(let declared)? = meta.json["$vocabulary"] {
            result = [.core]
            for (uri, required) in declared {
                if let vocabulary = Vocabularies(uri: uri) {
                    result.insert(vocabulary)
                } else if required == .bool(true) {
                    throw SchemaError(code: .unsupportedVocabulary, detail: uri)
                }
            }
        }
        vocabularyCache[dialect] = result
        return result
    }

    // MARK: - Keywords

    private mutating func keywords(for entry: IndexedSchema) throws(SchemaError) -> [Keyword] {
        guard case .object(let o) = entry.json else {
            return entry.json == .bool(false) ? [.never] : []
        }
        let vocabularies = try vocabularies(entry.dialect)
        var result: [Keyword] = []
        let location = "\(entry.base)#\(entry.pointer)"

        func integer(_ name: String) throws(SchemaError) -> Int? {
            guard let value = o[name] else { return nil }
            guard let n = value.numberValue?.int, n >= 0 else {
                throw SchemaError(code: .invalidKeyword, detail: "\(location)/\(name)")
            }
            return n
        }
        func number(_ name: String) throws(SchemaError) -> NumberValue? {
            guard let value = o[name] else { return nil }
            guard let n = value.numberValue else {
                throw SchemaError(code: .invalidKeyword, detail: "\(location)/\(name)")
            }
            return NumberValue(n)
        }
        func strings(_ value: JSONValue, _ name: String) throws(SchemaError) -> [String] {
            guard let array = value.arrayValue else {
                throw SchemaError(code: .invalidKeyword, detail: "\(location)/\(name)")
            }
            var result: [String] = []
            for element in array {
                guard let s = element.stringValue else {
                    throw SchemaError(code: .invalidKeyword, detail: "\(location)/\(name)")
                }
                result.append(s)
            }
            return result
        }

        // Core.
        if let ref = o["$ref"] {
            guard let text = ref.stringValue else {
                throw SchemaError(code: .invalidKeyword, detail: "\(location)/$ref")
            }
            let target = try index.resolve(resolveURI(text, against: entry.base))
            result.append(.ref(try node(for: target)))
        }
        if let ref = o["$dynamicRef"] {
            guard let text = ref.stringValue else {
                throw SchemaError(code: .invalidKeyword, detail: "\(location)/$dynamicRef")
            }
            let resolved = resolveURI(text, against: entry.base)
            let target = try index.resolve(resolved)
            let fragment = splitFragment(resolved).fragment
            // Dynamic only when the static target bookends it with a matching `$dynamicAnchor`.
            let anchor: String? =
                !fragment.isEmpty && !fragment.hasPrefix("/") && target.json["$dynamicAnchor"]?.stringValue == fragment
                ? fragment : nil
            result.append(.dynamicRef(target: try node(for: target), anchor: anchor))
        }

        // Validation: cheap checks first.
        if vocabularies.contains(.validation) {
            if let type = o["type"] {
                var set: TypeSet = []
                let names: [String]
                if let single = type.stringValue { names = [single] } else { names = try strings(type, "type") }
                for name in names {
                    guard let t = TypeSet(name: name) else {
                        throw SchemaError(code: .invalidKeyword, detail: "\(location)/type")
                    }
                    set.insert(t)
                }
                result.append(.type(set))
            }
            if let values = o["enum"] {
                guard let array = values.arrayValue else {
                    throw SchemaError(code: .invalidKeyword, detail: "\(location)/enum")
                }
                result.append(.enumeration(array))
            }
            if let value = o["const"] { result.append(.constant(value)) }
            if let n = try number("multipleOf") {
                guard n.double > 0 else { throw SchemaError(code: .invalidKeyword, detail: "\(location)/multipleOf") }
                result.append(.multipleOf(n))
            }
            if let n = try number("maximum") { result.append(.maximum(n)) }
            if let n = try number("exclusiveMaximum") { result.append(.exclusiveMaximum(n)) }
            if let n = try number("minimum") { result.append(.minimum(n)) }
            if let n = try number("exclusiveMinimum") { result.append(.exclusiveMinimum(n)) }
            if let n = try integer("maxLength") { result.append(.maxLength(n)) }
            if let n = try integer("minLength") { result.append(.minLength(n)) }
            if let pattern = o["pattern"] {
                guard let text = pattern.stringValue else {
                    throw SchemaError(code: .invalidKeyword, detail: "\(location)/pattern")
                }
                result.append(.pattern(try ECMARegex(text)))
            }
            if let n = try integer("maxItems") { result.append(.maxItems(n)) }
            if let n = try integer("minItems") { result.append(.minItems(n)) }
            if o["uniqueItems"] == .bool(true) { result.append(.uniqueItems) }
            if let n = try integer("maxProperties") { result.append(.maxProperties(n)) }
            if let n = try integer("minProperties") { result.append(.minProperties(n)) }
            if let value = o["required"] { result.append(.required(try strings(value, "required"))) }
            if let value = o["dependentRequired"] {
                guard let map = value.objectValue else {
                    throw SchemaError(code: .invalidKeyword, detail: "\(location)/dependentRequired")
                }
                var pairs: [(name: String, required: [String])] = []
                for (name, list) in map.sorted(by: { $0.key < $1.key }) {
                    pairs.append((name, try strings(list, "dependentRequired")))
                }
                result.append(.dependentRequired(pairs))
            }
        }

        // Format.
        if let name = o["format"]?.stringValue {
            if let custom = options.customFormats[name] {
                result.append(.format(name: name, check: custom))
            } else if options.assertFormats || vocabularies.contains(.formatAssertion),
                let standard = StandardFormats.checker(name)
            {
                result.append(.format(name: name, check: standard))
            }
        }

        // Applicators.
        if vocabularies.contains(.applicator) {
            for name in ["allOf", "anyOf", "oneOf"] {
                guard let value = o[name] else { continue }
                guard let array = value.arrayValue, !array.isEmpty else {
                    throw SchemaError(code: .invalidKeyword, detail: "\(location)/\(name)")
                }
                var children: [Int] = []
                for i in array.indices { children.append(try child(entry, name, String(i))) }
                switch name {
                case "allOf": result.append(.allOf(children))
                case "anyOf": result.append(.anyOf(children))
                default: result.append(.oneOf(children))
                }
            }
            if o["not"] != nil { result.append(.not(try child(entry, "not"))) }
            if o["if"] != nil {
                let thenNode = o["then"] != nil ? try child(entry, "then") : nil
                let elseNode = o["else"] != nil ? try child(entry, "else") : nil
                result.append(.conditional(if: try child(entry, "if"), then: thenNode, else: elseNode))
            }
            if let value = o["dependentSchemas"] {
                guard let map = value.objectValue else {
                    throw SchemaError(code: .invalidKeyword, detail: "\(location)/dependentSchemas")
                }
                var pairs: [(name: String, node: Int)] = []
                for name in map.keys.sorted() { pairs.append((name, try child(entry, "dependentSchemas", name))) }
                result.append(.dependentSchemas(pairs))
            }
            var prefixCount = 0
            if let value = o["prefixItems"] {
                guard let array = value.arrayValue else {
                    throw SchemaError(code: .invalidKeyword, detail: "\(location)/prefixItems")
                }
                var children: [Int] = []
                for i in array.indices { children.append(try child(entry, "prefixItems", String(i))) }
                prefixCount = children.count
                result.append(.prefixItems(children))
            }
            if o["items"] != nil { result.append(.items(try child(entry, "items"), skip: prefixCount)) }
            if o["contains"] != nil {
                var minimum = 1
                var maximum: Int?
                if vocabularies.contains(.validation) {
                    minimum = try integer("minContains") ?? 1
                    maximum = try integer("maxContains")
                }
                result.append(.contains(try child(entry, "contains"), min: minimum, max: maximum))
            }
            var known: Set<JSONKey> = []
            if let value = o["properties"] {
                guard let map = value.objectValue else {
                    throw SchemaError(code: .invalidKeyword, detail: "\(location)/properties")
                }
                var pairs: [(name: String, node: Int)] = []
                var lookup: [JSONKey: Int] = [:]
                for key in map.members.keys.sorted() {
                    let n = try child(entry, "properties", key.string)
                    pairs.append((key.string, n))
                    lookup[key] = n
                }
                known = Set(map.members.keys)
                result.append(.properties(pairs, lookup: lookup))
            }
            var patterns: [ECMARegex] = []
            if let value = o["patternProperties"] {
                guard let map = value.objectValue else {
                    throw SchemaError(code: .invalidKeyword, detail: "\(location)/patternProperties")
                }
                var pairs: [(pattern: ECMARegex, node: Int)] = []
                for name in map.keys.sorted() {
                    let regex = try ECMARegex(name)
                    pairs.append((regex, try child(entry, "patternProperties", name)))
                    patterns.append(regex)
                }
                result.append(.patternProperties(pairs))
            }
            if o["additionalProperties"] != nil {
                result.append(
                    .additionalProperties(try child(entry, "additionalProperties"), known: known, patterns: patterns))
            }
            if o["propertyNames"] != nil { result.append(.propertyNames(try child(entry, "propertyNames"))) }
        }

        // Extension keywords.
        for (name, keyword) in options.customKeywords.sorted(by: { $0.key < $1.key }) {
            guard let value = o[name] else { continue }
            result.append(.custom(name: name, check: try keyword.compile(value)))
        }

        // Unevaluated: last, after every annotation of this schema object is known.
        if vocabularies.contains(.unevaluated) {
            if o["unevaluatedItems"] != nil {
                tracksAnnotations = true
                result.append(.unevaluatedItems(try child(entry, "unevaluatedItems")))
            }
            if o["unevaluatedProperties"] != nil {
                tracksAnnotations = true
                result.append(.unevaluatedProperties(try child(entry, "unevaluatedProperties")))
            }
        }
        return result
    }
}
