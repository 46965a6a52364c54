import LienthongHTTP
import Testing

/// A request's path segments and query values, percent-decoded.
struct HTTPRequestPathTests {
    @Test(arguments: [
        ("/v1/records/a%2Fb", ["v1", "records", "a/b"]), ("//v1///x/", ["v1", "x"]), ("/", []),
        ("/a+b/c%20d", ["a+b", "c d"]), ("/v1/H%C3%A0%20N%E1%BB%99i", ["v1", "Hà Nội"]),
        ("/v1/Hà Nội/x", ["v1", "Hà Nội", "x"]),
        // Outside ASCII the path is split on characters: a "/" that a combining mark follows is no separator.
        ("/v1/\u{0301}x", ["v1/\u{0301}x"]),
    ])
    func pathSegmentsAreDecoded(target: String, segments: [String]) {
        // Compared by code points: `String ==` would accept a canonically equivalent segment.
        let decoded = HTTPRequest(method: .get, target: target).pathSegments?.map { Array($0.unicodeScalars) }
        #expect(decoded == segments.map { Array($0.unicodeScalars) })
    }

    @Test(arguments: ["/v1/%ZZ", "/v1/%C3", "/v1/a%2"])
    func malformedEncodingHasNoSegments(target: String) {
        #expect(HTTPRequest(method: .get, target: target).pathSegments == nil)
    }

    @Test func queryValuesDecodePlusAsSpace() {
        let request = HTTPRequest(method: .get, target: "/x?fields=a,b&name=Nguy%E1%BB%85n+An&plain=abc&bad=%G1")
        #expect(request.queryValue("fields") == "a,b")
        #expect(request.queryValue("name") == "Nguyễn An")
        #expect(request.queryValue("plain") == "abc")
        #expect(request.queryValue("bad") == nil)
    }
}
