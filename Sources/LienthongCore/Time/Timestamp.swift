public import Foundation

/// RFC 3339 timestamps in UTC, as every Lienthong message and audit record writes them.
public enum Timestamp {
    /// `2026-11-26T10:00:00Z`, or with milliseconds `2026-11-26T10:00:00.123Z`.
    public static func rfc3339(_ date: Date, milliseconds: Bool = false) -> String {
        let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(totalMilliseconds.quotientAndRemainder(dividingBy: 1000).quotient)
        var millisecond = Int(totalMilliseconds % 1000)
        if millisecond < 0 {
            seconds -= 1
            millisecond += 1000
        }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let base = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec)
        )
        return milliseconds ? base + String(format: ".%03dZ", millisecond) : base + "Z"
    }

    /// `YYYY-MM-DD` in UTC.
    public static func date(_ date: Date) -> String { String(rfc3339(date).prefix(10)) }
}
