import Foundation
import LienthongCore
import Testing

struct TimestampTests {
    @Test(arguments: [
        ("2026-11-26T10:00:00.123Z", 1_795_687_200.123),
        ("2026-11-26T10:00:00Z", 1_795_687_200),
        ("2026-11-26T17:00:00+07:00", 1_795_687_200),
        ("2026-11-26", 1_795_651_200),
        ("1970-01-01T00:00:00Z", 0),
        ("2024-02-29T23:59:59.5Z", 1_709_251_199.5),
    ])
    func parsesRFC3339(text: String, seconds: Double) throws {
        let date = try #require(Timestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.0005)
    }

    @Test(arguments: ["2026-13-01", "2026-02-30T00:00:00Z", "2026-11-26T10:00:00", "yesterday", "2026-11-26T25:00:00Z", ""])
    func rejectsOtherText(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test(arguments: [
        (-1.5, "1969-12-31T23:59:58.500Z"), (0, "1970-01-01T00:00:00.000Z"),
        (-62_135_596_800, "0001-01-01T00:00:00.000Z"), (253_402_300_799.999, "9999-12-31T23:59:59.999Z"),
    ])
    func formatsEveryFieldZeroPadded(seconds: Double, expected: String) {
        #expect(Timestamp.rfc3339(Date(timeIntervalSince1970: seconds), milliseconds: true) == expected)
        #expect(Timestamp.rfc3339(Date(timeIntervalSince1970: seconds)) == String(expected.prefix(19)) + "Z")
    }

    @Test func formatRoundTrips() throws {
        let date = Date(timeIntervalSince1970: 1_795_687_200.456)
        let text = Timestamp.rfc3339(date, milliseconds: true)
        #expect(text == "2026-11-26T10:00:00.456Z")
        #expect(Timestamp.parse(text).map { Timestamp.rfc3339($0, milliseconds: true) } == text)
    }
}
