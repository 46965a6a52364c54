import Foundation
import LienthongNodeStore
import Testing

/// The embedded event log: sequences per registry without gaps, cursor and baselines moved with the events they
/// produced, retention by count and by age, subscriptions per consumer; and all of it survives reopening the file.
struct SQLiteEventLogTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func path() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-events-\(UUID()).sqlite")
    }

    func event(_ sequence: Int64, at offset: TimeInterval = 0) -> StoredEvent {
        StoredEvent(
            id: "id-\(sequence)-\(UUID())", sequence: sequence, type: "person.deceased", key: "key-\(sequence)",
            detectedAt: now + offset, envelope: Array("{\"n\":\(sequence)}".utf8))
    }

    @Test func eventsContinueTheSequenceWithTheirCursorAndSurviveReopening() throws {
        let file = path()
        do {
            let log = try SQLiteEventLog(path: file)
            #expect(try log.state(registry: "population") == nil)
            try log.append(registry: "population", events: [], cursor: "0", baselines: [:])
            #expect(try log.state(registry: "population") == EventRegistryState(cursor: "0", lastSequence: 0, firstRetained: 1))
            try log.append(
                registry: "population", events: [event(1), event(2)], cursor: "7", baselines: ["k": Array("{}".utf8)])
            // Another registry counts on its own.
            try log.append(registry: "enterprise", events: [event(1)], cursor: "[]", baselines: [:])
        }
        let log = try SQLiteEventLog(path: file)
        #expect(try log.state(registry: "population") == EventRegistryState(cursor: "7", lastSequence: 2, firstRetained: 1))
        #expect(try log.events(registry: "population", after: 0, limit: 10).map(\.sequence) == [1, 2])
        #expect(try log.events(registry: "population", after: 1, limit: 10).map(\.sequence) == [2])
        #expect(try log.events(registry: "population", after: 0, limit: 1).map(\.sequence) == [1])
        #expect(try log.events(registry: "enterprise", after: 0, limit: 10).map(\.sequence) == [1])
        #expect(try log.baseline(registry: "population", key: "k") == Array("{}".utf8))
        #expect(try log.baseline(registry: "enterprise", key: "k") == nil)
    }

    @Test func eventsThatDoNotContinueTheSequenceAreRefusedAndNothingMoves() throws {
        let log = try SQLiteEventLog(path: path())
        try log.append(registry: "population", events: [event(1)], cursor: "1", baselines: [:])
        for wrong in [[event(1)], [event(3)], [event(2), event(4)]] {
            #expect(throws: EventLogError(.sequenceConflict, "")) {
                try log.append(registry: "population", events: wrong, cursor: "9", baselines: ["x": [1]])
            }
        }
        #expect(try log.state(registry: "population")?.cursor == "1")
        #expect(try log.baseline(registry: "population", key: "x") == nil)
    }

    @Test func retentionKeepsTheNewestByCountAndDropsTheOldByAge() throws {
        let log = try SQLiteEventLog(path: path())
        try log.append(
            registry: "population", events: (1...6).map { event($0, at: TimeInterval($0) * 60) }, cursor: "6",
            baselines: [:])
        #expect(try log.prune(registry: "population", before: now, keepLast: 4) == 2)
        #expect(try log.state(registry: "population")?.firstRetained == 3)
        #expect(try log.events(registry: "population", after: 0, limit: 10).map(\.sequence) == [3, 4, 5, 6])
        // Older than 4 minutes and 30 seconds: 3 and 4 go.
        #expect(try log.prune(registry: "population", before: now + 270, keepLast: 100) == 2)
        #expect(try log.state(registry: "population")?.firstRetained == 5)
        #expect(try log.prune(registry: "population", before: now, keepLast: 100) == 0)
        #expect(try log.state(registry: "population")?.firstRetained == 5)
        // Every event may go; the sequence goes on after the last.
        #expect(try log.prune(registry: "population", before: now, keepLast: 0) == 2)
        #expect(try log.state(registry: "population") == EventRegistryState(cursor: "6", lastSequence: 6, firstRetained: 7))
        try log.append(registry: "population", events: [event(7)], cursor: "7", baselines: [:])
        #expect(try log.events(registry: "population", after: 6, limit: 10).map(\.sequence) == [7])
    }

    @Test func aSubscriptionIsItsConsumersToEnd() throws {
        let file = path()
        let subscription = EventSubscription(
            id: "s1", consumer: "VN/GOV/BTC/THUE", service: "VN/GOV/BCA/DANCU/person", registry: "population",
            eventTypes: ["person.deceased", "person.address-changed"], purpose: "tax-administration",
            filter: Array(#"{"field":"/status","equals":"deceased"}"#.utf8), createdAt: now, startAfter: 41)
        try SQLiteEventLog(path: file).subscribe(subscription)
        let log = try SQLiteEventLog(path: file)
        #expect(try log.subscription(id: "s1") == subscription)
        #expect(try log.unsubscribe(id: "s1", consumer: "VN/GOV/HCM/MOTCUA") == false)
        #expect(try log.unsubscribe(id: "s1", consumer: "VN/GOV/BTC/THUE"))
        #expect(try log.subscription(id: "s1") == nil)
        #expect(try log.unsubscribe(id: "s1", consumer: "VN/GOV/BTC/THUE") == false)
    }
}
