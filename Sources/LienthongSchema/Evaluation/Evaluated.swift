import LienthongJSON

/// The annotations `unevaluatedProperties` and `unevaluatedItems` read: which members and items of
/// one instance location some successful subschema already evaluated.
struct Evaluated {
    var allProperties = false
    /// Member names, compared by code points as the instance's members are.
    var properties: Set<JSONKey> = []
    var allItems = false
    /// Items `0..<itemPrefix` were evaluated (by `prefixItems`).
    var itemPrefix = 0
    /// Single items evaluated (by `contains`).
    var items: Set<Int> = []

    /// An empty value for evaluations whose annotations nobody reads.
    static let unread = Evaluated()

    mutating func merge(_ other: Evaluated) {
        allProperties = allProperties || other.allProperties
        if !other.properties.isEmpty { properties.formUnion(other.properties) }
        allItems = allItems || other.allItems
        itemPrefix = max(itemPrefix, other.itemPrefix)
        if !other.items.isEmpty { items.formUnion(other.items) }
    }
}
