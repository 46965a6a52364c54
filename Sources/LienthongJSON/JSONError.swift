/// An error from parsing, canonicalising, pointing into or decoding JSON, with a stable ``Code``.
///
/// The ``detail`` names what failed and where (a byte offset or a JSON Pointer); it never quotes the input.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable error code; compare against the static members, never against strings.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case syntax = "json.syntax"
            case duplicateKey = "json.duplicate-key"
            case depthLimit = "json.depth-limit"
            case sizeLimit = "json.size-limit"
            case invalidUTF8 = "json.invalid-utf8"
            case invalidEscape = "json.invalid-escape"
            case numberRange = "json.number-range"
            case notFinite = "json.not-finite"
            case pointerSyntax = "json.pointer-syntax"
            case typeMismatch = "json.type-mismatch"
            case missingKey = "json.missing-key"
            case invalidValue = "json.invalid-value"
            case encoding = "json.encoding"
        }
        private let kind: Kind

        /// The text is not JSON: unexpected character, trailing garbage, leading zero, control character.
        public static let syntax = Code(kind: .syntax)
        /// An object names the same key twice (the same code points; canonically equivalent names are two keys).
        public static let duplicateKey = Code(kind: .duplicateKey)
        /// Arrays and objects nest deeper than ``JSONLimits/maxDepth``.
        public static let depthLimit = Code(kind: .depthLimit)
        /// The input is longer than ``JSONLimits/maxBytes``.
        public static let sizeLimit = Code(kind: .sizeLimit)
        /// The input is not well-formed UTF-8.
        public static let invalidUTF8 = Code(kind: .invalidUTF8)
        /// A string escape is malformed, or a `\u` escape leaves a surrogate unpaired.
        public static let invalidEscape = Code(kind: .invalidEscape)
        /// A number literal is too large for an IEEE 754 double.
        public static let numberRange = Code(kind: .numberRange)
        /// A number is NaN or infinite and cannot be canonicalised.
        public static let notFinite = Code(kind: .notFinite)
        /// A JSON Pointer (RFC 6901) is malformed.
        public static let pointerSyntax = Code(kind: .pointerSyntax)
        /// Decoding found a value of another JSON type than the one required.
        public static let typeMismatch = Code(kind: .typeMismatch)
        /// Decoding needed an object member that is absent.
        public static let missingKey = Code(kind: .missingKey)
        /// Decoding found a value of the right type that the target cannot represent.
        public static let invalidValue = Code(kind: .invalidValue)
        /// Encoding a Swift value into a ``JSONValue`` failed.
        public static let encoding = Code(kind: .encoding)

        /// The code as it appears on the wire, e.g. `json.duplicate-key`.
        public var wireCode: String { kind.rawValue }
        /// Same as ``wireCode``.
        public var description: String { kind.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What failed, without any input text.
    public var detail: String
    /// The byte offset into the input where parsing failed, if this is a parse error.
    public var offset: Int?
    /// The location in the JSON value (RFC 6901 pointer text), if this is a decoding error.
    public var pointer: String?

    /// An error with a code and a value-free detail.
    public init(code: Code, detail: String, offset: Int? = nil, pointer: String? = nil) {
        self.code = code
        self.detail = detail
        self.offset = offset
        self.pointer = pointer
    }

    /// Code, detail and location, e.g. `json.syntax: expected ',' or ']' (at byte 17)`.
    public var description: String {
        var text = "\(code.wireCode): \(detail)"
        if let offset { text += " (at byte \(offset))" }
        if let pointer { text += " (at \(pointer.isEmpty ? "root" : pointer))" }
        return text
    }

    /// Errors compare by code only.
    public static func == (lhs: JSONError, rhs: JSONError) -> Bool { lhs.code == rhs.code }
}
