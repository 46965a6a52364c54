public import Foundation
import LienthongCore

/// A calendar month in UTC, e.g. `2026-11`: the period of a monthly report.
public struct AuditMonth: Sendable, Hashable, CustomStringConvertible {
    /// The year, e.g. 2026.
    public let year: Int
    /// The month, 1 to 12.
    public let month: Int

    /// A month; `nil` unless `month` is 1 to 12 and `year` has four digits.
    public init?(year: Int, month: Int) {
        guard (1...12).contains(month), (1...9999).contains(year) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM`; `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1])
        else { return nil }
        self.init(year: year, month: month)
    }

    /// `YYYY-MM`.
    public var description: String {
        String(format: "%04d-%02d", year, month)
    }

    /// Midnight UTC on the first day.
    public var start: Date {
        Date(timeIntervalSince1970: Double(Timestamp.daysFromCivil(year: year, month: month, day: 1)) * 86_400)
    }

    /// Midnight UTC on the first day of the next month (exclusive end).
    public var end: Date {
        let next = month == 12 ? (year + 1, 1) : (year, month + 1)
        return Date(
            timeIntervalSince1970: Double(Timestamp.daysFromCivil(year: next.0, month: next.1, day: 1)) * 86_400)
    }

    /// Whether an audit timestamp (`YYYY-MM-DDT…Z`) falls in this month.
    public func contains(timestamp: String) -> Bool {
        timestamp.hasPrefix(description + "-")
    }
}
