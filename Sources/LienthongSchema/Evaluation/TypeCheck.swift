import LienthongJSON

/// Instance checks shared by several keywords.
enum TypeCheck {
    /// Whether `instance` has one of `types`; `integer` is any number with a zero fractional part.
    static func matches(_ instance: JSONValue, _ types: TypeSet) -> Bool {
        switch instance {
        case .null: types.contains(.null)
        case .bool: types.contains(.boolean)
        case .string: types.contains(.string)
        case .array: types.contains(.array)
        case .object: types.contains(.object)
        case .number(let n): types.contains(.number) || (types.contains(.integer) && isInteger(n))
        }
    }

    /// Whether `n` is mathematically an integer (`1.0` is).
    static func isInteger(_ n: JSONNumber) -> Bool {
        if n.double.isFinite { return n.double.rounded(.towardZero) == n.double }
        return false
    }

    /// Orders an instance number against a limit; the exact decimal is read only on a tie of doubles.
    static func compare(_ n: JSONNumber, _ limit: NumberValue) -> Int {
        if n.double < limit.double { return -1 }
        if n.double > limit.double { return 1 }
        return NumberValue(n).compare(limit)
    }

    /// The indices of the first two equal items, or `nil` when all are distinct.
    static func firstDuplicate(_ array: [JSONValue]) -> (Int, Int)? {
        if array.count > 16 {
            // `JSONValue`'s own equality is looser than `jsonEqual` (strings by canonical
            // equivalence), so no duplicate under it means none under `jsonEqual` either.
            if Set(array).count == array.count { return nil }
        }
        for i in array.indices {
            for j in (i + 1)..<array.count where jsonEqual(array[i], array[j]) { return (i, j) }
        }
        return nil
    }
}
