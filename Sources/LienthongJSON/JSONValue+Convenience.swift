extension JSONValue {
    /// A number value from an integer (the literal keeps every digit, also beyond 2^53).
    public init(_ value: some BinaryInteger) {
        self = .number(JSONNumber(literal: String(value), double: Double(value)))
    }

    /// A number value from a double; NaN and infinities serialise as `null` and fail ``JCS``.
    public init(_ value: Double) {
        self = .number(JSONNumber(value))
    }

    /// A string value.
    public init(_ value: String) {
        self = .string(value)
    }

    /// A boolean value.
    public init(_ value: Bool) {
        self = .bool(value)
    }

    /// An optional value: `nil` becomes `null`.
    public init(_ value: JSONValue?) {
        self = value ?? .null
    }

    /// The element at `index` of an array, or `nil` if out of range or not an array.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// The value a JSON Pointer references, or `nil`; see ``JSONPointer/resolve(in:)``.
    public subscript(pointer: JSONPointer) -> JSONValue? { pointer.resolve(in: self) }
}
