import Foundation
@testable import LienthongSchema
import Testing

/// The linear-time matcher agrees with ICU (through the ECMA-262 translation) on the patterns it
/// accepts, and refuses the syntax it does not implement.
struct LinearPatternTests {
    static let patterns = [
        "^VN/(GOV|COM|ORG)/[A-Za-z0-9-]+/[A-Za-z0-9-]+/[A-Za-z0-9-]+$", "^[a-z0-9]+(-[a-z0-9]+)*$",
        "^[a-z][a-z0-9-]*(\\.[a-z0-9-]+)*$", "^[a-z][a-z0-9-]*\\.v[1-9][0-9]*$", "^[0-9]{10}(-[0-9]{3})?$",
        "^(a+)+$", "(ab|a)(bc|c)?$", "^(?:x|yz){2,3}$", "cat|dog", "^$", "a|", "(|b)c", "^(a|b)*?c",
        "[^a-c]{2}", "\\d\\D\\w\\W\\s\\S", "^\\u0041\\x42$", "[\\d.-]+", "^.{2,4}$", "^(a{0,2}b){1,2}$",
        "x*$", "^a$|^b$", "((a)|(b))+c", "^[\\-a]+$", "ệ+", "^[à-ỹ]+$",
    ]
    static let subjects = [
        "", "a", "aa", "aaaaaaaaaaaaaaaaaaaa!", "VN/GOV/BCA/DANCU/person", "VN/XXX/BCA/DANCU/person",
        "person-profile", "person--profile", "person.v1", "audit-record.v12", "a.b-c", "0123456789",
        "0123456789-001", "0123456789-01", "abc", "abbc", "ac", "xyzx", "yzyzyz", "hotdog", "c", "bc",
        "aabbc", "a1_ \t", "AB", "1.-2", "ab", "abab", "aabab", "aba", "xx", "-a-", "ệệ", "tiếng", "\n",
        "a\nb",
    ]

    @Test(arguments: patterns)
    func agreesWithICU(pattern: String) throws {
        let linear = try #require(LinearPattern(pattern), "refused \(pattern)")
        let icu = try NSRegularExpression(pattern: ECMARegex.translate(pattern))
        for subject in Self.subjects {
            let expected = icu.firstMatch(in: subject, range: NSRange(location: 0, length: (subject as NSString).length)) != nil
            #expect(linear.matches(subject) == expected, "\(pattern) on \(subject.debugDescription)")
        }
    }

    @Test(arguments: ["(?=a)", "(?<=a)b", "(a)\\1", "\\bword", "\\p{L}", "a{,2}", "[\\b]", "a**", "(?i)a", "\\a"])
    func refusesSyntaxOutsideTheSubset(pattern: String) {
        #expect(LinearPattern(pattern) == nil)
    }

    /// A signed count is not an ECMA-262 quantifier; `Z{-2}` used to reach the emitter as a negative count and trap.
    @Test(arguments: ["Z{-2}", "Z{+2}", "Z{1,-2}", "Z{1,+3}", "Z{ 2}", "^[A]Z{-2}$"])
    func refusesSignedQuantifierCounts(pattern: String) {
        #expect(LinearPattern(pattern) == nil)
        // ICU decides such a pattern; compiling a schema with it answers or throws, it does not trap.
        _ = try? JSONSchema.compile(["pattern": .string(pattern)])
    }

    @Test func nestedQuantifierIsLinear() throws {
        // `^(a+)+$` against `aaaa…!` backtracks exponentially in ICU; the NFA reads each scalar once.
        let schema = try JSONSchema.compile(["pattern": "^(a+)+$"])
        let subject = String(repeating: "a", count: 60_000) + "!"
        let clock = ContinuousClock()
        let elapsed = clock.measure { #expect(!schema.isValid(.string(subject))) }
        #expect(schema.isValid(.string(String(repeating: "a", count: 60_000))))
        #expect(elapsed < .seconds(2))
    }

    @Test func largeProgramGoesToICU() {
        #expect(LinearPattern("(a{1,100}){1,100}") == nil)
        #expect(LinearPattern("^[0-9]{1,100}$") != nil)
    }
}
