import Foundation

/// A schema regular expression (ECMA-262 dialect) compiled once to an ICU `NSRegularExpression`.
///
/// Translation: `\d`, `\D`, `\w`, `\W`, `\b` are ASCII in ECMA-262 and Unicode-aware in ICU, so they
/// are rewritten to explicit ASCII classes; `$` outside a class means end of input (`\z`), since ICU's
/// `$` also matches before a final line terminator. Everything else is passed through: ICU accepts the
/// ECMA-262 syntax the test suite and our schemas use (classes, `\p{…}`, look-around, back-references).
///
/// Bounding pathological patterns: patterns without back-references, look-around or `\b` (literals,
/// classes, groups, alternation, any quantifier; see ``LinearPattern``) run on a linear-time NFA and
/// cannot blow up: `^(a+)+$` against `aaaa…!` is one pass. The rest run on ICU, which backtracks,
/// and `NSRegularExpression` exposes no time limit.
/// Patterns come only from schemas the operator loads (trusted configuration, compiled once at
/// start-up), never from callers; instance strings longer than
/// ``ValidationOptions/maxPatternInputLength`` (UTF-16 units) are not matched at all and fail the
/// keyword with a distinct message, so a caller cannot make one match run over an unbounded input.
final class ECMARegex: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable after creation and documented as thread-safe;
    // swift-corelibs-foundation does not mark it Sendable. A class: one retain when a keyword is copied.
    let source: String
    private let regex: NSRegularExpression
    /// The linear-time matcher, when the pattern is in its subset (every canonical schema's is).
    private let linear: LinearPattern?

    /// Compiles `pattern`; throws `SchemaError.invalidRegex` naming the pattern.
    init(_ pattern: String) throws(SchemaError) {
        source = pattern
        linear = LinearPattern(pattern)
        do {
            regex = try NSRegularExpression(pattern: ECMARegex.translate(pattern), options: [])
        } catch {
            throw SchemaError(code: .invalidRegex, detail: pattern)
        }
    }

    /// Whether the pattern runs on the linear-time matcher (else on ICU).
    var isLinear: Bool { linear != nil }

    /// Whether the pattern matches anywhere in `string` (ECMA-262 `RegExp.prototype.test`).
    func matches(_ string: String) -> Bool {
        if let linear { return linear.matches(string) }
        let ns = string as NSString
        return regex.firstMatch(in: string, options: [], range: NSRange(location: 0, length: ns.length)) != nil
    }

    /// Whether `pattern` is a valid ECMA-262 regular expression as far as this translation tells.
    static func isValid(_ pattern: String) -> Bool {
        (try? ECMARegex(pattern)) != nil
    }

    /// Rewrites the ECMA-262 constructs whose ICU meaning differs.
    static func translate(_ pattern: String) -> String {
        var out = ""
        out.reserveCapacity(pattern.utf8.count + 8)
        var inClass = false
        var iterator = pattern.makeIterator()
        while let c = iterator.next() {
            switch c {
            case "\\":
                guard let next = iterator.next() else {
                    out.append("\\")
                    break
                }
                switch next {
                case "d": out += inClass ? "0-9" : "[0-9]"
                case "D": out += inClass ? "\\x{0}-/:-\\x{10FFFF}" : "[^0-9]"
                case "w": out += inClass ? "a-zA-Z0-9_" : "[a-zA-Z0-9_]"
                case "W": out += inClass ? "\\x{0}-/:-@\\[-\\^`{-\\x{10FFFF}" : "[^a-zA-Z0-9_]"
                case "s" where !inClass: out += "[\\s\\x{FEFF}]"
                case "S" where !inClass: out += "[^\\s\\x{FEFF}]"
                case "b" where !inClass:
                    out += "(?:(?<=[a-zA-Z0-9_])(?![a-zA-Z0-9_])|(?<![a-zA-Z0-9_])(?=[a-zA-Z0-9_]))"
                case "B" where !inClass:
                    out += "(?:(?<=[a-zA-Z0-9_])(?=[a-zA-Z0-9_])|(?<![a-zA-Z0-9_])(?![a-zA-Z0-9_]))"
                default:
                    out.append("\\")
                    out.append(next)
                }
            case "[" where !inClass:
                inClass = true
                out.append(c)
            case "]" where inClass:
                inClass = false
                out.append(c)
            case "$" where !inClass:
                out += "\\z"
            default:
                out.append(c)
            }
        }
        return out
    }
}
