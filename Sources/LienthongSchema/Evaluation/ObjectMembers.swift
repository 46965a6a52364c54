/// `properties`, `required` and `additionalProperties` of one schema object fused into a single
/// pass over the instance, for the valid/invalid fast path: one hash lookup per member instead of
/// one per keyword per member.
///
/// Used only when no output or annotations are collected: the separate keywords give the error
/// locations; validity is the same either way, since it is the conjunction of the three.
final class ObjectMembers: Sendable {
    /// What the schema says about one member name.
    struct Member: Sendable {
        /// The `properties` subschema, if any.
        let node: Int?
        /// Whether `required` names it.
        let required: Bool
    }

    /// Every name `properties` or `required` mentions.
    let lookup: [String: Member]
    /// The same, in a fixed order, for the pass over the schema's names.
    let members: [(name: String, member: Member)]
    /// The names as UTF-8 bytes, bucketed by byte length: a lookup compares a few bytes instead of
    /// hashing the name (the hash is most of a dictionary lookup for short names).
    private let byLength: [[(bytes: [UInt8], member: Member)]]
    /// Whether a name outside ASCII is among the members: then a byte miss may still be a
    /// canonically equivalent match (Swift's `String ==`), and the dictionary decides.
    private let hasNonASCIIName: Bool
    /// How many distinct names are required.
    let requiredCount: Int
    /// The `additionalProperties` subschema; `nil` when there is none (anything goes).
    let additional: Int?

    init(properties: [(name: String, node: Int)], required: [String], additional: Int?) {
        var lookup: [String: Member] = [:]
        for (name, node) in properties { lookup[name] = Member(node: node, required: false) }
        for name in required { lookup[name] = Member(node: lookup[name]?.node, required: true) }
        self.lookup = lookup
        members = lookup.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        requiredCount = lookup.values.filter(\.required).count
        self.additional = additional
        var buckets: [[(bytes: [UInt8], member: Member)]] = []
        for (name, member) in lookup {
            let bytes = Array(name.utf8)
            if buckets.count <= bytes.count { buckets += Array(repeating: [], count: bytes.count + 1 - buckets.count) }
            buckets[bytes.count].append((bytes, member))
        }
        byLength = buckets
        hasNonASCIIName = lookup.keys.contains { !$0.utf8.allSatisfy { $0 < 0x80 } }
    }

    /// The member named `name`, compared by bytes first (same answer as ``lookup``).
    @inline(__always)
    func member(_ name: String) -> Member? {
        let found: Member?? = UTF8Bytes.with(name) { bytes in
            if bytes.count < byLength.count {
                for candidate in byLength[bytes.count] where candidate.bytes.elementsEqual(bytes) {
                    return .some(candidate.member)
                }
            }
            // Only a name outside ASCII can be canonically equivalent without being byte-equal.
            if hasNonASCIIName || bytes.contains(where: { $0 >= 0x80 }) { return nil }
            return .some(nil)
        }
        if let found { return found }
        return lookup[name]
    }

    /// The fused form of `keywords`: `properties`, `required` and `additionalProperties` (without
    /// `patternProperties`) replaced by one ``Keyword/objectMembers(_:)``; other keywords unchanged.
    static func fuse(_ keywords: [Keyword]) -> [Keyword] {
        var properties: [(name: String, node: Int)] = []
        var required: [String] = []
        var additional: Int?
        var fusable = 0
        for keyword in keywords {
            switch keyword {
            case .properties(let pairs, _):
                properties = pairs
                fusable += 1
            case .required(let names):
                required = names
                fusable += 1
            case .additionalProperties(let node, _, let patterns):
                guard patterns.isEmpty else { return keywords }
                additional = node
                fusable += 1
            case .patternProperties:
                return keywords
            default:
                break
            }
        }
        guard fusable > 0 else { return keywords }
        var result: [Keyword] = [
            .objectMembers(ObjectMembers(properties: properties, required: required, additional: additional))
        ]
        for keyword in keywords {
            switch keyword {
            case .properties, .required, .additionalProperties: continue
            default: result.append(keyword)
            }
        }
        return result
    }
}
