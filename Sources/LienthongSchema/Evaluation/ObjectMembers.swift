import LienthongJSON

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

    /// Every name `properties` or `required` mentions, in a fixed order, for the pass over the schema's names.
    let members: [(name: String, member: Member)]
    /// The names as UTF-8 bytes, bucketed by byte length: a lookup compares a few bytes instead of
    /// hashing the name (the hash is most of a dictionary lookup for short names). Names match by
    /// code points, as JSON compares them, so the bytes decide.
    private let byLength: [[(bytes: [UInt8], member: Member)]]
    /// How many distinct names are required.
    let requiredCount: Int
    /// The `additionalProperties` subschema; `nil` when there is none (anything goes).
    let additional: Int?

    init(properties: [(name: String, node: Int)], required: [String], additional: Int?) {
        var lookup: [JSONKey: Member] = [:]
        for (name, node) in properties { lookup[JSONKey(name)] = Member(node: node, required: false) }
        for name in required { lookup[JSONKey(name)] = Member(node: lookup[JSONKey(name)]?.node, required: true) }
        members = lookup.sorted { $0.key < $1.key }.map { ($0.key.string, $0.value) }
        requiredCount = lookup.values.filter(\.required).count
        self.additional = additional
        var buckets: [[(bytes: [UInt8], member: Member)]] = []
        for (name, member) in lookup {
            let bytes = Array(name.string.utf8)
            if buckets.count <= bytes.count { buckets += Array(repeating: [], count: bytes.count + 1 - buckets.count) }
            buckets[bytes.count].append((bytes, member))
        }
        byLength = buckets
    }

    /// The member named `name`, compared by bytes.
    @inline(__always)
    func member(_ name: String) -> Member? {
        UTF8Bytes.with(name) { bytes in
            guard bytes.count < byLength.count else { return nil }
            for candidate in byLength[bytes.count] where candidate.bytes.elementsEqual(bytes) {
                return candidate.member
            }
            return nil
        }
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
