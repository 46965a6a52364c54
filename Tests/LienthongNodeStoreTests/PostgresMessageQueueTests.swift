import Foundation
import LienthongStorage
import LienthongTesting
import Testing

@testable import LienthongNodeStore

/// The message queue and attachment bytes shared by the nodes of one agency, in one real PostgreSQL: the
/// ``MessageQueueContract`` of every engine, and what sharing adds (one stored message per id whichever node
/// accepts it, each due message claimed by one node's worker, taken over after the lease).
@Suite(.serialized, .postgresCluster)
struct PostgresMessageQueueTests {
    /// A new database for one test (the contract's ids repeat across tests).
    func database() throws -> String {
        let cluster = try #require(PostgresCluster.current, "the suite's cluster did not start")
        let name = "messages_\(UUID().uuidString.prefix(8).lowercased())"
        try PostgresConnection(cluster.url).execute("CREATE DATABASE \(name)")
        return cluster.url.replacingOccurrences(of: "/lienthong", with: "/\(name)")
    }

    func contract() throws -> MessageQueueContract {
        let url = try database()
        return MessageQueueContract { try PostgresMessageQueue(conninfo: url, nodeID: "node-a") }
    }

    @Test func aMessageIsStoredOnceAndDeliveredOnce() async throws { try await contract().aMessageIsStoredOnceAndDeliveredOnce() }

    @Test func failedAttemptsBackOffThenDeadLettersAreRequeued() async throws {
        try await contract().failedAttemptsBackOffThenDeadLettersAreRequeued()
    }

    @Test func aClaimTakesTheDueMessagesOldestFirst() async throws { try await contract().aClaimTakesTheDueMessagesOldestFirst() }

    @Test func aMessageDueLaterIsNotClaimedBeforeItsTime() async throws {
        try await contract().aMessageDueLaterIsNotClaimedBeforeItsTime()
    }

    @Test func readReceiptsDueToGoBackAreListedUntilReturned() async throws {
        try await contract().readReceiptsDueToGoBackAreListedUntilReturned()
    }

    @Test func aBatchIsDeliveredInItsOrderOnce() async throws { try await contract().aBatchIsDeliveredInItsOrderOnce() }
    @Test func aBatchIsAcceptedInItsOrderOnce() async throws { try await contract().aBatchIsAcceptedInItsOrderOnce() }

    @Test func attachmentChunksRoundTrip() async throws {
        let url = try database()
        _ = try PostgresMessageQueue(conninfo: url, nodeID: "node-a")
        try await MessageQueueContract.attachmentsRoundTrip(try PostgresAttachmentStore(conninfo: url))
        let left = try PostgresConnection(url).query(
            "SELECT count(*) FROM lienthong.attachment_chunks WHERE key LIKE 'upload:%'")
        #expect(left.rows == [["0"]], "every upload was renamed or removed")
    }

    @Test func oneIDAcceptedAtOnceByTwoNodesIsStoredOnce() async throws {
        let url = try database()
        let nodes = [
            try PostgresMessageQueue(conninfo: url, nodeID: "node-a"),
            try PostgresMessageQueue(conninfo: url, nodeID: "node-b"),
        ]
        let contract = MessageQueueContract { nodes[0] }
        for round in 0..<5 {
            let message = contract.message("race-\(round)")
            let outcomes = try await withThrowingTaskGroup(of: MessageAcceptance.self) { group in
                for index in 0..<8 { group.addTask { try await nodes[index % 2].accept(message) } }
                return try await group.reduce(into: [MessageAcceptance]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .stored }.count == 1, "round \(round): \(outcomes)")
            let firsts = outcomes.compactMap { outcome -> MessageRecord? in
                if case .duplicate(let first) = outcome { return first }
                return nil
            }
            #expect(firsts.count == 7 && firsts.allSatisfy { $0.message == message && $0.state == .queued })
        }
        let count = try PostgresConnection(url).query("SELECT count(*) FROM lienthong.message_attachments")
        #expect(count.rows == [["10"]])
    }

    @Test func workersOfThreeNodesClaimEachDueMessageOnce() async throws {
        let url = try database()
        let nodes = try ["node-a", "node-b", "node-c"].map { try PostgresMessageQueue(conninfo: url, nodeID: $0) }
        let contract = MessageQueueContract { nodes[0] }
        for index in 0..<90 {
            _ = try await nodes[index % 3].accept(contract.message("m\(index)", accepted: Double(index)))
        }
        let later = contract.now + 100
        let claims = try await withThrowingTaskGroup(of: [String].self) { group in
            for node in nodes {
                group.addTask {
                    var taken: [String] = []
                    // Bounded: 13 batches of 7 take all 90; a claim that hands out claimed rows again never ends.
                    for _ in 0..<20 {
                        let batch = try await node.claim(at: later, limit: 7, lease: .seconds(60))
                        if batch.isEmpty { break }
                        taken += batch.map(\.message.id)
                    }
                    return taken
                }
            }
            return try await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        let all = claims.flatMap { $0 }
        #expect(all.count == 90 && Set(all).count == 90, "every message claimed by exactly one node")
        // Within its lease no worker gets a claimed message again, whichever node asks.
        #expect(try await nodes[1].claim(at: contract.now + 159, limit: 100, lease: .seconds(60)).isEmpty)
    }

    /// A delivery worker's batch is one transaction (one durable commit), not one per message: a trigger notes the
    /// transaction of each row moved into the inbox.
    @Test func aBatchOfDeliveriesIsOneTransaction() async throws {
        let url = try database()
        let queue = try PostgresMessageQueue(conninfo: url, nodeID: "node-a")
        let contract = MessageQueueContract { queue }
        for id in ["b1", "b2", "b3"] { #expect(try await queue.accept(contract.message(id)) == .stored) }
        try PostgresConnection(url).execute(
            """
            CREATE TABLE delivered_in (id text, tx bigint);
            CREATE FUNCTION note_transaction() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN INSERT INTO delivered_in VALUES (NEW.id, txid_current()); RETURN NEW; END $$;
            CREATE TRIGGER note_transaction AFTER UPDATE ON lienthong.messages
                FOR EACH ROW WHEN (NEW.state = 'delivered') EXECUTE FUNCTION note_transaction();
            """)
        let batch = ["b2", "b1", "b3"].map { MessageDelivery(id: $0, receipt: [1], receivedAt: contract.now) }
        #expect(try await queue.deliver(batch) == [true, true, true])
        let noted = try PostgresConnection(url).query("SELECT count(*), count(DISTINCT tx) FROM delivered_in").rows
        #expect(noted == [["3", "1"]])
        #expect(try await queue.inbox(recipient: "VN/GOV/BTC/THUE", limit: 10).map(\.message.id) == ["b2", "b1", "b3"])
        await queue.close()
    }

    /// A database that commits asynchronously by default: the node's stores must not, or an accepted document
    /// could be lost with a crash of the server.
    @Test func theStoresSessionsCommitDurablyWhateverTheServersDefault() async throws {
        let url = try database()
        try PostgresConnection(url).execute(
            "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit = off', current_database()); END $$")
        #expect(try PostgresConnection(url).query("SHOW synchronous_commit").rows == [["off"]])
        let pool = PostgresConnectionPool.nodeState(conninfo: url, connections: 1, applicationName: "node-state")
        let result = try await pool.query(
            "SELECT current_setting('synchronous_commit'), current_setting('application_name')")
        #expect(result.rows == [["on", "node-state"]])
        await pool.close()
    }

    @Test func aClaimNotEndedIsTakenOverAfterItsLease() async throws {
        let url = try database()
        let (a, b) = (try PostgresMessageQueue(conninfo: url, nodeID: "node-a"),
            try PostgresMessageQueue(conninfo: url, nodeID: "node-b"))
        let contract = MessageQueueContract { a }
        _ = try await a.accept(contract.message("m1"))
        _ = try await a.accept(contract.message("m2"))
        #expect(try await a.claim(at: contract.now, limit: 1, lease: .seconds(5)).map(\.message.id) == ["m1"])
        // Node a "dies" holding m1: b gets m2 now, and m1 once a's lease has passed.
        #expect(try await b.claim(at: contract.now + 1, limit: 10, lease: .seconds(5)).map(\.message.id) == ["m2"])
        #expect(try await b.claim(at: contract.now + 4.9, limit: 10, lease: .seconds(5)).isEmpty)
        #expect(try await b.claim(at: contract.now + 5, limit: 10, lease: .seconds(5)).map(\.message.id) == ["m1"])
        let claimedBy = try PostgresConnection(url).query(
            "SELECT id, claimed_by FROM lienthong.messages ORDER BY id")
        #expect(claimedBy.rows == [["m1", "node-b"], ["m2", "node-b"]])
        // Either delivery may finish first; the message enters the inbox once.
        #expect(try await b.deliver(id: "m1", receipt: [1], at: contract.now + 6))
        #expect(try await !a.deliver(id: "m1", receipt: [2], at: contract.now + 7))
        #expect(try await a.record(id: "m1")?.deliveryReceipt == [1])
    }
}
