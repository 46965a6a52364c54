import Foundation
import LienthongJSON

/// One compiled keyword of a schema node. Child schemas are indices into the compiled node table, so
/// reference cycles are plain integers and validation allocates nothing to follow them.
indirect enum Keyword: Sendable {
    // Core.
    case ref(Int)
    /// `target` is the static resolution; `anchor` is set when the target carries a matching
    /// `$dynamicAnchor`, in which case the outermost dynamic scope wins.
    case dynamicRef(target: Int, anchor: String?)

    // Applicators.
    case allOf([Int])
    case anyOf([Int])
    case oneOf([Int])
    case not(Int)
    case conditional(if: Int, then: Int?, else: Int?)
    case dependentSchemas([(name: String, node: Int)])
    case prefixItems([Int])
    case items(Int, skip: Int)
    case contains(Int, min: Int, max: Int?)
    case properties([(name: String, node: Int)], lookup: [JSONKey: Int])
    case patternProperties([(pattern: ECMARegex, node: Int)])
    case additionalProperties(Int, known: Set<JSONKey>, patterns: [ECMARegex])
    case propertyNames(Int)

    // Unevaluated.
    case unevaluatedItems(Int)
    case unevaluatedProperties(Int)

    // Validation.
    case type(TypeSet)
    case enumeration([JSONValue])
    case constant(JSONValue)
    case multipleOf(NumberValue)
    case maximum(NumberValue)
    case exclusiveMaximum(NumberValue)
    case minimum(NumberValue)
    case exclusiveMinimum(NumberValue)
    case maxLength(Int)
    case minLength(Int)
    case pattern(ECMARegex)
    case maxItems(Int)
    case minItems(Int)
    case uniqueItems
    case maxProperties(Int)
    case minProperties(Int)
    case required([String])
    case dependentRequired([(name: String, required: [String])])

    // Format (assertion only; annotation-only formats compile to nothing).
    case format(name: String, check: FormatChecker)

    // Extensions.
    case custom(name: String, check: CustomKeyword.Check)

    // The `false` schema.
    case never

    /// `properties` + `required` + `additionalProperties` in one pass (fast path only; see
    /// ``ObjectMembers``).
    case objectMembers(ObjectMembers)

    /// The keyword's name as written in the schema, for output locations.
    var name: String {
        switch self {
        case .ref: "$ref"
        case .dynamicRef: "$dynamicRef"
        case .allOf: "allOf"
        case .anyOf: "anyOf"
        case .oneOf: "oneOf"
        case .not: "not"
        case .conditional: "if"
        case .dependentSchemas: "dependentSchemas"
        case .prefixItems: "prefixItems"
        case .items: "items"
        case .contains: "contains"
        case .properties: "properties"
        case .patternProperties: "patternProperties"
        case .additionalProperties: "additionalProperties"
        case .propertyNames: "propertyNames"
        case .unevaluatedItems: "unevaluatedItems"
        case .unevaluatedProperties: "unevaluatedProperties"
        case .type: "type"
        case .enumeration: "enum"
        case .constant: "const"
        case .multipleOf: "multipleOf"
        case .maximum: "maximum"
        case .exclusiveMaximum: "exclusiveMaximum"
        case .minimum: "minimum"
        case .exclusiveMinimum: "exclusiveMinimum"
        case .maxLength: "maxLength"
        case .minLength: "minLength"
        case .pattern: "pattern"
        case .maxItems: "maxItems"
        case .minItems: "minItems"
        case .uniqueItems: "uniqueItems"
        case .maxProperties: "maxProperties"
        case .minProperties: "minProperties"
        case .required: "required"
        case .dependentRequired: "dependentRequired"
        case .format: "format"
        case .custom(let name, _): name
        case .never: ""
        case .objectMembers: "properties"
        }
    }
}

/// The JSON types named by `type`, as a bit set.
struct TypeSet: OptionSet, Sendable {
    let rawValue: UInt8
    static let null = TypeSet(rawValue: 1 << 0)
    static let boolean = TypeSet(rawValue: 1 << 1)
    static let object = TypeSet(rawValue: 1 << 2)
    static let array = TypeSet(rawValue: 1 << 3)
    static let number = TypeSet(rawValue: 1 << 4)
    static let string = TypeSet(rawValue: 1 << 5)
    static let integer = TypeSet(rawValue: 1 << 6)

    /// The set for a type name, or `nil` for an unknown name.
    init?(name: String) {
        switch name {
        case "null": self = .null
        case "boolean": self = .boolean
        case "object": self = .object
        case "array": self = .array
        case "number": self = .number
        case "string": self = .string
        case "integer": self = .integer
        default: return nil
        }
    }

    init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The names in this set, in a fixed order.
    var names: [String] {
        var result: [String] = []
        if contains(.null) { result.append("null") }
        if contains(.boolean) { result.append("boolean") }
        if contains(.object) { result.append("object") }
        if contains(.array) { result.append("array") }
        if contains(.number) { result.append("number") }
        if contains(.string) { result.append("string") }
        if contains(.integer) { result.append("integer") }
        return result
    }
}

/// A compiled schema: its keywords in evaluation order and where it sits, for output.
struct SchemaNode: Sendable {
    /// Keywords in evaluation order; `unevaluated*` come last.
    var keywords: [Keyword] = []
    /// The keywords the valid/invalid fast path runs: ``keywords`` with object keywords fused
    /// (``ObjectMembers``) when no annotations are tracked.
    var fast: [Keyword] = []
    /// `base#pointer` of the schema in its resource.
    var absoluteLocation: String = ""
    /// The index of the schema resource this node belongs to (dynamic scope).
    var resource: Int = 0
}

/// A compiled schema resource: its dynamic anchors, for `$dynamicRef`.
struct SchemaResource: Sendable {
    var uri: String
    var dynamicAnchors: [String: Int] = [:]
}
