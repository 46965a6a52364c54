import LienthongHTTP
import Testing

/// Header fields are found by name whatever its case.
struct HTTPHeadersTests {
    @Test func namesMatchWhateverTheirCase() {
        var headers: HTTPHeaders = ["Content-Type": "application/json", "Lienthong-Request-Id": "a"]
        headers.add(name: "lienthong-purpose", value: "residence-verification")
        #expect(headers["content-type"] == "application/json")
        #expect(headers["LIENTHONG-REQUEST-ID"] == "a")
        #expect(headers["Lienthong-Purpose"] == "residence-verification")
        #expect(headers["Content-Typf"] == nil && headers["Content-Type "] == nil && headers["Content_Type"] == nil)
        // Only letters have a case: @ and ` differ by the same bit as A and a. Outside ASCII, case is Unicode's.
        headers.add(name: "X-@", value: "c")
        #expect(headers["x-@"] == "c" && headers["x-`"] == nil)
        headers.add(name: "X-Émetteur", value: "b")
        #expect(headers["x-émetteur"] == "b")
        headers["content-TYPE"] = nil
        #expect(!headers.contains("Content-Type") && headers.count == 4)
    }
}
