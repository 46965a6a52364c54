extension JSONValue: Codable {
    /// Decodes any JSON value; ``JSONValueDecoder`` hands the value over as is, other decoders go through their
    /// containers (and number literals are rebuilt from `Int64` or `Double`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let integer = try? container.decode(Int64.self) {
            self = .number(JSONNumber(literal: String(integer), double: Double(integer)))
        } else if let number = try? container.decode(Double.self) {
            self = .number(JSONNumber(number))
        } else if let members = try? container.decode(JSONObject.self) {
            self = .object(members)
        } else if let elements = try? container.decode([JSONValue].self) {
            self = .array(elements)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }

    /// Encodes the value; ``JSONValueEncoder`` stores it as is, keeping number literals.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .string(let text): try container.encode(text)
        case .number(let number):
            if let integer = Int64(number.literal) { try container.encode(integer) } else { try container.encode(number.double) }
        case .array(let elements): try container.encode(elements)
        case .object(let members): try container.encode(members)
        }
    }
}
