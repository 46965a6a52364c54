import Testing

@testable import LienthongJSON

/// JSON compares strings by code points (RFC 8259 §8.3, RFC 8785), not by canonical equivalence as Swift's
/// `String ==` does: NFC "é" (U+00E9) and NFD "e" U+0301 are different names and different values.
struct CodePointEqualityTests {
    static let nfc = "\u{E9}"
    static let nfd = "e\u{301}"
    static let bothKeys = #"{"\u00e9":1,"e\u0301":2}"#

    @Test func canonicallyEquivalentStringsAreDifferentValues() {
        #expect(JSONValue.string(Self.nfc) != JSONValue.string(Self.nfd))
        #expect(Set<JSONValue>([.string(Self.nfc), .string(Self.nfd)]).count == 2)
        let nfcObject: JSONValue = .object([Self.nfc: 1])
        #expect(nfcObject != .object([Self.nfd: 1]))
        #expect(nfcObject == .object([Self.nfc: 1]))
    }

    @Test func dictionaryLiteralKeepsCanonicallyEquivalentKeysApart() {
        let object: JSONValue = [Self.nfc: 1, Self.nfd: 2]
        #expect(object.objectValue?.count == 2)
        #expect(object[Self.nfc] == 1)
        #expect(object[Self.nfd] == 2)
    }

    @Test func canonicalFormKeepsBothKeysInUTF16Order() throws {
        let bytes = try JCS.canonicalize(try JSONValue.parse(Self.bothKeys))
        // "e" (U+0065) sorts before U+00E9.
        #expect(bytes == Array("{\"e\u{301}\":2,\"\u{E9}\":1}".utf8))
        #expect(try JSONValue.parse(Self.bothKeys).serializedBytes() == bytes)
    }

    @Test func pointerTokensMatchMemberNamesByCodePoints() throws {
        let document = try JSONValue.parse(#"{"\u00e9":{"k":1}}"#)
        #expect(JSONPointer(tokens: [Self.nfc, "k"]).resolve(in: document) == 1)
        #expect(JSONPointer(tokens: [Self.nfd, "k"]).resolve(in: document) == nil)
        #expect(try JSONPointer("/\(Self.nfd)/k").resolve(in: document) == nil)
        #expect(JSONPointer(tokens: [Self.nfc]) != JSONPointer(tokens: [Self.nfd]))
    }
}
