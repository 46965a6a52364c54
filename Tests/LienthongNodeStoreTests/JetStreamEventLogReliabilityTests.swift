import Foundation
import LienthongBus
import LienthongNodeStore
import LienthongTesting
import Synchronization
import Testing

/// Issue #16's reliability of change events on JetStream: a subscriber that falls behind and comes back with its last
/// sequence gets every later event once per id, and killing one of the three servers while two nodes append loses
/// no acknowledged event and keeps their order.
@Suite(.serialized)
struct JetStreamEventLogReliabilityTests {
    static func event(_ change: Int, sequence: Int64, node: String) -> StoredEvent {
        StoredEvent(
            id: "\(node)-\(change)-\(UUID())", sequence: sequence, type: "person.deceased", key: "person-\(change)",
            // Whole milliseconds, as the stream keeps them.
            detectedAt: Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded() / 1000),
            envelope: Array("{\"change\":\(change)}".utf8))
    }

    /// Appends changes `range` in batches of `batch` from `log`'s state each time, the cursor being the last change.
    static func publish(_ log: any EventLog, _ range: ClosedRange<Int>, batch: Int = 4) async throws {
        var change = range.lowerBound
        while change <= range.upperBound {
            let state = try await log.state(registry: "population")
            let through = min(change + batch - 1, range.upperBound)
            let events = (change...through).enumerated().map { offset, change in
                event(change, sequence: (state?.lastSequence ?? 0) + Int64(offset) + 1, node: "a")
            }
            try await log.append(
                registry: "population", from: state, events: events, cursor: String(through), baselines: [:])
            change = through + 1
        }
    }

    /// What a subscriber reads from `log` past `after` until it has seen `count` events or `within` passed, in pages.
    static func follow(
        _ log: any EventLog, after: Int64, until count: Int, within: Duration = .seconds(60)
    ) async throws -> [StoredEvent] {
        var seen: [StoredEvent] = []
        _ = try await Poll.until(within: within, every: .milliseconds(5)) {
            seen += try await log.events(registry: "population", after: seen.last?.sequence ?? after, limit: 7)
            return seen.count >= count
        }
        return seen
    }

    @Test func aSubscriberThatFellBehindAndReconnectsGetsEveryLaterEventOncePerID() async throws {
        try await NATSCluster.withCluster { cluster, directory in
            let writer = try JetStreamEventLogTests.log(cluster, directory, node: "writer")
            try await writer.append(registry: "population", from: nil, events: [], cursor: "0", baselines: [:])
            try await Self.publish(writer, 1...40)
            // The subscriber reads through another node, up to sequence 25, then goes away.
            var reader = try JetStreamEventLogTests.log(cluster, directory, node: "reader")
            let before = try await Self.follow(reader, after: 0, until: 25).prefix(25)
            reader.close()
            // Meanwhile the registry goes on; it comes back, through a new connection, with its last sequence, while
            // the writer appends more.
            try await Self.publish(writer, 41...120)
            reader = try JetStreamEventLogTests.log(cluster, directory, node: "reader")
            let last = try #require(before.last?.sequence)
            let more = Task { try await Self.publish(writer, 121...180) }
            let after = try await Self.follow(reader, after: last, until: 180 - 25)
            try await more.value

            let all = try await writer.events(registry: "population", after: 0, limit: 1000)
            #expect(all.count == 180)
            let seen = Array(before) + after
            #expect(seen.map(\.sequence) == (1...180).map { Int64($0) }, "an event missed or read twice")
            #expect(seen.map(\.id) == all.map(\.id))
            #expect(Set(seen.map(\.id)).count == 180)
            #expect(seen.map(\.key) == (1...180).map { "person-\($0)" })
            // Replayable from any retained sequence: the same events again, the same ids.
            #expect(try await Self.follow(reader, after: 10, until: 170).map(\.id) == all.dropFirst(10).map(\.id))
        }
    }

    /// The name of the server leading `stream`, from a monitoring endpoint of the cluster.
    static func leader(_ cluster: NATSCluster, stream: String) -> String? {
        (cluster.stream(stream)?["cluster"] as? [String: Any])?["leader"] as? String
    }

    /// Appends acknowledged so far, in order, by all the nodes.
    final class Acknowledged: Sendable {
        let events = Mutex<[StoredEvent]>([])
        var count: Int { events.withLock { $0.count } }
    }

    /// One node's change publisher: from its state, the next one to three changes (of `changes`), appended; an append
    /// refused or failed (a server gone, a leader being elected) is simply read again, as the publisher's next poll.
    /// Reading the source takes a while (up to 2 ms here, on every attempt, won or refused), in which another node may
    /// append: a node that appended again at once after each win would read the next state first every time, and
    /// the other might never win one. With a `barrier`, the node waits there after its first read of the state, so
    /// that every node's first append starts from that same state.
    /// - Returns: how many of its appends another node's append had overtaken.
    @discardableResult
    static func detect(
        _ log: any EventLog, changes: Int, node: String, acknowledged: Acknowledged = Acknowledged(),
        barrier: Barrier? = nil, deadline: ContinuousClock.Instant = .now + .seconds(120)
    ) async throws -> Int {
        var refused = 0
        var waiting = barrier  // until the first read of the state
        while ContinuousClock.now < deadline {
            let read = try? await log.state(registry: "population")
            if let barrier = waiting {
                waiting = nil
                try await barrier.arriveAndWait()
            }
            guard let state = read else {
                try await Task.sleep(for: .milliseconds(20))
                continue
            }
            let after = Int(state.cursor) ?? 0
            if after >= changes { return refused }
            let batch = (after + 1)...min(after + Int.random(in: 1...3), changes)
            // Also a suspension point: the log's calls block their thread of the cooperative pool.
            try await Task.sleep(for: .microseconds(Int.random(in: 0...2000)))
            let events = batch.enumerated().map { offset, change in
                event(change, sequence: state.lastSequence + Int64(offset) + 1, node: node)
            }
            do {
                try await log.append(
                    registry: "population", from: state, events: events, cursor: String(batch.upperBound),
                    baselines: [:])
                acknowledged.events.withLock { $0 += events }
            } catch {
                if error.code == .sequenceConflict {
                    refused += 1
                } else {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        }
        return refused
    }

    @Test func killingOneOfThreeServersWhileTwoNodesAppendLosesNoAcknowledgedEventAndKeepsOrder() async throws {
        try await NATSCluster.withCluster { cluster, directory in
            let nodes = try ["a", "b"].map { try JetStreamEventLogTests.log(cluster, directory, node: $0) }
            try await nodes[0].append(registry: "population", from: nil, events: [], cursor: "0", baselines: [:])
            let acknowledged = Acknowledged()
            let changes = 300
            let deadline = ContinuousClock.now + .seconds(180)
            var victim: String?
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, node) in nodes.enumerated() {
                    group.addTask {
                        try await Self.detect(
                            node, changes: changes, node: "node-\(index)", acknowledged: acknowledged,
                            deadline: deadline)
                    }
                }
                // Under way: kill -9 of the server leading the registry's stream, the worst one to lose.
                _ = try await Poll.until(within: .seconds(60), every: .milliseconds(5)) { acknowledged.count >= 80 }
                victim = Self.leader(cluster, stream: EventSubjects(registry: "population").stream)
                let index = cluster.servers.firstIndex { $0.name == victim } ?? 0
                cluster.kill(index)
                try await group.waitForAll()
            }
            #expect(victim != nil, "no leader found for the stream")

            // Read once the stream answers again (its new leader may still be settling).
            var stored: [StoredEvent] = []
            _ = try await Poll.until(within: .seconds(30), every: .milliseconds(100)) {
                let read = try? await nodes[1].events(registry: "population", after: 0, limit: 1000)
                stored = read ?? []
                return read != nil
            }
            let acked = acknowledged.events.withLock { $0 }
            // Every change, in order, without a gap in the sequence. A change may come twice, under a new id, when
            // the kill cut an append short and it was abandoned (ChangeEvents.md: at least once); seen under load
            // about one run in five. Which node published what is left open: a node can wait out the whole run in
            // one call while the other publishes everything, which costs no event and breaks no order.
            #expect(stored.map(\.sequence) == (1...Int64(stored.count)).map { $0 }, "a gap in the sequence")
            var firsts: [String] = []
            for key in stored.map(\.key) where !firsts.contains(key) { firsts.append(key) }
            #expect(firsts == (1...changes).map { "person-\($0)" }, "a change never published, or out of order")
            #expect(Set(stored.map(\.id)).count == stored.count, "an event id stored twice")
            // No acknowledged event lost, each at the sequence it was acknowledged with, in that order.
            let byID = Dictionary(uniqueKeysWithValues: stored.map { ($0.id, $0) })
            #expect(acked.allSatisfy { byID[$0.id] == $0 }, "an acknowledged event is missing or changed")
            let ackedIDs = Set(acked.map(\.id))
            let ackedInOrder = acked.sorted { $0.sequence < $1.sequence }.map(\.id)
            #expect(ackedInOrder == stored.map(\.id).filter(ackedIDs.contains))
        }
    }
}
