import LienthongHTTP
import Testing

/// The multipart boundary splitter: parts found whatever the chunking, bounded buffers, malformed framing refused.
struct MultipartSplitterTests {
    static let body = Array(
        ("preamble to ignore\r\n--xyz\r\nContent-Disposition: form-data; name=\"envelope\"\r\n\r\n{\"a\":1}"
            + "\r\n--xyz  \r\nContent-ID: <scan.pdf>\r\nContent-Type: application/pdf\r\n\r\n--xy\r\n-\r\n--xyZ"
            + "\r\n--xyz\r\n\r\nno headers\r\n--xyz--\r\nepilogue").utf8)

    /// The parts of `body` fed `size` bytes at a time: each part's headers and joined content.
    static func parts(_ body: [UInt8], chunk size: Int, boundary: String = "xyz") throws
        -> [(headers: HTTPHeaders, content: [UInt8])]
    {
        var splitter = try MultipartSplitter(boundary: boundary)
        var parts: [(headers: HTTPHeaders, content: [UInt8])] = []
        var open = false
        var offset = 0
        while offset < body.count {
            let end = min(body.count, offset + size)
            for event in try splitter.feed(body[offset..<end]) {
                switch event {
                case .partStart(let headers):
                    #expect(!open)
                    parts.append((headers, []))
                    open = true
                case .body(let bytes):
                    #expect(open)
                    parts[parts.count - 1].content += bytes
                case .partEnd:
                    open = false
                }
            }
            offset = end
        }
        try splitter.finish()
        return parts
    }

    @Test(arguments: [1, 2, 3, 7, 64, 10_000])
    func partsAreFoundWhateverTheChunkSize(_ size: Int) throws {
        let parts = try Self.parts(Self.body, chunk: size)
        #expect(parts.count == 3)
        #expect(parts[0].headers["content-disposition"] == "form-data; name=\"envelope\"")
        #expect(parts[0].content == Array("{\"a\":1}".utf8))
        #expect(parts[1].headers["Content-ID"] == "<scan.pdf>")
        // Almost-delimiters inside content stay content.
        #expect(parts[1].content == Array("--xy\r\n-\r\n--xyZ".utf8))
        #expect(parts[2].headers.fields.isEmpty)
        #expect(parts[2].content == Array("no headers".utf8))
    }

    @Test func aBodyWithoutItsClosingDelimiterIsRefused() throws {
        let cut = Array(Self.body.prefix(Self.body.count - "--\r\nepilogue".count - 2))
        #expect(throws: MultipartSplitter.Failure.self) { try Self.parts(cut, chunk: 5) }
        #expect(throws: MultipartSplitter.Failure.self) { try Self.parts(Array("no delimiter".utf8), chunk: 5) }
    }

    /// Padding and a header block at their bounds are taken, one byte over refused, whether the body arrives whole or
    /// a byte at a time: the bound used to be checked only on bytes held while a line's end had not arrived (found
    /// by the multipart fuzz target, kept in Tests/Fuzz/multipart/regressions/).
    @Test(arguments: [1, 10_000])
    func boundsDoNotDependOnHowTheBodyArrives(_ size: Int) throws {
        func body(padding: Int, header: Int) -> [UInt8] {
            let value = String(repeating: "v", count: header - "Name: ".count)
            return Array(
                ("--xyz" + String(repeating: " ", count: padding) + "\r\nName: \(value)\r\n\r\nx\r\n--xyz--").utf8)
        }
        let padding = MultipartSplitter.maxPaddingBytes
        let header = MultipartSplitter.maxHeaderBytes
        #expect(try Self.parts(body(padding: padding, header: 10), chunk: size).count == 1)
        #expect(try Self.parts(body(padding: 0, header: header), chunk: size).count == 1)
        let padded = #expect(throws: MultipartSplitter.Failure.self) {
            try Self.parts(body(padding: padding + 1, header: 10), chunk: size)
        }
        #expect(padded?.reason == "delimiter line")
        let large = #expect(throws: MultipartSplitter.Failure.self) {
            try Self.parts(body(padding: 0, header: header + 1), chunk: size)
        }
        #expect(large?.reason == "part headers too large")
    }

    @Test func malformedFramingIsRefused() throws {
        // Bytes other than padding after a delimiter, a header line without a colon, headers without end.
        for text in [
            "--xyz junk\r\n\r\nx\r\n--xyz--", "--xyz\r\nno colon here\r\n\r\nx\r\n--xyz--",
            "--xyz\r\nName: " + String(repeating: "v", count: MultipartSplitter.maxHeaderBytes + 1),
        ] {
            #expect(throws: MultipartSplitter.Failure.self, "\(text.prefix(40))") {
                try Self.parts(Array(text.utf8), chunk: 4096)
            }
        }
        let many = (0...MultipartSplitter.maxParts).map { _ in "--xyz\r\n\r\nx\r\n" }.joined() + "--xyz--"
        #expect(throws: MultipartSplitter.Failure.self) { try Self.parts(Array(many.utf8), chunk: 4096) }
    }

    @Test func contentIsHandedOnAsItArrives() throws {
        // A large part never waits whole in the splitter: each feed hands on all but a delimiter's length.
        var splitter = try MultipartSplitter(boundary: "xyz")
        _ = try splitter.feed(Array("--xyz\r\n\r\n".utf8))
        let events = try splitter.feed([UInt8](repeating: 65, count: 100_000))
        let handed = events.reduce(0) { sum, event in
            if case .body(let bytes) = event { return sum + bytes.count }
            return sum
        }
        #expect(handed >= 100_000 - "\r\n--xyz".utf8.count)
    }

    @Test func boundaryOfContentType() {
        #expect(MultipartSplitter.boundary(ofContentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(MultipartSplitter.boundary(ofContentType: "Multipart/Related; type=x; boundary=\"a b\"") == "a b")
        #expect(MultipartSplitter.boundary(ofContentType: "application/json; boundary=abc") == nil)
        #expect(MultipartSplitter.boundary(ofContentType: "multipart/form-data") == nil)
        #expect(throws: MultipartSplitter.Failure.self) {
            try MultipartSplitter(boundary: String(repeating: "b", count: 71))
        }
    }
}
