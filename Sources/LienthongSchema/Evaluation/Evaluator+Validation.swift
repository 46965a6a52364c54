import LienthongJSON

/// The validation, format and content vocabularies: the assertion keywords.
extension Evaluator {
    /// The assertion keywords: no subschemas, so never on the recursion path.
    @inline(never)
    mutating func check(_ keyword: Keyword, _ node: Int, _ instance: JSONValue) -> Bool {
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
