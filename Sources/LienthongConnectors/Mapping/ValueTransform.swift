import Foundation  // Unicode normalisation, whitespace trimming
import LienthongJSON

/// One step that turns a native value into its canonical form.
///
/// Configured as a string (`"trim"`, `"nfc"`, `"integer"`, `"decimal"`) or a one-member object
/// (`{ "date": "dd/MM/yyyy" }`, `{ "codeList": { "Nam": "male" } }`, `{ "codeList": "administrative-units/communes" }`,
/// `{ "split": ";" }`). Applied to an array, a transform applies to each element.
public enum ValueTransform: Sendable, Equatable {
    /// Removes leading and trailing white space.
    case trim
    /// Unicode normalisation form C (canonical composition).
    case nfc
    /// A date in the native pattern, to ISO `YYYY-MM-DD`.
    case date(DatePattern)
    /// A code translated through a list: `name` is the code list's name, or `nil` for an inline list.
    case codeList(name: String?, entries: [String: String])
    /// Text or a number to a JSON integer.
    case integer
    /// Text with a decimal comma or point (e.g. `123,5`) to a JSON number.
    case decimal
    /// Text split on a separator into an array of trimmed, non-empty strings.
    case split(String)

    /// The rule's name as errors report it, e.g. `date(dd/MM/yyyy)`.
    public var rule: String {
        switch self {
        case .trim: "trim"
        case .nfc: "nfc"
        case .date(let pattern): "date(\(pattern.pattern))"
        case .codeList(let name, _): "codeList(\(name ?? "inline"))"
        case .integer: "integer"
        case .decimal: "decimal"
        case .split(let separator): "split(\(separator))"
        }
    }

    /// Reads a transform from its configuration.
    /// - Throws: `mapping.invalid-configuration`, or `mapping.unknown-code-list` for a list not in `codeLists`.
    static func parse(_ value: JSONValue, codeLists: CodeLists, context: MappingContext) throws(MappingError)
        -> ValueTransform
    {
        switch value {
        case .string("trim"): return .trim
        case .string("nfc"): return .nfc
        case .string("integer"): return .integer
        case .string("decimal"): return .decimal
        case .object(let members) where members.count == 1:
            let (name, argument) = members.first!
            switch (name, argument) {
            case ("date", .string(let text)):
                guard let pattern = DatePattern(text) else { throw context.error(.invalidConfiguration, "date pattern") }
                return .date(pattern)
            case ("split", .string(let separator)) where !separator.isEmpty:
                return .split(separator)
            case ("codeList", .string(let listName)):
                guard let entries = codeLists[listName] else { throw context.error(.unknownCodeList, "codeList(\(listName))") }
                return .codeList(name: listName, entries: entries)
            case ("codeList", .object(let inline)):
                var entries: [String: String] = [:]
                for (code, mapped) in inline {
                    guard let mapped = mapped.stringValue else { throw context.error(.invalidConfiguration, "codeList entries") }
                    entries[code] = mapped
                }
                return .codeList(name: nil, entries: entries)
            default:
                throw context.error(.invalidConfiguration, "transform \(name)")
            }
        default:
            throw context.error(.invalidConfiguration, "transform")
        }
    }

    /// Applies the transform; arrays are transformed element by element. The caller names the field in the error:
    /// a context built (or captured) for every value was a copy of the whole field mapping per transform.
    func apply(to value: JSONValue) throws(MappingStepFailure) -> JSONValue {
        if case .array(let elements) = value {
            var result: [JSONValue] = []
            for element in elements { result.append(try apply(to: element)) }
            return .array(result)
        }
        switch self {
        case .trim:
            return .string(Self.trimmed(try text(value)))
        case .nfc:
            return .string(Self.nfc(try text(value)))
        case .date(let pattern):
            guard let iso = pattern.isoDate(from: try text(value)) else {
                throw MappingStepFailure(code: .invalidDate, rule: rule)
            }
            return .string(iso)
        case .codeList(_, let entries):
            // Swift compares strings by canonical equivalence, so an NFD code finds its NFC entry.
            guard let mapped = entries[try text(value)] else {
                throw MappingStepFailure(code: .unknownCode, rule: rule)
            }
            return .string(mapped)
        case .integer:
            if case .number(let number) = value {
                guard let int = number.int else { throw MappingStepFailure(code: .invalidInteger, rule: rule) }
                return .number(JSONNumber(int))
            }
            let digits = try text(value).trimmingCharacters(in: .whitespaces)
            guard let int = Int(digits) else { throw MappingStepFailure(code: .invalidInteger, rule: rule) }
            return .number(JSONNumber(int))
        case .decimal:
            if case .number = value { return value }
            return .number(try Self.decimal(try text(value), rule: rule))
        case .split(let separator):
            let parts = try text(value).components(separatedBy: separator)
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            return .array(parts.map { .string($0) })
        }
    }

    /// `text` without leading and trailing white space and newlines; the text itself when there are none, which is
    /// the usual case and skips Foundation's much slower trimming.
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last,
            first.properties.isWhitespace || last.properties.isWhitespace
        else { return text }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `text` in Unicode NFC. Text already in NFC (all ASCII text, and most registry text) is returned as it is:
    /// the standard library's NFC checks are much cheaper than Foundation's normalisation. The quick check (the
    /// scalars' `NFC_Quick_Check` property) settles precomposed text such as Vietnamese names; only a "maybe" takes
    /// the full check.
    static func nfc(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        var span = text.utf8Span
        if span.checkForNFC(quickCheck: true) || span.checkForNFC(quickCheck: false) { return text }
        return text.precomposedStringWithCanonicalMapping
    }

    /// `123,5`, `123.5`, `1.234,5` (point as thousands separator when a comma is present) to a number.
    private static func decimal(_ raw: String, rule: String) throws(MappingStepFailure) -> JSONNumber {
        var text = raw.trimmingCharacters(in: .whitespaces)
        if text.contains(",") {
            text = String(text.compactMap { $0 == "." ? nil : $0 == "," ? "." : $0 })
        }
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let double = Double(text), double.isFinite
        else { throw MappingStepFailure(code: .invalidDecimal, rule: rule) }
        return JSONNumber(double)
    }

    /// Text, or a number's literal; anything else is a type mismatch.
    private func text(_ value: JSONValue) throws(MappingStepFailure) -> String {
        switch value {
        case .string(let text): return text
        case .number(let number): return number.literal
        default: throw MappingStepFailure(code: .typeMismatch, rule: "\(rule) needs text")
        }
    }
}

/// Where a mapping step is: the registry, source field and target, for value-free errors.
struct MappingContext: Sendable {
    var registry: String
    var field: String
    var target: String

    func error(_ code: MappingError.Code, _ rule: String) -> MappingError {
        MappingError(code: code, registry: registry, field: field, target: target, rule: rule)
    }

    /// The error of a step that failed here.
    func error(_ failure: MappingStepFailure) -> MappingError { error(failure.code, failure.rule) }
}

/// A transform's (or a source's) failure, before the field mapping adds where it happened (``MappingContext``).
struct MappingStepFailure: Error {
    var code: MappingError.Code
    var rule: String
}
