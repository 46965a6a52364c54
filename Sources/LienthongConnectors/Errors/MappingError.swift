/// Why a native record could not be mapped to its canonical form.
///
/// The detail names the registry, the source field, the canonical target and the rule; never the value.
/// A lookup that hits a mapping error fails with ``ConnectorError/Code/upstreamContractViolation``.
public struct MappingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case missingField = "mapping.missing-field"
            case typeMismatch = "mapping.type-mismatch"
            case invalidDate = "mapping.invalid-date"
            case invalidInteger = "mapping.invalid-integer"
            case invalidDecimal = "mapping.invalid-decimal"
            case unknownCode = "mapping.unknown-code"
            case invalidConfiguration = "mapping.invalid-configuration"
            case unknownCodeList = "mapping.unknown-code-list"
        }
        private let kind: Kind

        /// A required source field is absent, `null` or empty.
        public static let missingField = Code(kind: .missingField)
        /// The source value has the wrong JSON type for the rule (e.g. an object where text is expected).
        public static let typeMismatch = Code(kind: .typeMismatch)
        /// The value does not match the date pattern or is not a real date.
        public static let invalidDate = Code(kind: .invalidDate)
        /// The value is not an integer.
        public static let invalidInteger = Code(kind: .invalidInteger)
        /// The value is not a decimal number.
        public static let invalidDecimal = Code(kind: .invalidDecimal)
        /// The value is not in the code list.
        public static let unknownCode = Code(kind: .unknownCode)
        /// The mapping configuration itself is invalid.
        public static let invalidConfiguration = Code(kind: .invalidConfiguration)
        /// The mapping names a code list that was not loaded.
        public static let unknownCodeList = Code(kind: .unknownCodeList)

        /// The code as written in logs, e.g. `mapping.invalid-date`.
        public var wireCode: String { kind.rawValue }
        public var description: String { kind.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The registry whose record (or mapping) failed.
    public var registry: String
    /// The source field: a column name, a JSON Pointer, or several joined by `+`.
    public var field: String
    /// The canonical target, a JSON Pointer such as `/dateOfBirth`.
    public var target: String
    /// The rule that failed, e.g. `date(dd/MM/yyyy)`, `required`, `codeList(administrative-units/communes)`.
    public var rule: String

    /// Creates an error.
    public init(code: Code, registry: String, field: String, target: String, rule: String) {
        self.code = code
        self.registry = registry
        self.field = field
        self.target = target
        self.rule = rule
    }

    /// `registry 'population': field 'ngay_sinh' -> /dateOfBirth fails rule 'date(dd/MM/yyyy)'`.
    public var detail: String {
        "registry '\(registry)': field '\(field)' -> \(target.isEmpty ? "/" : target) fails rule '\(rule)'"
    }

    public var description: String { "\(code.wireCode): \(detail)" }

    /// Errors compare by code only.
    public static func == (lhs: MappingError, rhs: MappingError) -> Bool { lhs.code == rhs.code }
}
