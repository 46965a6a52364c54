import LienthongJSON

/// The unevaluated vocabulary: `unevaluatedItems` and `unevaluatedProperties`, over what the other keywords
/// evaluated.
extension Evaluator {
    @inline(never)
    mutating func applyUnevaluatedItems(
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
    mutating func applyUnevaluatedProperties(
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
}
