public import LienthongJSON

/// Where a canonical field's value comes from in the native record.
public enum FieldSource: Sendable, Equatable {
    /// A top-level member: a column name, or a field of a JSON document (`"ho_ten"`).
    case field(String)
    /// A JSON Pointer into a JSON document (`"/chuSuDung/0/ten"`); configured as a string starting with `/`.
    case pointer(JSONPointer)
    /// A fixed value (`"constant": "VN"`).
    case constant(JSONValue)
    /// Several sources as text joined by `separator` (`"concat": ["maXa", "soToBanDo"], "separator": "-"`).
    case concat([FieldSource], separator: String)

    /// A column name, or a pointer when `text` starts with `/`.
    init(path text: String) throws(JSONError) {
        self = text.hasPrefix("/") ? .pointer(try JSONPointer(text)) : .field(text)
    }

    /// How errors name the source: the column, the pointer, or the parts joined by `+`.
    public var name: String {
        switch self {
        case .field(let name): name
        case .pointer(let pointer): pointer.description
        case .constant: "constant"
        case .concat(let parts, _): parts.map(\.name).joined(separator: "+")
        }
    }

    /// The raw value in `record`, or `nil` when it is absent, `null` or blank text.
    func value(in record: JSONValue) -> JSONValue? {
        let raw: JSONValue? =
            switch self {
            case .field(let name): record[name]
            case .pointer(let pointer): pointer.resolve(in: record)
            case .constant(let value): value
            case .concat: nil
            }
        switch raw {
        case nil, .null: return nil
        case .string(let text) where Self.isBlank(text): return nil
        default: return raw
        }
    }

    /// Whether every character of `text` is white space. Text that starts with an ASCII byte other than white space
    /// (a character's first scalar decides `isWhitespace`) is settled by that byte, without breaking the text into
    /// characters.
    static func isBlank(_ text: String) -> Bool {
        if let first = text.utf8.first, first < 0x80, first != 0x20, !(0x09...0x0D).contains(first) { return false }
        return text.allSatisfy(\.isWhitespace)
    }
}
