import COpenSSL
import Foundation

/// Conversions between `ASN1_TIME` and `Date`.
enum ASN1Time {
    /// The instant an `ASN1_TIME` names (UTC), or the distant past if OpenSSL cannot read it.
    static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date {
        var parts = tm()
        guard let time, ASN1_TIME_to_tm(time, &parts) == 1 else { return .distantPast }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    /// Seconds since 1970 for OpenSSL's `time_t` arguments (sub-second parts are dropped).
    static func seconds(_ date: Date) -> time_t { time_t(date.timeIntervalSince1970.rounded(.down)) }
}
