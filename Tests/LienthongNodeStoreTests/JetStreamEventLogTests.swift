import Foundation
import LienthongBus
import LienthongNodeStore
import LienthongTesting
import Testing

/// Change events on a three-server JetStream cluster on loopback: the ``EventLogContract`` of every engine, and what
/// a shared stream adds: two nodes, each with its own node store, appending from the same state are one stored and
/// one refused, so the sequence stays gapless and each change is published once.
@Suite(.serialized)
struct JetStreamEventLogTests {
    /// A log on `cluster` over its own node store in `directory` (a node); each call a new connection.
    static func log(
        _ cluster: NATSCluster, _ directory: URL, node: String = "a", ackTimeout: Duration = .seconds(10)
    ) throws -> JetStreamEventLog {
        try JetStreamEventLog(
            local: try SQLiteEventLog(path: directory.appendingPathComponent("events-\(node).sqlite")),
            settings: .init(servers: cluster.urls, replicas: 3, ackTimeout: ackTimeout), name: "test-\(node)")
    }

    static func contract(_ cluster: NATSCluster, _ directory: URL) -> EventLogContract {
        EventLogContract { try log(cluster, directory) }
    }

    @Test func eventsContinueTheSequenceWithTheirCursorAndSurviveReopening() async throws {
        try await NATSCluster.withCluster {
            try await Self.contract($0, $1).eventsContinueTheSequenceWithTheirCursorAndSurviveReopening()
        }
    }

    @Test func anAppendFromAStateThatMovedOnIsRefusedAndNothingMoves() async throws {
        try await NATSCluster.withCluster {
            try await Self.contract($0, $1).anAppendFromAStateThatMovedOnIsRefusedAndNothingMoves()
        }
    }

    @Test func retentionKeepsTheNewestByCountAndDropsTheOldByAge() async throws {
        try await NATSCluster.withCluster {
            try await Self.contract($0, $1).retentionKeepsTheNewestByCountAndDropsTheOldByAge()
        }
    }

    @Test func aSubscriptionIsItsConsumersToEnd() async throws {
        try await NATSCluster.withCluster { try await Self.contract($0, $1).aSubscriptionIsItsConsumersToEnd() }
    }

    @Test func twoNodesAppendingFromTheSameStateAreOneStoredAndOneRefused() async throws {
        try await NATSCluster.withCluster { cluster, directory in
            let (a, b) = (try Self.log(cluster, directory, node: "a"), try Self.log(cluster, directory, node: "b"))
            let contract = Self.contract(cluster, directory)
            try await a.append(registry: "population", from: nil, events: [], cursor: "0", baselines: [:])
            try await b.append(registry: "population", from: nil, events: [], cursor: "0", baselines: [:])
            let start = EventRegistryState(cursor: "0", lastSequence: 0, firstRetained: 1)
            #expect(try await a.state(registry: "population") == start)
            #expect(try await b.state(registry: "population") == start)
            // Both read change 1 from the same state; each node's own store would take its append. Here b comes after
            // a's publish and sees it; the race below is where the stream's expected sequence refuses.
            try await a.append(
                registry: "population", from: start, events: [contract.event(1)], cursor: "1", baselines: [:])
            await #expect(throws: EventLogError(.sequenceConflict, "")) {
                try await b.append(
                    registry: "population", from: start, events: [contract.event(1)], cursor: "1", baselines: [:])
            }
            // The refused node reads on from what the other published, its cursor included.
            let moved = EventRegistryState(cursor: "1", lastSequence: 1, firstRetained: 1)
            #expect(try await b.state(registry: "population") == moved)
            try await b.append(
                registry: "population", from: moved, events: [contract.event(2), contract.event(3)], cursor: "3",
                baselines: [:])
            #expect(try await a.events(registry: "population", after: 0, limit: 10).map(\.sequence) == [1, 2, 3])
            #expect(try await a.state(registry: "population")?.cursor == "3")

            // Racing for real, as the change publishers of two nodes do.
            let changes = 150
            let racers = [try Self.log(cluster, directory, node: "c"), try Self.log(cluster, directory, node: "d")]
            let barrier = Barrier(parties: racers.count)
            let refused = try await withThrowingTaskGroup(of: Int.self) { group in
                for (index, node) in racers.enumerated() {
                    group.addTask {
                        try await JetStreamEventLogReliabilityTests.detect(
                            node, changes: changes + 3, node: "node-\(index)", barrier: barrier)
                    }
                }
                return try await group.reduce(0, +)
            }
            let stored = try await a.events(registry: "population", after: 3, limit: 1000)
            #expect(stored.map(\.sequence) == (4...Int64(changes + 3)).map { $0 }, "a gap or a repeat")
            #expect(stored.map(\.key) == (4...changes + 3).map { "person-\($0)" }, "a change published twice or never")
            #expect(Set(stored.map { $0.id.prefix(6) }) == ["node-0", "node-1"])
            #expect(refused > 0)
        }
    }

    @Test func anAppendCutShortHoldsItsPlaceUntilAbandonedThenItsChangesAreReadAgain() async throws {
        try await NATSCluster.withCluster { cluster, directory in
            let a = try Self.log(cluster, directory, node: "a", ackTimeout: .seconds(1))
            let b = try Self.log(cluster, directory, node: "b", ackTimeout: .seconds(1))
            let contract = Self.contract(cluster, directory)
            let first = contract.event(1)
            try await a.append(registry: "population", from: nil, events: [first], cursor: "1", baselines: [:])
            let one = EventRegistryState(cursor: "1", lastSequence: 1, firstRetained: 1)
            // a's append of changes 2 to 4 stops after its first event, as a crash would stop it: its second event
            // repeats an id the stream already holds, so JetStream stores nothing at 3.
            var repeated = contract.event(3)
            repeated.id = first.id
            await #expect(throws: EventLogError(.sequenceConflict, "")) {
                try await a.append(
                    registry: "population", from: one, events: [contract.event(2), repeated, contract.event(4)],
                    cursor: "4", baselines: [:])
            }
            #expect(try await b.events(registry: "population", after: 0, limit: 10).map(\.sequence) == [1, 2])
            // Meanwhile it holds its place: b reads the state before it, and an append from there is refused.
            #expect(try await b.state(registry: "population") == one)
            await #expect(throws: EventLogError(.sequenceConflict, "")) {
                try await b.append(
                    registry: "population", from: one, events: [contract.event(2)], cursor: "2", baselines: [:])
            }
            // Abandoned (three acknowledgement timeouts without a publish): detection resumes at its start, after the
            // event that was stored, so the changes are read again: published at least once, never lost.
            var resumed: EventRegistryState?
            _ = try await Poll.until(within: .seconds(20), every: .milliseconds(200)) {
                resumed = try await b.state(registry: "population")
                return resumed?.lastSequence == 2
            }
            #expect(resumed == EventRegistryState(cursor: "1", lastSequence: 2, firstRetained: 1))
            try await b.append(
                registry: "population", from: resumed, events: [contract.event(3), contract.event(4)], cursor: "3",
                baselines: [:])
            let after = EventRegistryState(cursor: "3", lastSequence: 4, firstRetained: 1)
            #expect(try await a.state(registry: "population") == after)
        }
    }
}
