import LienthongJSON

/// Runs a compiled program over one instance.
///
/// Two modes: `collect == false` answers valid/invalid and stops at the first failing keyword;
/// `collect == true` tracks keyword and instance paths and records every failing keyword. Valid
/// instances (the common case) only pay for the first mode.
struct Evaluator {
    let program: CompiledProgram
    let collect: Bool
    let tracks: Bool
    private(set) var errors: [OutputUnit] = []
    var keywordPath: [String] = []
    var instancePath: [String] = []
    /// The schema resources entered, outermost first: the dynamic scope of `$dynamicRef`.
    var scope: [Int] = []
    var depth = 0
    let maxDepth: Int
    let tracksScope: Bool
    // Borrowed from `program`, which the caller keeps alive for the whole evaluation.
    let fastKeywords: UnsafeMutablePointer<Keyword>
    let fastRanges: UnsafeMutablePointer<CompiledProgram.FastRange>

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

    mutating func push(_ keyword: String, _ token: String?, _ instanceToken: String?) {
        keywordPath.append(PointerToken.escape(keyword))
        if let token { keywordPath.append(PointerToken.escape(token)) }
        if let instanceToken { instancePath.append(PointerToken.escape(instanceToken)) }
    }

    mutating func pop(_ token: Bool, _ instanceToken: Bool) {
        keywordPath.removeLast(token ? 2 : 1)
        if instanceToken { instancePath.removeLast() }
    }

    /// Evaluates a subschema on the same instance location; merges its annotations when valid.
    mutating func inPlace(
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
    mutating func onChild(
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

    mutating func report(_ node: Int, _ keyword: String?, _ message: @autoclosure () -> String) {
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

    mutating func discardErrors(from mark: Int) {
        if collect && errors.count > mark { errors.removeSubrange(mark...) }
    }

    // MARK: - Keywords

    /// Dispatches one keyword. Kept small: it sits on the recursion path, so its stack frame is
    /// paid once per nesting level (the assertion keywords live in ``check(_:_:_:)``, off that path).
    mutating func apply(
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
    mutating func applyObjectMembers(_ members: ObjectMembers, _ instance: JSONValue) -> Bool {
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
}
