import LienthongJSON

/// The applicator vocabulary: keywords that apply subschemas in place (`$ref`, `allOf`, `if`, …) or to the
/// instance's items and members (`items`, `properties`, …).
extension Evaluator {
    @inline(never)
    mutating func applyRef(
        _ target: Int, _ node: Int, _ instance: JSONValue, _ evaluated: inout Evaluated
    ) -> Bool {
        return inPlace(target, instance, &evaluated, "$ref")
    }

    @inline(never)
    mutating func applyDynamicRef(
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
    mutating func applyAllOf(
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
    mutating func applyAnyOf(
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
    mutating func applyOneOf(
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
    mutating func applyNot(
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
    mutating func applyConditional(
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
    mutating func applyDependentSchemas(
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
    mutating func applyPrefixItems(
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
    mutating func applyItems(
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
    mutating func applyContains(
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
    mutating func applyProperties(
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
    mutating func namesFitPatterns(
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
    mutating func applyPatternProperties(
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
    mutating func applyAdditionalProperties(
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
    mutating func applyPropertyNames(
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
}
