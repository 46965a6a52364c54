/// Why a schema could not be compiled or a reference could not be resolved.
///
/// A struct around a private enum (STYLE.md §2): new codes break no caller's `switch`, and
/// equality compares the code only. `detail` names the offending reference, keyword or location,
/// never instance values.
public struct SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable error code; ``wireCode`` is the problem+json `code`.
    public struct Code: Hashable, Sendable {
        private enum Kind: String {
            case invalidSchema = "schema.invalid"
            case unresolvableReference = "schema.unresolvable-ref"
            case invalidRegex = "schema.invalid-regex"
            case unsupportedVocabulary = "schema.unsupported-vocabulary"
            case invalidKeyword = "schema.invalid-keyword"
            case notFound = "schema.not-found"
            case unreadable = "schema.unreadable"
        }
        private let kind: Kind
        /// The schema is not an object or a boolean, is not valid against its meta-schema, or is
        /// otherwise malformed.
        public static let invalidSchema = Code(kind: .invalidSchema)
        /// A `$ref`/`$dynamicRef` or `$schema` names a schema that is neither loaded nor fetchable.
        public static let unresolvableReference = Code(kind: .unresolvableReference)
        /// A `pattern` or `patternProperties` key is not a valid regular expression.
        public static let invalidRegex = Code(kind: .invalidRegex)
        /// The meta-schema requires a vocabulary this validator does not know.
        public static let unsupportedVocabulary = Code(kind: .unsupportedVocabulary)
        /// A keyword has a value of the wrong shape (for example `minLength: "3"`).
        public static let invalidKeyword = Code(kind: .invalidKeyword)
        /// No schema with that id or `$id` is in the ``SchemaCatalog``.
        public static let notFound = Code(kind: .notFound)
        /// A schema file cannot be read or is not JSON.
        public static let unreadable = Code(kind: .unreadable)
        /// The code as sent in problem+json.
        public var wireCode: String { kind.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// Which reference, keyword or location; no instance data.
    public var detail: String

    /// An error with a code and a detail.
    public init(code: Code, detail: String) {
        self.code = code
        self.detail = detail
    }

    /// `code: detail`.
    public var description: String { "\(code.wireCode): \(detail)" }

    /// Errors compare by code only.
    public static func == (lhs: SchemaError, rhs: SchemaError) -> Bool { lhs.code == rhs.code }
}
