public import LienthongJSON

/// One canonical field: where it comes from, how it is transformed, and where it goes.
///
/// ```json
/// { "target": "/permanentAddress/communeName", "source": "ma_xa",
///   "transforms": [{ "codeList": "administrative-units/communes" }] }
/// ```
/// Members: `target` (canonical JSON Pointer), one of `source` (column name or JSON Pointer), `constant`, or
/// `concat` (+ `separator`, default empty); `transforms` (list); `optional` (default `false`: an absent, `null`
/// or blank source is an error); `when` (`{ "source": ..., "equals": ... }`: map only when the raw source equals
/// the text); `each` (a list of field mappings applied to every object of the source array, with sources relative
/// to the element).
public struct FieldMapping: Sendable, Equatable {
    /// A condition on the raw native value.
    public struct Condition: Sendable, Equatable {
        /// The source compared.
        public var source: FieldSource
        /// The text it must equal (numbers compare by their literal).
        public var equals: String
    }

    /// Where the value goes in the canonical record.
    public var target: JSONPointer
    /// Where it comes from.
    public var source: FieldSource
    /// Transforms, applied in order.
    public var transforms: [ValueTransform]
    /// Whether an absent source leaves the field out instead of failing.
    public var isOptional: Bool
    /// Map only when this holds.
    public var condition: Condition?
    /// For arrays of sub-objects: the mapping of each element.
    public var each: [FieldMapping]?

    /// Reads a field mapping from its configuration.
    static func parse(_ value: JSONValue, registry: String, codeLists: CodeLists, position: String) throws(MappingError)
        -> FieldMapping
    {
        var context = MappingContext(registry: registry, field: position, target: "")
        guard let object = value.objectValue else { throw context.error(.invalidConfiguration, "field is an object") }
        guard let targetText = object["target"]?.stringValue, let target = try? JSONPointer(targetText),
            !target.tokens.isEmpty
        else { throw context.error(.invalidConfiguration, "target is a non-root JSON Pointer") }
        context.target = target.description

        let source: FieldSource
        do {
            if let path = object["source"]?.stringValue {
                source = try FieldSource(path: path)
            } else if let constant = object["constant"] {
                source = .constant(constant)
            } else if let parts = object["concat"]?.arrayValue, !parts.isEmpty {
                var sources: [FieldSource] = []
                for part in parts {
                    guard let path = part.stringValue else { throw context.error(.invalidConfiguration, "concat") }
                    sources.append(try FieldSource(path: path))
                }
                source = .concat(sources, separator: object["separator"]?.stringValue ?? "")
            } else {
                throw context.error(.invalidConfiguration, "source, constant or concat")
            }
        } catch let error as MappingError {
            throw error
        } catch {
            throw context.error(.invalidConfiguration, "source is a JSON Pointer")
        }
        context.field = source.name

        var transforms: [ValueTransform] = []
        for transform in object["transforms"]?.arrayValue ?? [] {
            transforms.append(try ValueTransform.parse(transform, codeLists: codeLists, context: context))
        }

        var condition: Condition?
        if let when = object["when"] {
            guard let path = when["source"]?.stringValue, let conditionSource = try? FieldSource(path: path),
                let equals = when["equals"].flatMap({ $0.stringValue ?? $0.numberValue?.literal })
            else { throw context.error(.invalidConfiguration, "when has source and equals") }
            condition = Condition(source: conditionSource, equals: equals)
        }

        var each: [FieldMapping]?
        if let elements = object["each"] {
            guard let list = elements.arrayValue else { throw context.error(.invalidConfiguration, "each is a list") }
            var mappings: [FieldMapping] = []
            for (index, element) in list.enumerated() {
                mappings.append(
                    try parse(element, registry: registry, codeLists: codeLists, position: "\(source.name)[*] #\(index)")
                )
            }
            each = mappings
        }

        return FieldMapping(
            target: target,
            source: source,
            transforms: transforms,
            isOptional: object["optional"]?.boolValue ?? false,
            condition: condition,
            each: each
        )
    }

    /// Maps this field of `record` into `output`.
    func apply(to record: JSONValue, into output: inout JSONValue, registry: String, fieldPrefix: String)
        throws(MappingError)
    {
        // Built only for an error: the names are strings to assemble, and most fields map without one.
        func context() -> MappingContext {
            MappingContext(registry: registry, field: fieldPrefix + source.name, target: target.description)
        }
        if let condition {
            let raw = condition.source.value(in: record)
            guard raw?.stringValue ?? raw?.numberValue?.literal == condition.equals else { return }
        }
        let raw: JSONValue?
        do { raw = try rawValue(in: record) } catch { throw context().error(error) }
        guard var value = raw else {
            if isOptional { return }
            throw context().error(.missingField, "required")
        }
        if let each {
            guard let elements = value.arrayValue else { throw context().error(.typeMismatch, "each needs an array") }
            var mapped: [JSONValue] = []
            let elementPrefix = fieldPrefix + source.name + "[*]"
            for element in elements {
                guard case .object = element else { throw context().error(.typeMismatch, "each needs objects") }
                var item: JSONValue = .object([:])
                for index in each.indices {
                    try each[index].apply(to: element, into: &item, registry: registry, fieldPrefix: elementPrefix)
                }
                mapped.append(item)
            }
            value = .array(mapped)
        }
        for index in transforms.indices {
            do { value = try transforms[index].apply(to: value) } catch { throw context().error(error) }
        }
        output.set(value, at: target.tokens[...])
    }

    private func rawValue(in record: JSONValue) throws(MappingStepFailure) -> JSONValue? {
        guard case .concat(let parts, let separator) = source else { return source.value(in: record) }
        var texts: [String] = []
        for part in parts {
            switch part.value(in: record) {
            case nil: return nil
            case .string(let text): texts.append(text)
            case .number(let number): texts.append(number.literal)
            default: throw MappingStepFailure(code: .typeMismatch, rule: "concat needs text")
            }
        }
        return .string(texts.joined(separator: separator))
    }
}

extension JSONValue {
    /// Sets `value` at the path, creating objects on the way (a non-object on the way is replaced).
    mutating func set(_ value: JSONValue, at tokens: ArraySlice<String>) {
        guard let first = tokens.first else {
            self = value
            return
        }
        var object = objectValue ?? [:]
        // Drop this value's hold on the dictionary so that it (and the child below) is changed in place, not
        // copied: a copy per field made mapping a record quadratic in its fields. The child is taken out and put
        // back for the same reason; changing it through a subscript of JSONObject (another module) allocated the
        // accessor's frame for every field.
        self = .null
        let key = JSONKey(first)
        var child = object.members.removeValue(forKey: key) ?? .object([:])
        child.set(value, at: tokens.dropFirst())
        object.members[key] = child
        self = .object(object)
    }
}
