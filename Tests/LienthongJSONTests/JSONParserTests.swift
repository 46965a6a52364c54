import Testing

@testable import LienthongJSON

struct JSONParserTests {
    private func code(_ text: String, limits: JSONLimits = .init()) -> JSONError.Code? {
        do {
            _ = try JSONValue.parse(text, limits: limits)
            return nil
        } catch {
            return error.code
        }
    }

    private func code(bytes: [UInt8]) -> JSONError.Code? {
        do {
            _ = try JSONValue.parse(bytes)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func parsesAllValueKinds() throws {
        let value = try JSONValue.parse(#" {"a": [1, -2.5e3, true, false, null, "x"], "b": {}, "c": []} "#)
        #expect(value == ["a": [1, -2500.0, true, false, nil, "x"], "b": [:], "c": []])
    }

    @Test func numbersKeepTheirLiteral() throws {
        let value = try JSONValue.parse("[4.50, 1E30, 9007199254740993, -0, 0.000000000000000000000000001]")
        let numbers = try #require(value.arrayValue).compactMap(\.numberValue)
        #expect(numbers.map(\.literal) == ["4.50", "1E30", "9007199254740993", "-0", "0.000000000000000000000000001"])
        #expect(numbers[0].double == 4.5)
        #expect(numbers[1].double == 1e30)
        #expect(numbers[2].double == 9_007_199_254_740_992)
        #expect(numbers[3].double.sign == .minus)
        #expect(numbers[4].double == 1e-27)
    }

    @Test(arguments: [
        "0.1", "123456789012345678", "1.7976931348623157e308", "5e-324", "2.2250738585072014e-308",
        "333333333.33333329", "0.30000000000000004", "123.456e-7", "9.999999999999997e-7",
    ])
    func numbersRoundCorrectly(_ literal: String) throws {
        let value = try JSONValue.parse(literal)
        #expect(value.numberValue?.double == Double(literal))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONValue.parse(#""\"\\\/\b\f\n\r\t\u00e9\ud83d\ude02A""#)
        #expect(value == .string("\"\\/\u{8}\u{c}\n\r\t\u{e9}\u{1F602}A"))
    }

    @Test func keepsUnicodeScalarsAsGiven() throws {
        let value = try JSONValue.parse(#""A\u030a""#)
        #expect(value.stringValue.map { Array($0.unicodeScalars) } == ["A", "\u{30A}"])
    }

    @Test(arguments: [
        "", " ", "[1,]", "[1 2]", "{\"a\" 1}", "{\"a\":1,}", "{a:1}", "01", "-01", "1.", ".5", "1e", "+1", "-",
        "tru", "nul", "[1] x", "{} {}", "\"abc", "\"a\u{1}b\"", "\"tab\there\"", "[", "{\"a\":", "NaN", "Infinity",
        "'a'", "\u{FEFF}1",
    ])
    func rejectsSyntaxErrors(_ text: String) {
        #expect(code(text) == .syntax)
    }

    @Test(arguments: [#""\x""#, #""\u12""#, #""\u12g4""#, #""\ud800""#, #""\ud800x""#, #""\udc00""#, #""\ud800\u0041""#])
    func rejectsInvalidEscapes(_ text: String) {
        #expect(code(text) == .invalidEscape)
    }

    @Test(arguments: [
        [0x22, 0xFF, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xE0, 0x80, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22],
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xE2, 0x82], [0x22, 0x80, 0x22],
    ] as [[UInt8]])
    func rejectsInvalidUTF8(_ bytes: [UInt8]) {
        #expect(code(bytes: bytes) == .invalidUTF8)
    }

    @Test func acceptsValidMultibyteUTF8() throws {
        let bytes: [UInt8] = [0x22, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x82, 0x22]
        #expect(try JSONValue.parse(bytes) == .string("é€😂"))
    }

    @Test func rejectsDuplicateKeysWithOffset() throws {
        let error = #expect(throws: JSONError.self) { try JSONValue.parse(#"{"a":1,"b":2,"a":3}"#) }
        #expect(error?.code == .duplicateKey)
        #expect(error?.offset == 13)
        #expect(error?.code.wireCode == "json.duplicate-key")
    }

    @Test func keepsCanonicallyEquivalentKeysAsTwoMembers() throws {
        // RFC 8259 §8.3: member names compare by code units; NFC "é" and NFD "e\u{301}" are two names.
        let value = try JSONValue.parse(#"{"\u00e9":1,"e\u0301":2}"#)
        #expect(value.objectValue?.count == 2)
        #expect(value["\u{E9}"] == 1)
        #expect(value["e\u{301}"] == 2)
    }

    @Test func rejectsTheSameKeyWrittenTwoWaysAsDuplicate() {
        #expect(code(#"{"\u00e9":1,"é":2}"#) == .duplicateKey)
        #expect(code(#"{"e\u0301":1,"é":2}"#) == .duplicateKey)
    }

    @Test func deepNestingIsACleanError() {
        let text = String(repeating: "[", count: 100_000)
        let error = #expect(throws: JSONError.self) { try JSONValue.parse(text) }
        #expect(error?.code == .depthLimit)
        #expect(error?.offset == 512)
    }

    @Test func depthLimitCountsContainers() throws {
        let limits = JSONLimits(maxDepth: 3)
        #expect(code("[[[1]]]", limits: limits) == nil)
        #expect(code("[[[[]]]]", limits: limits) == .depthLimit)
        #expect(code(#"{"a":{"b":{"c":{}}}}"#, limits: limits) == .depthLimit)
        _ = try JSONValue.parse(String(repeating: "[", count: 512) + String(repeating: "]", count: 512))
    }

    @Test func sizeLimitIsEnforced() {
        #expect(code("[1,2,3]", limits: JSONLimits(maxBytes: 6)) == .sizeLimit)
        #expect(code("[1,2,3]", limits: JSONLimits(maxBytes: 7)) == nil)
    }

    @Test func rejectsNumbersBeyondDoubleRange() {
        #expect(code("1e400") == .numberRange)
        #expect(code("-1e400") == .numberRange)
        #expect(code("1e-400") == nil)
    }

    @Test func errorMessagesNeverQuoteTheInput() {
        let secret = "SECRET-CITIZEN-ID-0123"
        for text in ["{\"\(secret)\": 1, \"\(secret)\": 2}", "[\"\(secret)\" \"\(secret)\"]", "\"\(secret)\\q\""] {
            let error = #expect(throws: JSONError.self) { try JSONValue.parse(text) }
            #expect(error.map { !"\($0)".contains("SECRET") } == true)
        }
    }

    @Test func parsesNonContiguousCollections() throws {
        let bytes = Array("[1,\"a\"]".utf8).lazy.map { $0 }
        #expect(try JSONValue.parse(bytes) == [1, "a"])
    }

    @Test func parsesLargeArrayQuickly() throws {
        let text = "[" + (0..<200_000).map { "{\"k\":\($0)}" }.joined(separator: ",") + "]"
        let value = try JSONValue.parse(text)
        #expect(value.arrayValue?.count == 200_000)
        #expect(value.arrayValue?.last?["k"]?.numberValue?.int == 199_999)
    }
}
