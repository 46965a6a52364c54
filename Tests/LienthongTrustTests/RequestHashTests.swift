import Foundation
import LienthongJSON
import Testing

@testable import LienthongTrust

struct RequestHashTests {
    @Test func signedRequestHashIsSHA256OfTheCanonicalMessage() throws {
        let message: JSONValue = ["type": "request", "consumer": "VN/GOV/BTC/DKKD", "b": 1, "a": "x"]
        let expected = Base64URL.encode(
            Digest.sha256(Array(#"{"a":"x","b":1,"consumer":"VN/GOV/BTC/DKKD","type":"request"}"#.utf8)))
        #expect(try RequestHash.signedRequest(message) == expected)
        // Member order and whitespace on the wire do not matter.
        let reordered = try JSONValue.parse(#"{ "b" : 1, "type":"request", "a":"x", "consumer":"VN/GOV/BTC/DKKD" }"#)
        #expect(try RequestHash.signedRequest(reordered) == expected)
        #expect(throws: TrustError(.malformedEnvelope, "")) { try RequestHash.signedRequest(.array([])) }
    }

    @Test func lookupHashCoversEveryBoundField() {
        let canonical =
            #"{"consumer":"VN/GOV/BTC/DKKD","method":"GET","path":"/v1/records/population/001090012345","#
            + #""purpose":"enterprise-registration","query":"fields=fullName","requestId":"5a4c9e7b"}"#
        let hash = RequestHash.lookup(
            method: "get", path: "/v1/records/population/001090012345", query: "fields=fullName",
            consumer: "VN/GOV/BTC/DKKD", purpose: "enterprise-registration", requestId: "5a4c9e7b")
        #expect(hash == Base64URL.encode(Digest.sha256(Array(canonical.utf8))))
        #expect(hash.count == 43)
        let variants = [
            RequestHash.lookup(
                method: "GET", path: "/v1/records/population/001090012346", query: "fields=fullName",
                consumer: "VN/GOV/BTC/DKKD", purpose: "enterprise-registration", requestId: "5a4c9e7b"),
            RequestHash.lookup(
                method: "GET", path: "/v1/records/population/001090012345", query: "",
                consumer: "VN/GOV/BTC/DKKD", purpose: "enterprise-registration", requestId: "5a4c9e7b"),
            RequestHash.lookup(
                method: "GET", path: "/v1/records/population/001090012345", query: "fields=fullName",
                consumer: "VN/GOV/BTC/DKKD", purpose: "tax", requestId: "5a4c9e7b"),
            RequestHash.lookup(
                method: "GET", path: "/v1/records/population/001090012345", query: "fields=fullName",
                consumer: "VN/GOV/BTC/DKKD", purpose: "enterprise-registration", requestId: "other"),
        ]
        #expect(Set(variants + [hash]).count == 5)
    }
}
