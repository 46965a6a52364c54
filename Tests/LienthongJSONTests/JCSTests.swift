import Testing

@testable import LienthongJSON

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct JCSTests {
    /// `shared/` sits beside the repository root, locally and in CI.
    private static let testData: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // LienthongJSONTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository root
        .appendingPathComponent("../shared/conformance/jcs/testdata")
        .standardizedFileURL

    @Test func conformanceVectorsCanonicaliseByteForByte() throws {
        let inputDirectory = Self.testData.appendingPathComponent("input")
        let names = try FileManager.default.contentsOfDirectory(atPath: inputDirectory.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        #expect(names.count == 6, "expected the six RFC 8785 vectors in \(Self.testData.path)")
        var passed = 0
        for name in names {
            let input = try Data(contentsOf: inputDirectory.appendingPathComponent(name))
            let expected = try Data(contentsOf: Self.testData.appendingPathComponent("output/\(name)"))
            let canonical = try JCS.canonicalize(try JSONValue.parse([UInt8](input)))
            #expect(canonical == [UInt8](expected), "vector \(name)")
            if canonical == [UInt8](expected) { passed += 1 }
        }
        #expect(passed == names.count)
    }

    @Test(arguments: [
        ("1e21", "1e+21"), ("1e-7", "1e-7"), ("333333333.33333329", "333333333.3333333"), ("4.50", "4.5"),
        ("2e-3", "0.002"), ("0.000001", "0.000001"), ("-0", "0"), ("9007199254740993", "9007199254740992"),
        ("1E30", "1e+30"), ("0.000000000000000000000000001", "1e-27"), ("100", "100"), ("1e20", "100000000000000000000"),
        ("123456789012345680000", "123456789012345680000"), ("-1.5", "-1.5"), ("0.1", "0.1"), ("5e-324", "5e-324"),
        ("1.7976931348623157e308", "1.7976931348623157e+308"), ("9.999999999999997e-7", "9.999999999999997e-7"),
        ("1.2345e-6", "0.0000012345"), ("12.5e-8", "1.25e-7"), ("56.0", "56"), ("-1e-7", "-1e-7"),
        ("295147905179352830000", "295147905179352830000"), ("4.35", "4.35"), ("0.5", "0.5"),
    ])
    func numbersUseECMAScriptForm(_ literal: String, _ expected: String) throws {
        let canonical = try JCS.canonicalize(try JSONValue.parse(literal))
        #expect(String(decoding: canonical, as: UTF8.self) == expected)
    }

    @Test(arguments: [
        (0x4340000000000001 as UInt64, "9007199254740994"), (0x4340000000000002, "9007199254740996"),
        (0x444b1ae4d6e2ef50, "1e+21"), (0x3eb0c6f7a0b5ed8d, "0.000001"), (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
        (0x8000000000000000, "0"), (0, "0"), (0x0000000000000001, "5e-324"), (0x7fefffffffffffff, "1.7976931348623157e+308"),
    ])
    func numberBitPatternsMatchRFC8785Samples(_ bits: UInt64, _ expected: String) throws {
        #expect(try JCS.numberString(Double(bitPattern: bits)) == expected)
    }

    @Test func nonFiniteNumbersAreRejected() {
        for value in [Double.nan, .infinity, -.infinity] {
            let error = #expect(throws: JSONError.self) { try JCS.canonicalize(.number(JSONNumber(value))) }
            #expect(error?.code == .notFinite)
        }
    }

    @Test func keysSortByUTF16CodeUnitsNotScalars() throws {
        // U+1F602 is D83D DE02 in UTF-16, so it sorts before U+FB33 although its scalar value is larger.
        let value: JSONValue = ["\u{FB33}": 1, "\u{1F602}": 2, "a": 3]
        let text = String(decoding: try JCS.canonicalize(value), as: UTF8.self)
        #expect(text == "{\"a\":3,\"\u{1F602}\":2,\"\u{FB33}\":1}")
    }

    @Test func keyOrderOnUTF8BytesIsUTF16Order() {
        // Every pair of names across the ranges where UTF-8 and UTF-16 orders differ (U+E000-U+FFFF against
        // supplementary scalars) and where they agree, sharing prefixes and lead bytes.
        let scalars = ["a", "\u{7F}", "\u{E9}", "\u{7FF}", "\u{800}", "\u{D7FF}", "\u{E000}", "\u{FB33}", "\u{FFFD}",
                       "\u{10000}", "\u{1F602}", "\u{1F603}", "\u{10FFFF}"]
        let names = scalars + scalars.flatMap { first in scalars.map { first + $0 } } + [""]
        for lhs in names {
            for rhs in names {
                let expected = lhs.utf16.lexicographicallyPrecedes(rhs.utf16)
                #expect((JSONKey(lhs) < JSONKey(rhs)) == expected, "\(lhs) < \(rhs)")
            }
        }
    }

    @Test func unnormalisedScalarsAreEmittedAsGiven() throws {
        let bytes = try JCS.canonicalize(.object(["k": .string("A\u{30A}"), "\u{e9}": .string("e\u{301}")]))
        #expect(bytes == Array("{\"k\":\"A\u{30A}\",\"\u{e9}\":\"e\u{301}\"}".utf8))
        #expect(bytes.count == 22)
    }

    @Test func stringsEscapeOnlyQuoteBackslashAndControls() throws {
        let bytes = try JCS.canonicalize(.string("\"\\/\u{8}\u{9}\u{a}\u{c}\u{d}\u{0}\u{f}\u{1f}\u{7f}</script>€"))
        #expect(String(decoding: bytes, as: UTF8.self) == #""\"\\/\b\t\n\f\r\u0000\u000f\u001f"# + "\u{7f}</script>€\"")
    }

    @Test func nestedObjectsAreSortedRecursively() throws {
        let value = try JSONValue.parse(#"{"b":[{"z":1,"y":{"d":1,"c":2}}],"a":{"10":1,"1":2}}"#)
        let text = String(decoding: try JCS.canonicalize(value), as: UTF8.self)
        #expect(text == #"{"a":{"1":2,"10":1},"b":[{"y":{"c":2,"d":1},"z":1}]}"#)
    }
}
