import Foundation
import LienthongJSON
import Testing

@testable import LienthongTrust

/// The unsigned lookup's hash, written member by member, against the generic canonicaliser over the same object.
struct RequestHashCanonicalTests {
    static let values = ["", "plain", "quote \" and \\ back", "tab\tnew\nline\u{1}", "Hà Nội", "e\u{301}", "😀"]

    @Test(arguments: values)
    func lookupHashIsTheHashOfTheJCSObject(_ text: String) throws {
        let object: JSONValue = .object([
            "method": .string("POST"), "path": .string("/v1/x/" + text), "query": .string(text),
            "consumer": .string(text), "purpose": .string(text + "p"), "requestId": .string(text + "r"),
        ])
        let expected = Base64URL.encode(Digest.sha256(try JCS.canonicalize(object)))
        let hash = RequestHash.lookup(
            method: "post", path: "/v1/x/" + text, query: text, consumer: text, purpose: text + "p",
            requestId: text + "r")
        #expect(hash == expected)
    }
}
