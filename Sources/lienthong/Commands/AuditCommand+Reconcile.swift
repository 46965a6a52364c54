import Foundation
import LienthongAudit
import LienthongCommandLine
import LienthongCore

extension AuditCommand {
    /// `lienthong audit reconcile`: the cross-node exchanges of a time range that one node logged and the other did
    /// not.
    static let reconcileCommand = Command(
        "reconcile", summary: "list the exchanges with another node that only one of the two audit logs holds",
        discussion: """
            Reads this node's audit database and the peer node's (a copy, e.g. from `audit export`'s source file)
            for the same time range and matches the exchanges between the members of --member and those of
            --peer-member on request id, request hash and message hash (and, for documents between the nodes, the
            receipt's hash: a delivery and a read receipt). Prints one line per record without its twin
            (`missing at peer:` or `missing here:`), then the counts. Exit status: 0 when both logs agree, 1 when a
            record has no twin, 2 usage error.
            """,
        arguments: [Positional("DB", help: "this node's audit database")],
        options: [
            .value("peer-log", "DB", help: "the peer node's audit database", required: true),
            .repeated("member", "ID", help: "a member this node serves (VN/GOV/HCM)", required: true),
            .repeated("peer-member", "ID", help: "a member the peer node serves (VN/GOV/BCA)", required: true),
            .value("from", "RFC3339", help: "records made at or after this time (default: from the first)",
                format: .timestamp),
            .value("to", "RFC3339", help: "records made before this time (default: to the last)", format: .timestamp),
        ])

    /// Runs `audit reconcile`.
    func reconcile(_ arguments: Arguments) throws -> Int32 {
        guard let peerLog = arguments.option("peer-log") else {
            throw UsageError("audit reconcile needs --peer-log DB")
        }
        let from = try arguments.option("from").map { try Self.date($0, "--from") } ?? .distantPast
        let to = try arguments.option("to").map { try Self.date($0, "--to") } ?? .distantFuture
        let result = AuditReconciliation(
            local: try AuditLog.records(path: arguments.positional[0], from: from, to: to),
            peer: try AuditLog.records(path: peerLog, from: from, to: to),
            members: Set(arguments.values("member")), peerMembers: Set(arguments.values("peer-member")))
        func line(_ label: String, _ record: AuditRecord) -> String {
            "\(label): \(record.requestID) at \(record.recordedAt) \(record.service ?? "-") \(record.outcome.rawValue) "
                + "\(record.status)"
        }
        for record in result.missingAtPeer { print(line("missing at peer", record)) }
        for record in result.missingHere { print(line("missing here", record)) }
        print(
            "matched: \(result.matched), missing at peer: \(result.missingAtPeer.count), "
                + "missing here: \(result.missingHere.count)")
        return result.isReconciled ? 0 : 1
    }
}
