import LienthongJSON

/// Runs a compiled program over one instance.
///
/// Two modes: `collect == false` answers valid/invalid and stops at the first failing keyword;
/// `collect == true` tracks keyword and instance paths and records every failing keyword. Valid
/// instances (the common case) only pay for the first mode.
struct Evaluator {
    private let program: CompiledProgram
    private let collect: Bool
    private let tracks: Bool
    private(set) var errors: [OutputUnit] = []
    private var keywordPath: [String] = []
    private var instancePath: [String] = []
    /// The schema resources entered, outermost first: the dynamic scope of `$dynamicRef`.
    private var scope: [Int] = []
    private var depth = 0
    private let maxDepth: Int
    private let tracksScope: Bool
    // Borrowed from `program`, which the caller keeps alive for the whole evaluation.
    private let fastKeywords: UnsafeMutablePointer<Keyword>
    private let fastRanges: UnsafeMutablePointer<CompiledProgram.FastRange>

    init(program: CompiledProgram, collect: Bool) {
        self.program = program
        self.collect = collect
        self.tracks = program.tracksAnnotations
        // No allocation per validation unless a `$dynamicRef` needs the dynamic scope.
        self.tracksScope = program.usesDynamicScope
        self.maxDepth = program.maxDepth
        self.fastKeywords = program.fastKeywords
        self.fastRanges = program.fastRanges
    }

    /// Evaluates node `index` on `instance`; adds what it evaluated to `evaluated` when valid.
    mutating func evaluate(_ index: Int, _ instance: JSONValue, _ evaluated: inout Evaluated) -> Bool {
        depth += 1
        defer { depth -= 1 }
        if depth > maxDepth {
            let limit = maxDepth
            report(index, nil, "validation nested deeper than \(limit) levels")
            return false
        }
        var entered = false
        if tracksScope {
            let resource = program.nodes[index].resource
            entered = scope.last != resource
            if entered { scope.append(resource) }
        }
        defer { if entered { scope.removeLast() } }
        if !collect {
            let range = fastRanges[index]
            var i = range.start
            while i < range.end {
                if !apply(fastKeywords[i], index, instance, &evaluated) { return false }
                i += 1
            }
            return true
        }
        var valid = true
        for keyword in program.nodes[index].keywords {
            if !apply(keyword, index, instance, &evaluated) {
                valid = false
                if !collect { break }
            }
        }
        return valid
    }

    // MARK: - Paths and errors

    private mutating func push(_ keyword: String, _ token: String?, _ instanceToken: String?) {
        keywordPath.append(PointerToken.escape(keyword))
        if let token { keywordPath.append(PointerToken.escape(token)) }
        if let instanceToken { instancePath.append(PointerToken.escape(instanceToken)) }
    }

    private mutating func pop(_ token: Bool, _ instanceToken: Bool) {
        keywordPath.removeLast(token ? 2 : 1)
        if instanceToken { instancePath.removeLast() }
    }

    /// Evaluates a subschema on the same instance location; merges its annotations when valid.
    private mutating func inPlace(
        _ node: Int, _ instance: JSONValue, _ evaluated: inout Evaluated, _ keyword: String,
        _ token: @autoclosure () -> String? = nil
    ) -> Bool {
        // Without annotations nobody reads `evaluated`: no scratch copy needed.
        if !tracks && !collect { return evaluate(node, instance, &evaluated) }
        var inner = Evaluated()
        guard collect else {
            let valid = evaluate(node, instance, &inner)
            if valid && tracks { evaluated.merge(inner) }
            return valid
        }
        let t = token()
        push(keyword, t, nil)
        let valid = evaluate(node, instance, &inner)
        pop(t != nil, false)
        if valid && tracks { evaluated.merge(inner) }
        return valid
    }

    /// Evaluates a subschema on a member or item of the instance.
    private mutating func onChild(
        _ node: Int, _ value: JSONValue, _ keyword: String, _ token: @autoclosure () -> String?,
        _ instanceToken: @autoclosure () -> String?
    ) -> Bool {
        if !tracks && !collect {
            var unread = Evaluated.unread
            return evaluate(node, value, &unread)
        }
        var inner = Evaluated()
        guard collect else { return evaluate(node, value, &inner) }
        let t = token()
        let i = instanceToken()
        push(keyword, t, i)
        let valid = evaluate(node, value, &inner)
        pop(t != nil, i != nil)
        return valid
    }

    private mutating func report(_ node: Int, _ keyword: String?, _ message: @autoclosure () -> String) {
        guard collect else { return }
        var keywordLocation = keywordPath.isEmpty ? "" : "/" + keywordPath.joined(separator: "/")
        var absolute = program.nodes[node].absoluteLocation
        if let keyword {
            let escaped = "/" + PointerToken.escape(keyword)
            keywordLocation += escaped
            absolute += escaped
        }
        let instanceLocation = instancePath.isEmpty ? "" : "/" + instancePath.joined(separator: "/")
        errors.append(
            OutputUnit(
                keywordLocation: keywordLocation, absoluteKeywordLocation: absolute,
                instanceLocation: instanceLocation, error: message()))
    }

    private mutating func discardErrors(from mark: Int) {
        if collect && errors.count > mark { errors.removeSubrange(mark...) }
    }

    // MARK: - Keywords

    /// Dispatches one keyword. Kept small: it sits on the recursion path, so its stack frame is
    /// paid once per nesting level (the assertion keywords live in ``check(_:_:_:)``, off that path).
    private mutating func apply(
        _ keyword: Keyword, _ node: Int, _ instance: JSONValue, _ evaluated: inout Evaluated
    ) -> Bool {
        switch keyword {
        case .ref(let target):
            return applyRef(target, node, instance, &evaluated)
        case .dynamicRef(let target, let anchor):
            return applyDynamicRef(target, anchor, node, instance, &evaluated)
        case .allOf(let children):
            return applyAllOf(children, node, instance, &evaluated)
        case .anyOf(let children):
            return applyAnyOf(children, node, instance, &evaluated)
        case .oneOf(let children):
            return applyOneOf(children, node, instance, &evaluated)
        case .not(let child):
            return applyNot(child, node, instance, &evaluated)
        case .conditional(let condition, let thenNode, let elseNode):
            return applyConditional(condition, thenNode, elseNode, node, instance, &evaluated)
        case .dependentSchemas(let pairs):
            return applyDependentSchemas(pairs, node, instance, &evaluated)
        case .prefixItems(let children):
            return applyPrefixItems(children, node, instance, &evaluated)
        case .items(let child, let skip):
            return applyItems(child, skip, node, instance, &evaluated)
        case .contains(let child, let minimum, let maximum):
            return applyContains(child, minimum, maximum, node, instance, &evaluated)
        case .properties(let pairs, let lookup):
            return applyProperties(pairs, lookup, node, instance, &evaluated)
        case .patternProperties(let pairs):
            return applyPatternProperties(pairs, node, instance, &evaluated)
        case .additionalProperties(let child, let known, let patterns):
            return applyAdditionalProperties(child, known, patterns, node, instance, &evaluated)
        case .propertyNames(let child):
            return applyPropertyNames(child, node, instance, &evaluated)
        case .unevaluatedItems(let child):
            return applyUnevaluatedItems(child, node, instance, &evaluated)
        case .unevaluatedProperties(let child):
            return applyUnevaluatedProperties(child, node, instance, &evaluated)
        case .objectMembers(let members):
            return applyObjectMembers(members, instance)
        default:
            return check(keyword, node, instance)
        }
    }

    /// The fused object keywords, fast path only (no paths, errors or annotations).
    @inline(never)
    private mutating func applyObjectMembers(_ members: ObjectMembers, _ instance: JSONValue) -> Bool {
        guard case .object(let object) = instance else { return true }
        // The fast path runs only without annotations (see ``ObjectMembers/fuse(_:)``).
        var inner = Evaluated.unread
        if members.additional != nil || object.count < members.members.count {
            var seen = 0
            for (name, value) in object {
                if let member = members.member(name) {
                    if member.required { seen += 1 }
                    if let node = member.node, !evaluate(node, value, &inner) { return false }
                } else if let additional = members.additional, !evaluate(additional, value, &inner) {
                    return false
                }
            }
            return seen == members.requiredCount
        }
        for (name, member) in members.members {
            if let value = object[name] {
                if let node = member.node, !evaluate(node, value, &inner) { return false }
            } else if member.required {
                return false
            }
        }
        return true
    }

    @inline(never)
    private mutating func applyRef(
        _ target: Int, _ node: Int, _ instance: JSONValue, _ evaluated: inout Evaluated
    ) -> Bool {
        return inPlace(target, instance, &evaluated, "$ref")
    }

    @inline(never)
    private mutating func applyDynamicRef(
        _ target: Int, _ anchor: String?, _ node: Int, _ instance: JSONValue, _ evaluated: inout Evaluated
    ) -> Bool {
        var resolved = target
        if let anchor {
            for resource in scope {
                if let candidate = program.resources[resource].dynamicAnchors[anchor] {
                    resolved = candidate
                    break
                }
            }
        }
        return inPlace(resolved, instance, &evaluated, "$dynamicRef")
    }

    @inline(never)
    private mutating func applyAllOf(
        _ children: [Int], _ node: Int, _ instance: JSONValue, _ evaluated: inout Evaluated
    ) -> Bool {
        var valid = true
        for (i, child) in children.enumerated() where !inPlace(child, instance, &evaluated, "allOf", String(i)) {
            valid = false
            if !collect { break }
        }
        return valid
    }

    @inline(never)
    private mutating func applyAnyOf(
        _ children: [Int], _ node: Int, _ instance: JSONValue, _ evaluated: inout Evaluated
    ) -> Bool {
        let mark = errors.count
        var matched = false
        for (i, child) in children.enumerated() where inPlace(child, instance, &evaluated, "anyOf", String(i)) {
            matched = true
            // Every branch must run when annotations are tracked: each valid one contributes.
            if !tracks { break }
        }
        if matched {
            discardErrors(from: mark)
            return true
        }
        report(node, "anyOf", "does not match any of the \(children.count) subschemas")
        return false
    }

    @inline(never)
    private mutating func applyOneOf(
        _ children: [Int], _ node: Int, _ instance: JSONValue, _ evaluated: inout Evaluated
    ) -> Bool {
        let mark = errors.count
        var matches: [Int] = []
        var matchedAnnotations = Evaluated()
        for (i, child) in children.enumerated() {
            var inner = Evaluated()
            if inPlace(child, instance, &inner, "oneOf", String(i)) {
                matches.append(i)
                if matches.count == 1 { matchedAnnotations = inner } else if !collect { break }
            }
        }
        if matches.count == 1 {
            discardErrors(from: mark)
            evaluated.merge(matchedAnnotations)
            return true
        }
        if matches.isEmpty {
            report(node, "oneOf", "does not match any of the \(children.count) subschemas")
        } else {
            discardErrors(from: mark)
            report(node, "oneOf", "matches more than one subschema (\(matches.map(String.init).joined(separator: ", ")))")
        }
        return false
    }

    @inline(never)
    private mutating func applyNot(
        _ child: Int, _ node: Int, _ instance: JSONValue, _ evaluated: inout Evaluated
    ) -> Bool {
        let mark = errors.count
        var ignored = Evaluated()
        let valid = inPlace(child, instance, &ignored, "not")
        discardErrors(from: mark)
        if valid {
            report(node, "not", "must not match the subschema")
            return false
        }
        return true
    }

    @inline(never)
    private mutating func applyConditional(
        _ condition: Int, _ thenNode: Int?, _ elseNode: Int?, _ node: Int, _ instance: JSONValue, _ evaluated: inout Evaluated
    ) -> Bool {
        if thenNode == nil && elseNode == nil && !tracks { return true }
        let mark = errors.count
        let holds = inPlace(condition, instance, &evaluated, "if")
        discardErrors(from: mark)
        if holds, let thenNode { return inPlace(thenNode, instance, &evaluated, "then") }
        if !holds, let elseNode { return inPlace(elseNode, instance, &evaluated, "else") }
        return true
    }

    @inline(never)
    private mutating func applyDependentSchemas(
        _ pairs: [(name: String, node: Int)], _ node: Int, _ instance: JSONValue, _ evaluated: inout Evaluated
    ) -> Bool {
        guard case .object(let object) = instance else { return true }
        var valid = true
        for (name, child) in pairs where object[name] != nil {
            if !inPlace(child, instance, &evaluated, "dependentSchemas", name) {
                valid = false
                if !collect { break }
            }
        }
        return valid
    }

    @inline(never)
    private mutating func applyPrefixItems(
        _ children: [Int], _ node: Int, _ instance: JSONValue, _ evaluated: inout Evaluated
    ) -> Bool {
        guard case .array(let array) = instance else { return true }
        let count = min(array.count, children.count)
        var valid = true
        for i in 0..<count where !onChild(children[i], array[i], "prefixItems", String(i), String(i)) {
            valid = false
            if !collect { break }
        }
        if tracks { evaluated.itemPrefix = max(evaluated.itemPrefix, count) }
        return valid
    }

    @inline(never)
    private mutating func applyItems(
        _ child: Int, _ skip: Int, _ node: Int, _ instance: JSONValue, _ evaluated: inout Evaluated
    ) -> Bool {
        guard case .array(let array) = instance else { return true }
        var valid = true
        var i = skip
        while i < array.count {
            if !onChild(child, array[i], "items", nil, String(i)) {
                valid = false
                if !collect { break }
            }
            i += 1
        }
        if tracks { evaluated.allItems = true }
        return valid
    }

    @inline(never)
    private mutating func applyContains(
        _ child: Int, _ minimum: Int, _ maximum: Int?, _ node: Int, _ instance: JSONValue, _ evaluated: inout Evaluated
    ) -> Bool {
        guard case .array(let array) = instance else { return true }
        let mark = errors.count
        var count = 0
        for (i, item) in array.enumerated() {
            if onChild(child, item, "contains", nil, String(i)) {
                count += 1
                if tracks { evaluated.items.insert(i) }
                if !tracks && maximum == nil && count >= minimum { break }
            }
        }
        discardErrors(from: mark)
        if count < minimum {
            report(node, "contains", "has \(count) items matching \"contains\", fewer than \(minimum)")
            return false
        }
        if let maximum, count > maximum {
            report(node, "contains", "has \(count) items matching \"contains\", more than \(maximum)")
            return false
        }
        return true
    }

    @inline(never)
    private mutating func applyProperties(
        _ pairs: [(name: String, node: Int)], _ lookup: [JSONKey: Int], _ node: Int, _ instance: JSONValue, _ evaluated: inout Evaluated
    ) -> Bool {
        guard case .object(let object) = instance else { return true }
        var valid = true
        if object.count < pairs.count {
            for (name, value) in object {
                guard let child = lookup[JSONKey(name)] else { continue }
                if tracks { evaluated.properties.insert(JSONKey(name)) }
                if !onChild(child, value, "properties", name, name) {
                    valid = false
                    if !collect { break }
                }
            }
        } else {
            for (name, child) in pairs {
                guard let value = object[name] else { continue }
                if tracks { evaluated.properties.insert(JSONKey(name)) }
                if !onChild(child, value, "properties", name, name) {
                    valid = false
                    if !collect { break }
                }
            }
        }
        return valid
    }

    /// Whether `name` may be matched against `patterns`: a name longer than the pattern input
    /// limit is not run through a pattern that needs ICU (backtracking); it fails instead.
    private mutating func namesFitPatterns(
        _ name: String, _ patterns: some Sequence<ECMARegex>, _ node: Int, _ instanceToken: String
    ) -> Bool {
        let limit = program.maxPatternInputLength
        guard patterns.contains(where: { !$0.isLinear }), name.utf16.count > limit else { return true }
        if collect {
            instancePath.append(PointerToken.escape(instanceToken))
            report(node, "patternProperties", "property name is too long to match against a pattern (limit \(limit))")
            instancePath.removeLast()
        }
        return false
    }

    @inline(never)
    private mutating func applyPatternProperties(
        _ pairs: [(pattern: ECMARegex, node: Int)], _ node: Int, _ instance: JSONValue, _ evaluated: inout Evaluated
    ) -> Bool {
        guard case .object(let object) = instance else { return true }
        var valid = true
        for (name, value) in object {
            if !namesFitPatterns(name, pairs.lazy.map(\.pattern), node, name) {
                valid = false
                if !collect { return false }
                continue
            }
            for (regex, child) in pairs where regex.matches(name) {
                if tracks { evaluated.properties.insert(JSONKey(name)) }
                if !onChild(child, value, "patternProperties", regex.source, name) {
                    valid = false
                    if !collect { return false }
                }
            }
        }
        return valid
    }

    @inline(never)
    private mutating func applyAdditionalProperties(
        _ child: Int, _ known: Set<JSONKey>, _ patterns: [ECMARegex], _ node: Int, _ instance: JSONValue, _ evaluated: inout Evaluated
    ) -> Bool {
        guard case .object(let object) = instance else { return true }
        var valid = true
        for (name, value) in object where !known.contains(JSONKey(name)) {
            if !namesFitPatterns(name, patterns, node, name) {
                valid = false
                if !collect { return false }
                continue
            }
            if patterns.contains(where: { $0.matches(name) }) { continue }
            if tracks { evaluated.properties.insert(JSONKey(name)) }
            if !onChild(child, value, "additionalProperties", nil, name) {
                valid = false
                if !collect { break }
            }
        }
        return valid
    }

    @inline(never)
    private mutating func applyPropertyNames(
        _ child: Int, _ node: Int, _ instance: JSONValue, _ evaluated: inout Evaluated
    ) -> Bool {
        guard case .object(let object) = instance else { return true }
        var valid = true
        for name in object.keys where !onChild(child, .string(name), "propertyNames", nil, nil) {
            valid = false
            if !collect { break }
        }
        return valid
    }

    @inline(never)
    private mutating func applyUnevaluatedItems(
        _ child: Int, _ node: Int, _ instance: JSONValue, _ evaluated: inout Evaluated
    ) -> Bool {
        guard case .array(let array) = instance, !evaluated.allItems else { return true }
        var valid = true
        var i = evaluated.itemPrefix
        while i < array.count {
            if !evaluated.items.contains(i) && !onChild(child, array[i], "unevaluatedItems", nil, String(i)) {
                valid = false
                if !collect { break }
            }
            i += 1
        }
        if valid { evaluated.allItems = true }
        return valid
    }

    @inline(never)
    private mutating func applyUnevaluatedProperties(
        _ child: Int, _ node: Int, _ instance: JSONValue, _ evaluated: inout Evaluated
    ) -> Bool {
        guard case .object(let object) = instance, !evaluated.allProperties else { return true }
        var valid = true
        for (name, value) in object where !evaluated.properties.contains(JSONKey(name)) {
            if !onChild(child, value, "unevaluatedProperties", nil, name) {
                valid = false
                if !collect { break }
            }
        }
        if valid { evaluated.allProperties = true }
        return valid
    }

    /// The assertion keywords: no subschemas, so never on the recursion path.
    @inline(never)
    private mutating func check(_ keyword: Keyword, _ node: Int, _ instance: JSONValue) -> Bool {
        switch keyword {
        case .type(let types):
            if TypeCheck.matches(instance, types) { return true }
            report(node, "type", "must be of type \(types.names.joined(separator: " or "))")
            return false

        case .enumeration(let values):
            if values.contains(where: { jsonEqual($0, instance) }) { return true }
            // The allowed values come from the schema, not the instance, so naming them leaks nothing.
            report(node, "enum", "must be one of " + values.map { $0.serializedString() }.joined(separator: ", "))
            return false

        case .constant(let value):
            if jsonEqual(value, instance) { return true }
            report(node, "const", "must equal the constant value")
            return false

        case .multipleOf(let divisor):
            guard case .number(let n) = instance else { return true }
            if NumberValue(n).isMultiple(of: divisor) { return true }
            report(node, "multipleOf", "must be a multiple of \(divisor.display)")
            return false

        case .maximum(let limit):
            guard case .number(let n) = instance else { return true }
            if TypeCheck.compare(n, limit) <= 0 { return true }
            report(node, "maximum", "must be at most \(limit.display)")
            return false

        case .exclusiveMaximum(let limit):
            guard case .number(let n) = instance else { return true }
            if TypeCheck.compare(n, limit) < 0 { return true }
            report(node, "exclusiveMaximum", "must be less than \(limit.display)")
            return false

        case .minimum(let limit):
            guard case .number(let n) = instance else { return true }
            if TypeCheck.compare(n, limit) >= 0 { return true }
            report(node, "minimum", "must be at least \(limit.display)")
            return false

        case .exclusiveMinimum(let limit):
            guard case .number(let n) = instance else { return true }
            if TypeCheck.compare(n, limit) > 0 { return true }
            report(node, "exclusiveMinimum", "must be greater than \(limit.display)")
            return false

        case .maxLength(let limit):
            guard case .string(let s) = instance else { return true }
            // Code points, not grapheme clusters or UTF-16 units; UTF-8 length bounds it cheaply.
            if s.utf8.count <= limit || UTF8Bytes.scalarCount(s) <= limit { return true }
            report(node, "maxLength", "must be at most \(limit) characters long")
            return false

        case .minLength(let limit):
            guard case .string(let s) = instance else { return true }
            // Each code point is 1 to 4 UTF-8 bytes, so the byte count settles most cases.
            let bytes = s.utf8.count
            if bytes >= limit * 4 || (bytes >= limit && UTF8Bytes.scalarCount(s) >= limit) { return true }
            report(node, "minLength", "must be at least \(limit) characters long")
            return false

        case .pattern(let regex):
            guard case .string(let s) = instance else { return true }
            let lengthLimit = program.maxPatternInputLength
            if s.utf16.count > lengthLimit {
                report(node, "pattern", "is too long to match against a pattern (limit \(lengthLimit))")
                return false
            }
            if regex.matches(s) { return true }
            report(node, "pattern", "must match the pattern \(regex.source)")
            return false

        case .maxItems(let limit):
            guard case .array(let array) = instance else { return true }
            if array.count <= limit { return true }
            report(node, "maxItems", "must have at most \(limit) items")
            return false

        case .minItems(let limit):
            guard case .array(let array) = instance else { return true }
            if array.count >= limit { return true }
            report(node, "minItems", "must have at least \(limit) items")
            return false

        case .uniqueItems:
            guard case .array(let array) = instance, let duplicate = TypeCheck.firstDuplicate(array) else {
                return true
            }
            report(node, "uniqueItems", "items \(duplicate.0) and \(duplicate.1) are equal")
            return false

        case .maxProperties(let limit):
            guard case .object(let object) = instance else { return true }
            if object.count <= limit { return true }
            report(node, "maxProperties", "must have at most \(limit) properties")
            return false

        case .minProperties(let limit):
            guard case .object(let object) = instance else { return true }
            if object.count >= limit { return true }
            report(node, "minProperties", "must have at least \(limit) properties")
            return false

        case .required(let names):
            guard case .object(let object) = instance else { return true }
            var valid = true
            for name in names where object[name] == nil {
                valid = false
                guard collect else { break }
                report(node, "required", "missing required property \"\(name)\"")
            }
            return valid

        case .dependentRequired(let pairs):
            guard case .object(let object) = instance else { return true }
            var valid = true
            for (name, required) in pairs where object[name] != nil {
                for other in required where object[other] == nil {
                    valid = false
                    guard collect else { return false }
                    report(node, "dependentRequired", "property \"\(name)\" requires property \"\(other)\"")
                }
            }
            return valid

        case .format(let name, let check):
            guard case .string(let s) = instance else { return true }
            if check.isValid(s) { return true }
            report(node, "format", "is not a valid \(name)")
            return false

        case .custom(let name, let check):
            guard let message = check(instance) else { return true }
            report(node, name, message)
            return false

        case .never:
            let parent = keywordPath.last ?? ""
            switch parent {
            case "additionalProperties", "unevaluatedProperties":
                report(node, nil, "is not an allowed property (\(parent) is false)")
            case "items", "unevaluatedItems":
                report(node, nil, "is not an allowed item (\(parent) is false)")
            default:
                report(node, nil, "no value is allowed here (false schema)")
            }
            return false

        default:
            return true
        }
    }
}
