import Foundation
import LienthongAudit
import LienthongCore
import Testing

struct AuditMonthTests {
    @Test func monthsParseAndBound() throws {
        let month = try #require(AuditMonth("2026-12"))
        #expect(Timestamp.rfc3339(month.start, milliseconds: true) == "2026-12-01T00:00:00.000Z")
        #expect(Timestamp.rfc3339(month.end, milliseconds: true) == "2027-01-01T00:00:00.000Z")
        #expect(month.contains(timestamp: "2026-12-31T23:59:59.999Z"))
        #expect(!month.contains(timestamp: "2027-01-01T00:00:00.000Z"))
        #expect(AuditMonth("2026-13") == nil)
        #expect(AuditMonth("2026-1") == nil)
        #expect(AuditMonth("26-11") == nil)
    }
}
