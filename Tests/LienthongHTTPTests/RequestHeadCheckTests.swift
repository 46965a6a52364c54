@testable import LienthongHTTP
import Testing

@Suite struct RequestHeadCheckTests {
    func check(_ head: String, maxBodyBytes: Int = 1000) -> Result<RequestHeadCheck.Framing, RequestHeadError> {
        let bytes = Array(head.utf8)
        return RequestHeadCheck.check(bytes[...], maxBodyBytes: maxBodyBytes)
    }

    @Test(arguments: [
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "conflicting-content-length"),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +2\r\n\r\n", "invalid-content-length"),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n", "invalid-content-length"),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n", "invalid-content-length"),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "unsupported-transfer-encoding"),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", "unsupported-transfer-encoding"),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
         "unsupported-transfer-encoding"),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
         "conflicting-framing"),
        ("GET / HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer t\0junk\r\n\r\n", "invalid-header"),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A : 1\r\n\r\n", "invalid-header"),
        ("GET / HTTP/1.1\r\nHost: a\r\nX(A): 1\r\n\r\n", "invalid-header"),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n folded\r\n\r\n", "invalid-header"),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r2\r\n\r\n", "invalid-header"),
        ("GET / HTTP/1.1\r\nNoColon\r\n\r\n", "invalid-header"),
        ("GET / HTTP/1.1\r\nX-A: 1\r\n\r\n", "missing-host"),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "duplicate-host"),
        ("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", "duplicate-host"),
        ("GET\r\nHost: a\r\n\r\n", "bad-request"),
        ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", "bad-request"),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1001\r\n\r\n", "payload-too-large"),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", "payload-too-large"),
    ])
    func refusesAmbiguousOrMalformedHeads(head: String, code: String) {
        guard case .failure(let error) = check(head) else {
            Issue.record("accepted \(head.debugDescription)")
            return
        }
        #expect(error.code.wireCode == code)
    }

    @Test func acceptsWellFormedHeads() throws {
        #expect(
            try check("GET /x HTTP/1.1\r\nHost: a\r\nX-Empty:\r\n\r\n").get()
                == .init(contentLength: nil, chunked: false))
        #expect(try check("GET / HTTP/1.0\r\n\r\n").get() == .init(contentLength: nil, chunked: false))
        #expect(
            try check("POST / HTTP/1.1\nHost: a\nContent-Length: 7\nContent-Length: 7\n\n").get()
                == .init(contentLength: 7, chunked: false))
        #expect(
            try check("POST / HTTP/1.1\r\nhost: a\r\ntransfer-encoding:  Chunked \r\n\r\n").get()
                == .init(contentLength: nil, chunked: true))
    }

    @Test func findsTheEndOfAHeadWithOrWithoutCarriageReturns() {
        #expect(RequestHeadCheck.headEnd(in: Array("GET / HTTP/1.1\r\nHost: a\r\n\r\nBODY".utf8), from: 0) == 27)
        #expect(RequestHeadCheck.headEnd(in: Array("GET / HTTP/1.1\nHost: a\n\nBODY".utf8), from: 0) == 24)
        #expect(RequestHeadCheck.headEnd(in: Array("GET / HTTP/1.1\r\nHost: a\r\n".utf8), from: 0) == nil)
    }
}

@Suite struct ChunkedBodyScannerTests {
    @Test func extensionsAreStrippedAndDataPassesUnchanged() {
        var scanner = ChunkedBodyScanner()
        let out = scanner.scan(Array("2;foo=bar\r\nab\r\n1 ; x\r\n;\r\n0;last\r\nTrailer: t\r\n\r\n".utf8))
        #expect(String(decoding: out, as: UTF8.self) == "2\r\nab\r\n1\r\n;\r\n0\r\nTrailer: t\r\n\r\n")
        #expect(!scanner.failed)
    }

    @Test func sizeLinesSplitAcrossReadsAreJoined() {
        var scanner = ChunkedBodyScanner()
        var out = scanner.scan(Array("1".utf8))
        out += scanner.scan(Array("0;a=b\r".utf8))
        out += scanner.scan(Array("\n0123456789abcdef\r\n0\r\n\r\n".utf8))
        #expect(String(decoding: out, as: UTF8.self) == "10\r\n0123456789abcdef\r\n0\r\n\r\n")
        #expect(!scanner.failed)
    }

    @Test(arguments: ["0x10\r\n", "+5\r\n", "g\r\n", "5 junk\r\n", ";a\r\n"])
    func malformedSizeLinesAreRefused(line: String) {
        var scanner = ChunkedBodyScanner()
        let out = scanner.scan(Array(line.utf8))
        #expect(scanner.failed)
        #expect(String(decoding: out, as: UTF8.self) == "-1\r\n")
    }
}
