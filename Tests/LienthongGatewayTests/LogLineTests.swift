import Foundation
import LienthongJSON
import Testing

@testable import LienthongGateway

/// The operator log's lines, written field by field: valid JSON, fields in order, durations in milliseconds.
struct LogLineTests {
    @Test(arguments: [
        (0, "0"), (58, "0.058"), (1_500, "1.5"), (7_000, "7"), (12_345, "12.345"), (100_010, "100.01"),
    ])
    func millisecondsAreWrittenToTheMicrosecond(microseconds: Int, text: String) {
        var line = LogLine(time: Date(timeIntervalSince1970: 0), level: .info)
        line.field("ms", milliseconds: .microseconds(microseconds))
        let written = String(decoding: line.finished(), as: UTF8.self)
        #expect(written == #"{"time":"1970-01-01T00:00:00.000Z","level":"info","ms":\#(text)}"# + "\n")
    }

    @Test func stringsAreEscapedAndTheLineParsesBackInOrder() throws {
        var line = LogLine(time: Date(timeIntervalSince1970: 0), level: .error)
        line.field("cause", "a \"quoted\"\tcause\u{1}\\")
        line.field("status", 502)
        line.field("upstreamMs", milliseconds: nil)
        let bytes = line.finished()
        #expect(bytes.last == UInt8(ascii: "\n"))
        let parsed = try JSONValue.parse(Array(bytes.dropLast()))
        #expect(parsed["cause"]?.stringValue == "a \"quoted\"\tcause\u{1}\\")
        #expect(parsed["status"] == 502)
        #expect(parsed["upstreamMs"] == .null)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"time":"1970-01-01T00:00:00.000Z","level":"error","cause":"#))
    }
}
