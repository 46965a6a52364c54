import Foundation
import LienthongBus
import LienthongCore
import LienthongNodeStore
import LienthongTesting
import Testing

/// The JetStream engine against a three-server cluster on loopback: acknowledged publishes stored once per id,
/// pulled into the node store in stream order.
@Suite(.serialized)
struct JetStreamMessageQueueTests {
    static let recipient = "VN/GOV/BTC/THUE"

    static func message(_ id: String, recipient: String = recipient) -> QueuedMessage {
        // Whole milliseconds, as the stream and the node store keep times.
        let time = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded() / 1000)
        return QueuedMessage(
            id: id, sender: "VN/GOV/HCM/MOTCUA", recipient: recipient, purpose: "tax-administration",
            subject: "Công văn \(id)", envelope: Array("{\"message\":{\"id\":\"\(id)\"}}".utf8),
            messageHash: "h-\(id)",
            attachments: [.init(name: "a.pdf", mediaType: "application/pdf", sha256: "s", length: 3)],
            acceptedAt: time, expiresAt: time.addingTimeInterval(3600))
    }

    /// The ids due in `queue`'s node store once at least `count` were received. A replicated consumer's pending count
    /// can trail a publish just acknowledged by the stream, so one pass may bring nothing yet: the node's intake
    /// simply receives again, and so does this, with a bound.
    static func pulled(_ queue: JetStreamMessageQueue, count: Int) async throws -> [String] {
        var due: [String] = []
        try await Poll.until {
            try await queue.receive(limit: 10)
            due = try await queue.due(at: Date().addingTimeInterval(1), limit: 10).map(\.message.id)
            return due.count >= count
        }
        return due
    }

    static func queue(
        _ cluster: NATSCluster, directory: URL, ackTimeout: Duration = .seconds(10), ackWait: Duration = .seconds(30)
    ) throws -> JetStreamMessageQueue {
        try JetStreamMessageQueue(
            local: try SQLiteMessageQueue(path: directory.appendingPathComponent("messages.sqlite")),
            settings: .init(servers: cluster.urls, replicas: 3, ackTimeout: ackTimeout, ackWait: ackWait),
            members: [ExchangeID(recipient)!], name: "test")
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-bus-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func aPublishedMessageIsStoredOnceAndPulledIntoTheNodeStore() async throws {
        try await NATSCluster.withCluster { cluster, directory in
            let queue = try Self.queue(cluster, directory: directory)
            defer { queue.close() }

            let first = Self.message("m1")
            #expect(try await queue.accept(first) == .stored)
            // The same id again within the duplicate window: JetStream stores nothing new.
            guard case .duplicate(let repeated) = try await queue.accept(Self.message("m1")) else {
                Issue.record("a repeated id was stored again")
                return
            }
            #expect(repeated.message.id == "m1")
            #expect(try await queue.accept(Self.message("m2")) == .stored)
            // Not in the node store before the pull; both after it, once each, in stream order, content intact.
            #expect(try await queue.record(id: "m1") == nil)
            #expect(try await Self.pulled(queue, count: 2) == ["m1", "m2"])
            let due = try await queue.due(at: Date().addingTimeInterval(1), limit: 10)
            #expect(due.first?.message == first)
            // Acknowledged on the stream: a second pull brings nothing again.
            #expect(try await queue.receive(limit: 10) == 0)
            #expect(try await queue.due(at: Date().addingTimeInterval(1), limit: 10).count == 2)
            #expect(try await queue.deliver(id: "m1", receipt: [1], at: Date()))
            #expect(try await queue.inbox(recipient: Self.recipient, limit: 10).map(\.message.id) == ["m1"])
            // Known to the node store now: a repeat is answered from it.
            guard case .duplicate(let delivered) = try await queue.accept(Self.message("m1")) else {
                Issue.record("a delivered id was published again")
                return
            }
            #expect(delivered.state == .delivered)
        }
    }

    @Test func aSecondNodeStoreGetsNothingTheFirstPulled() async throws {
        try await NATSCluster.withCluster { cluster, directory in
            let queue = try Self.queue(cluster, directory: directory)
            #expect(try await queue.accept(Self.message("m1")) == .stored)
            #expect(try await Self.pulled(queue, count: 1) == ["m1"])
            queue.close()
            // Another node (its own store) on the same durable consumer: the message was acknowledged, it is gone.
            let other = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: other) }
            let second = try Self.queue(cluster, directory: other)
            defer { second.close() }
            #expect(try await second.accept(Self.message("m2")) == .stored)
            #expect(try await Self.pulled(second, count: 1) == ["m2"])
        }
    }

    /// Nodes of one agency share the durable consumer: the node that created it stopping (a restart, a scale-in)
    /// must not delete it under the others, who would then pull nothing.
    @Test func closingTheNodeThatCreatedTheConsumerLeavesItToTheOthers() async throws {
        try await NATSCluster.withCluster { cluster, directory in
            let creator = try Self.queue(cluster, directory: directory)
            let other = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: other) }
            let staying = try Self.queue(cluster, directory: other)
            defer { staying.close() }
            creator.close()
            #expect(try await staying.accept(Self.message("m1")) == .stored)
            #expect(try await Self.pulled(staying, count: 1) == ["m1"])
        }
    }

    /// The delivery worker's claims answer from the node store alone (the node's intake is what talks to the
    /// streams): with every server gone, the documents already received are still delivered.
    @Test func theNodeStoresDueMessagesAreClaimedWithoutTheCluster() async throws {
        try await NATSCluster.withCluster { cluster, directory in
            let queue = try Self.queue(cluster, directory: directory, ackTimeout: .seconds(1))
            defer { queue.close() }
            #expect(try await queue.accept(Self.message("m1")) == .stored)
            #expect(try await Self.pulled(queue, count: 1) == ["m1"])
            cluster.stop()
            let claimed = try await queue.claim(at: Date().addingTimeInterval(1), limit: 10, lease: .seconds(30))
            #expect(claimed.map(\.message.id) == ["m1"])
            #expect(try await queue.deliver(id: "m1", receipt: [1], at: Date()))
            await #expect(throws: MessageQueueError.self) { try await queue.receive(limit: 10) }
        }
    }

    /// A message another node handed over (due for the worker a lease later) keeps its due time through the stream:
    /// the node store holds it but the worker gets it only then; the receiving request delivers it meanwhile.
    @Test func aMessageDueLaterStaysSoThroughTheStream() async throws {
        try await NATSCluster.withCluster { cluster, directory in
            let queue = try Self.queue(cluster, directory: directory)
            defer { queue.close() }
            var later = Self.message("later")
            later.dueAt = later.acceptedAt.addingTimeInterval(30)
            var handed = Self.message("handed")
            handed.dueAt = later.dueAt
            for message in [later, handed] { #expect(try await queue.accept(message) == .stored) }
            #expect(
                try await Poll.until {
                    try await queue.receive(limit: 10)
                    let later = try await queue.record(id: "later")
                    let handed = try await queue.record(id: "handed")
                    return later != nil && handed != nil
                })
            #expect(try await queue.record(id: "later")?.nextAttemptAt == later.dueAt)
            let before = later.dueAt.addingTimeInterval(-0.001)
            #expect(try await queue.due(at: before, limit: 10).isEmpty)
            #expect(try await queue.claim(at: before, limit: 10, lease: .seconds(30)).isEmpty)
            #expect(try await queue.deliver(id: "handed", receipt: [1], at: Date()))
            #expect(try await queue.inbox(recipient: Self.recipient, limit: 10).map(\.message.id) == ["handed"])
            let claimed = try await queue.claim(at: later.dueAt, limit: 10, lease: .seconds(30))
            #expect(claimed.map(\.message.id) == ["later"])
        }
    }

    /// A stream that had nothing to fetch is left alone for the quiet interval: while one member's stream is busy,
    /// the node's intake does not ask every other member's consumer at each pass.
    @Test func aStreamThatHadNothingIsNotAskedAgainWithinTheQuietInterval() async throws {
        try await NATSCluster.withCluster { cluster, directory in
            let other = "VN/GOV/HCM/MOTCUA"
            let queue = try JetStreamMessageQueue(
                local: try SQLiteMessageQueue(path: directory.appendingPathComponent("messages.sqlite")),
                settings: .init(servers: cluster.urls, replicas: 3, quietStreamInterval: .seconds(3600)),
                members: [ExchangeID(Self.recipient)!, ExchangeID(other)!], name: "test")
            defer { queue.close() }
            // Both streams empty: both quiet from now on.
            #expect(try await queue.receive(limit: 10) == 0)
            #expect(try await queue.accept(Self.message("m1")) == .stored)
            #expect(try await queue.accept(Self.message("m2", recipient: other)) == .stored)
            // Asked again, they would hand both over within a few passes (a replicated consumer's counts trail an
            // acknowledged publish only briefly); within the quiet interval they are not asked at all.
            for _ in 0..<20 { #expect(try await queue.receive(limit: 10) == 0) }
            #expect(try await queue.record(id: "m1") == nil)
            #expect(try await queue.record(id: "m2") == nil)
        }
    }

    /// A message published before the due time was carried on the stream is due when it was accepted.
    @Test func aPayloadWithoutItsDueTimeIsDueWhenAccepted() throws {
        var message = Self.message("m1")
        message.dueAt = message.acceptedAt.addingTimeInterval(30)
        #expect(QueuedMessage(busPayload: message.busPayload) == message)
        let old = """
            {"id":"old","sender":"VN/GOV/HCM/MOTCUA","recipient":"VN/GOV/BTC/THUE","purpose":"tax-administration",
            "subject":"s","envelope":"{}","messageHash":"h","acceptedAtMs":1800000000000,"expiresAtMs":1800003600000,
            "attachments":[]}
            """
        let decoded = try #require(QueuedMessage(busPayload: Array(old.utf8)))
        #expect(decoded.acceptedAt == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(decoded.dueAt == decoded.acceptedAt)
    }

    /// A delivery worker's batch reaches the node store as one batch (one commit, one sync), not one write per
    /// message: the protocol's default for an engine without its own.
    @Test func aBatchOfDeliveriesIsOneWriteOfTheNodeStore() async throws {
        try await NATSCluster.withCluster { cluster, directory in
            let local = RecordingMessageQueue(
                try SQLiteMessageQueue(path: directory.appendingPathComponent("messages.sqlite")))
            let queue = try JetStreamMessageQueue(
                local: local, settings: .init(servers: cluster.urls, replicas: 3),
                members: [ExchangeID(Self.recipient)!], name: "test")
            defer { queue.close() }
            for id in ["m1", "m2", "m3"] { #expect(try await queue.accept(Self.message(id)) == .stored) }
            #expect(try await Self.pulled(queue, count: 3) == ["m1", "m2", "m3"])
            let delivered = try await queue.deliver(
                ["m1", "m2", "m3"].map { MessageDelivery(id: $0, receipt: [1], receivedAt: Date()) })
            #expect(delivered == [true, true, true])
            #expect(local.deliveries.withLock { $0.batches } == [3])
            #expect(local.deliveries.withLock { $0.singles } == 0)
            #expect(try await queue.inbox(recipient: Self.recipient, limit: 10).map(\.message.id) == ["m1", "m2", "m3"])
        }
    }

    /// A fetch whose answer was lost (the server that carried it killed under load) leaves its message delivered and
    /// unacknowledged until the ack wait; the messages sent after it must not reach the node store, and so the
    /// inbox, before it (run 1605 of the idle loop: two senders' documents reordered in the kill test).
    @Test func messagesBehindOneDeliveredAndNotAcknowledgedWaitForItInStreamOrder() async throws {
        try await NATSCluster.withCluster { cluster, directory in
            let ackWait = Duration.seconds(2)
            let queue = try Self.queue(cluster, directory: directory, ackWait: ackWait)
            defer { queue.close() }
            _ = try await queue.accept(Self.message("m1"))
            // The lost answer: another puller of the same durable consumer takes m1 and never acknowledges it.
            let elsewhere = try JetStreamConnection(servers: cluster.urls, name: "lost-fetch")
            defer { elsewhere.close() }
            let subjects = BusSubjects(recipient: try #require(ExchangeID(Self.recipient)))
            let lost = try elsewhere.pullConsumer(
                stream: subjects.stream, subject: subjects.filter, durable: BusSubjects.durable, ackWait: ackWait)
            defer { lost.close() }
            var taken: [FetchedMessage] = []
            _ = try await Poll.until {
                taken = try lost.fetch(batch: 1, timeout: .seconds(1))
                return !taken.isEmpty
            }
            #expect(taken.map { QueuedMessage(busPayload: $0.payload)?.id } == ["m1"])
            for id in ["m2", "m3"] { _ = try await queue.accept(Self.message(id)) }

            // The node's intake, as it runs; whatever is due at any moment starts with m1.
            var due: [String] = []
            var seenWithoutM1: [[String]] = []
            _ = try await Poll.until(within: .seconds(30)) {
                try await queue.receive(limit: 10)
                due = try await queue.due(at: Date().addingTimeInterval(1), limit: 10).map(\.message.id)
                if !due.isEmpty, !due.contains("m1") { seenWithoutM1.append(due) }
                return due.count >= 3
            }
            #expect(seenWithoutM1.isEmpty, "due before m1 came again: \(seenWithoutM1.first ?? [])")
            #expect(due == ["m1", "m2", "m3"])
        }
    }

    @Test func aPublishNoServerAcknowledgesFailsWithinTheAckTimeout() async throws {
        try await NATSCluster.withCluster { cluster, directory in
            let queue = try Self.queue(cluster, directory: directory, ackTimeout: .seconds(1))
            defer { queue.close() }
            cluster.stop()
            let started = ContinuousClock.now
            // The send must end in an error (503 for the caller), not wait forever in libnats' reconnect buffer.
            await #expect(throws: MessageQueueError.self) { try await queue.accept(Self.message("m1")) }
            #expect(ContinuousClock.now - started < .seconds(30))
            #expect(try await queue.record(id: "m1") == nil)
        }
    }
}
