import Foundation
import LienthongHTTP
import LienthongStorage
import LienthongTesting
import Synchronization
import Testing

/// Issue 15 point 1 with `storage: postgres`: a document send or an events read whose statement waits on the server
/// (here, on a lock another session holds) suspends on the node's one event loop instead of blocking it, so the loop
/// goes on serving lookups meanwhile.
extension ScaleOutTests {
    /// One node with one event loop on the database `url`.
    private func oneLoopNode(_ url: String) throws -> GatewayProcess {
        try #require(try GatewayProcess.cluster(1, postgresURL: url) { $0["eventLoops"] = 1 }.first)
    }

    /// How many statements of `application` with `text` in them wait for a lock.
    private func waitingOnALock(_ observer: PostgresConnection, _ application: String, _ text: String) throws -> Int {
        let result = try observer.query(
            """
            SELECT count(*) FROM pg_stat_activity
            WHERE application_name = $1 AND wait_event_type = 'Lock' AND strpos(query, $2) > 0
            """, [application, text])
        return Int(result.rows.first?.first.flatMap { $0 } ?? "") ?? 0
    }

    /// Holds `tables` locked while `waiting` runs, until its statement (of `application`, with `text` in it) waits
    /// on them; meanwhile three lookups of `node` must answer within 10 seconds. Then releases the lock and answers
    /// `waiting`'s outcome.
    private func lookupsAnswerWhile<T: Sendable>(
        _ node: GatewayProcess, url: String, locking tables: String, application: String, text: String,
        _ waiting: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let holder = try PostgresConnection(url)
        let observer = try PostgresConnection(url)
        try holder.execute("BEGIN; LOCK TABLE \(tables) IN ACCESS EXCLUSIVE MODE")
        let blocked = Task { try await waiting() }
        #expect(try await Poll.until(within: .seconds(20)) { try waitingOnALock(observer, application, text) > 0 })
        let answered = Atomic<Int>(0)
        let person = try person()
        let lookups = Task {
            for _ in 0..<3 where try await lookup(node, person).status == 200 {
                answered.add(1, ordering: .relaxed)
            }
        }
        // Bounded: on a loop blocked by the waiting statement no lookup answers until the lock goes.
        let served = try await Poll.until(within: .seconds(10)) { answered.load(ordering: .relaxed) == 3 }
        try holder.execute("COMMIT")
        #expect(served, "lookups answered while a statement waited: \(answered.load(ordering: .relaxed)) of 3")
        try await lookups.value
        return try await blocked.value
    }

    @Test func aDocumentSendWaitingOnTheServerLeavesTheLoopServingLookups() async throws {
        let url = try database()
        let node = try oneLoopNode(url)
        let sender = try DocumentSender(node)
        #expect(try await lookup(node, try person()).status == 200)
        let attachment = DocumentSender.Attachment(name: "doc.txt", mediaType: "text/plain", bytes: Array("x".utf8))
        let message = DocumentSender.message(attachments: [attachment])
        let sent = try await lookupsAnswerWhile(
            node, url: url, locking: "lienthong.messages", application: "lienthong-messages",
            text: "FROM lienthong.messages WHERE id = $1"
        ) { try await sender.send(message, parts: [attachment]).status }
        #expect(sent == 202)
    }

    @Test func anEventsReadWaitingOnTheServerLeavesTheLoopServingLookups() async throws {
        let url = try database()
        let node = try oneLoopNode(url)
        let subscriber = EventSubscriber(gateway: node)
        let id = try await subscriber.subscribeToPersons()
        #expect(try await lookup(node, try person()).status == 200)
        let read = try await lookupsAnswerWhile(
            node, url: url, locking: "lienthong.events", application: "lienthong-events",
            text: "SELECT id, sequence, type, record_key"
        ) { try await subscriber.read(id, wait: 0).status }
        #expect(read == 200)
    }
}
