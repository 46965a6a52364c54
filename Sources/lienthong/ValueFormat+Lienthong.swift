import LienthongAudit
import LienthongCommandLine
import LienthongCore
import LienthongGateway

/// The value formats of the gateway's options, checked with the code that reads the values later.
extension ValueFormat {
    /// `HOST:PORT` or `[IPv6]:PORT`, as `serve` listens.
    static let hostPort = ValueFormat(expected: "host:port") { GatewayConfiguration.isListenAddress($0) }

    /// An RFC 3339 date-time, or a bare date taken as midnight UTC.
    static let timestamp = ValueFormat(expected: "an RFC 3339 time such as 2026-11-26T10:00:00Z") {
        Timestamp.parse($0) != nil
    }

    /// `YYYY-MM`.
    static let month = ValueFormat(expected: "a month YYYY-MM") { AuditMonth($0) != nil }
}
