import Foundation
import LienthongFederation

/// An operator log line about the global configuration: one taken (with what changed), one refused or a fetch
/// that failed (with the stable code), the last good one loaded from disk at start.
struct FederationLogEntry: LogEntry {
    /// What happened.
    enum Event: String, Sendable {
        case accepted = "federation-configuration-accepted"
        case loaded = "federation-configuration-loaded"
        case refused = "federation-configuration-refused"
        case fetchFailed = "federation-configuration-fetch-failed"
    }

    /// The most ids of one kind a line names; a national configuration can change thousands of services at once.
    static let maxIDs = 20

    var time: Date
    var event: Event
    /// The version concerned (taken or held), if any.
    var version: Int?
    /// The stable code of a refusal or failed fetch.
    var error: FederationError?
    /// What changed, for a taken version.
    var diff: GlobalConfigurationDiff?

    var level: LogLevel { error == nil ? .info : .warn }

    func fields(into line: inout LogLine) {
        line.field("event", event.rawValue)
        if let version { line.field("version", version) }
        if let from = diff?.fromVersion { line.field("previousVersion", from) }
        if let error {
            line.field("code", error.code.wireCode)
            line.field("detail", error.detail)
        }
        if let diff {
            line.field("changes", Self.describe(diff))
        }
    }

    /// `members added: A, B; services removed: C (+12 more)`, or `none`.
    static func describe(_ diff: GlobalConfigurationDiff) -> String {
        let parts = diff.logFields.map { field in
            let shown = field.ids.prefix(maxIDs).joined(separator: ", ")
            let more = field.ids.count > maxIDs ? " (+\(field.ids.count - maxIDs) more)" : ""
            return "\(field.name): \(shown)\(more)"
        }
        return parts.isEmpty ? "none" : parts.joined(separator: "; ")
    }
}
