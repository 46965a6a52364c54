import Foundation
import LienthongCommandLine
import LienthongCore
import LienthongNodeStore

/// `lienthong messages dead-letters|requeue ID [--data-dir DIR] [--config DIR]`: the operator's view of documents
/// whose delivery stopped after their time to live, and putting one back in the queue. Works beside running nodes:
/// with `--config`, on the queue of the configuration's storage (PostgreSQL, shared by the agency's nodes, or the
/// data directory's); without, on the data directory's own SQLite file, `messages.sqlite`.
struct MessagesCommand: LienthongCommand {
    static let dataDirectory = Option.value(
        "data-dir", "DIR", help: "the node's data directory (default: $LIENTHONG_DATA_DIR, else .lienthong)")

    static let configDirectory = Option.value(
        "config", "DIR", help: "the node's configuration: its storage holds the queue (default: the data directory's)")

    static let command = Command(
        "messages", summary: "documents between agencies: dead letters and requeueing (operator)",
        subcommands: [
            Command(
                "dead-letters", summary: "list the documents whose delivery stopped (id, sender, recipient, error)",
                options: [dataDirectory, configDirectory]),
            Command(
                "requeue", summary: "deliver a dead letter again, with a new time to live",
                arguments: [Positional("ID", help: "the message id")],
                options: [
                    dataDirectory, configDirectory,
                    .value(
                        "ttl", "SECONDS", help: "its new time to live (default: 86400)",
                        format: ValueFormat(expected: "a number of seconds above zero") { (Double($0) ?? 0) > 0 }),
                ]),
        ])

    let arguments: Arguments

    init(_ arguments: Arguments) { self.arguments = arguments }

    func run() async throws -> Int32 {
        let queue = try openQueue()
        switch arguments.subcommand {
        case "dead-letters":
            for record in try await queue.deadLetters() {
                let message = record.message
                print(
                    "\(message.id)  \(message.sender) -> \(message.recipient)  attempts \(record.attempts)  "
                        + "accepted \(Timestamp.rfc3339(message.acceptedAt))  \(record.lastError ?? "-")")
            }
            return 0
        case "requeue":
            let id = arguments.positional[0]
            let ttl = Double(arguments.option("ttl") ?? "86400") ?? 86_400
            let now = Date()
            guard try await queue.requeue(id: id, at: now, expiresAt: now.addingTimeInterval(ttl)) else {
                FileHandle.standardError.write(Data("lienthong: \(id) is not a dead letter\n".utf8))
                return 1
            }
            print("requeued \(id)")
            return 0
        default:
            throw UsageError("messages: unknown action '\(arguments.subcommand ?? "")'")
        }
    }

    /// The queue `--config`'s storage holds, else the data directory's file (which must exist: a typo in the folder
    /// must not create an empty queue).
    private func openQueue() throws -> any MessageQueue {
        if arguments.option("config") != nil {
            return try AuditCommand.configuration(arguments).nodeStateStore().openMessageQueue()
        }
        let environment = ProcessInfo.processInfo.environment["LIENTHONG_DATA_DIR"]
        let data = arguments.option("data-dir") ?? environment.flatMap { $0.isEmpty ? nil : $0 } ?? ".lienthong"
        let path = URL(fileURLWithPath: data).appendingPathComponent("messages.sqlite")
        guard FileManager.default.fileExists(atPath: path.path) else {
            throw UsageError("messages: no message queue at \(path.path)")
        }
        return try SQLiteMessageQueue(path: path)
    }
}
