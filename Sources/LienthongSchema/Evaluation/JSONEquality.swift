import LienthongJSON

/// JSON Schema equality (`const`, `enum`, `uniqueItems`): numbers by mathematical value, strings
/// by Unicode scalars (not by canonical equivalence as Swift's `==` does), arrays in order, objects
/// by members.
func jsonEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
    // Strings first: the common case of `const` and `enum`.
    if case .string(let x) = a {
        guard case .string(let y) = b else { return false }
        return x.hasSameCodePoints(as: y)
    }
    switch (a, b) {
    case (.null, .null):
        return true
    case (.bool(let x), .bool(let y)):
        return x == y
    case (.number(let x), .number(let y)):
        guard x.double == y.double else { return false }
        return x.literal == y.literal || NumberValue(x).compare(NumberValue(y)) == 0
    case (.array(let x), .array(let y)):
        guard x.count == y.count else { return false }
        for i in x.indices where !jsonEqual(x[i], y[i]) { return false }
        return true
    case (.object(let x), .object(let y)):
        guard x.count == y.count else { return false }
        // Member names match by code points (JSONObject's keys).
        for (key, value) in x.members {
            guard let other = y.members[key], jsonEqual(value, other) else { return false }
        }
        return true
    default:
        return false
    }
}
