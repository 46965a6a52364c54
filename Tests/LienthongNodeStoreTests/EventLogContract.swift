import Foundation
import LienthongNodeStore
import Testing

/// What every ``EventLog`` engine does, one body run on each: sequences per registry without gaps, cursor and
/// baselines moved with the events they produced, an append refused once the registry moved past the state it was
/// read from, retention by count and by age, subscriptions per consumer; and all of it survives reopening.
struct EventLogContract {
    /// A new log on the same storage each call (a reopened file, a new connection).
    let open: () throws -> any EventLog
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func event(_ sequence: Int64, at offset: TimeInterval = 0) -> StoredEvent {
        StoredEvent(
            id: "id-\(sequence)-\(UUID())", sequence: sequence, type: "person.deceased", key: "key-\(sequence)",
            detectedAt: now + offset, envelope: Array("{\"n\":\(sequence),\"b\":\"\u{0}\u{ff}\"}".utf8) + [0, 255, 92])
    }

    func eventsContinueTheSequenceWithTheirCursorAndSurviveReopening() async throws {
        let log = try open()
        #expect(try await log.state(registry: "population") == nil)
        try await log.append(registry: "population", from: nil, events: [], cursor: "0", baselines: [:])
        let started = EventRegistryState(cursor: "0", lastSequence: 0, firstRetained: 1)
        #expect(try await log.state(registry: "population") == started)
        let appended = [event(1), event(2)]
        try await log.append(
            registry: "population", from: started, events: appended, cursor: "7", baselines: ["k": Array("{}".utf8)])
        // Another registry counts on its own.
        try await log.append(registry: "enterprise", from: nil, events: [event(1)], cursor: "[]", baselines: [:])

        let reopened = try open()
        #expect(
            try await reopened.state(registry: "population")
                == EventRegistryState(cursor: "7", lastSequence: 2, firstRetained: 1))
        #expect(try await reopened.events(registry: "population", after: 0, limit: 10) == appended)
        #expect(try await reopened.events(registry: "population", after: 1, limit: 10).map(\.sequence) == [2])
        #expect(try await reopened.events(registry: "population", after: 0, limit: 1).map(\.sequence) == [1])
        #expect(try await reopened.events(registry: "enterprise", after: 0, limit: 10).map(\.sequence) == [1])
        #expect(try await reopened.baseline(registry: "population", key: "k") == Array("{}".utf8))
        #expect(try await reopened.baseline(registry: "enterprise", key: "k") == nil)
    }

    func anAppendFromAStateThatMovedOnIsRefusedAndNothingMoves() async throws {
        let log = try open()
        try await log.append(registry: "population", from: nil, events: [event(1)], cursor: "1", baselines: [:])
        let current = try #require(try await log.state(registry: "population"))
        // Numbered wrong, or read from a state another writer has moved past (even without events: the cursor
        // going back would publish its changes twice).
        let refused: [(EventRegistryState?, [StoredEvent])] = [
            (current, [event(1)]), (current, [event(3)]), (current, [event(2), event(4)]), (nil, []), (nil, [event(2)]),
            (EventRegistryState(cursor: "0", lastSequence: 1, firstRetained: 1), []),
            (EventRegistryState(cursor: "1", lastSequence: 0, firstRetained: 1), [event(1)]),
        ]
        for (previous, events) in refused {
            await #expect(throws: EventLogError(.sequenceConflict, "")) {
                try await log.append(
                    registry: "population", from: previous, events: events, cursor: "9", baselines: ["x": [1]])
            }
        }
        #expect(try await log.state(registry: "population") == current)
        #expect(try await log.events(registry: "population", after: 0, limit: 10).count == 1)
        #expect(try await log.baseline(registry: "population", key: "x") == nil)
        // Pruning moves only the first retained: an append read before it still goes on.
        #expect(try await log.prune(registry: "population", before: now + 60, keepLast: 0) == 1)
        try await log.append(registry: "population", from: current, events: [event(2)], cursor: "2", baselines: [:])
        #expect(try await log.events(registry: "population", after: 0, limit: 10).map(\.sequence) == [2])
    }

    func retentionKeepsTheNewestByCountAndDropsTheOldByAge() async throws {
        let log = try open()
        try await log.append(
            registry: "population", from: nil, events: (1...6).map { event($0, at: TimeInterval($0) * 60) },
            cursor: "6", baselines: [:])
        #expect(try await log.prune(registry: "population", before: now, keepLast: 4) == 2)
        #expect(try await log.state(registry: "population")?.firstRetained == 3)
        #expect(try await log.events(registry: "population", after: 0, limit: 10).map(\.sequence) == [3, 4, 5, 6])
        // Older than 4 minutes and 30 seconds: 3 and 4 go.
        #expect(try await log.prune(registry: "population", before: now + 270, keepLast: 100) == 2)
        #expect(try await log.state(registry: "population")?.firstRetained == 5)
        #expect(try await log.prune(registry: "population", before: now, keepLast: 100) == 0)
        #expect(try await log.state(registry: "population")?.firstRetained == 5)
        // Every event may go; the sequence goes on after the last.
        #expect(try await log.prune(registry: "population", before: now, keepLast: 0) == 2)
        let emptied = EventRegistryState(cursor: "6", lastSequence: 6, firstRetained: 7)
        #expect(try await log.state(registry: "population") == emptied)
        try await log.append(registry: "population", from: emptied, events: [event(7)], cursor: "7", baselines: [:])
        #expect(try await log.events(registry: "population", after: 6, limit: 10).map(\.sequence) == [7])
        #expect(try await log.prune(registry: "unknown", before: now, keepLast: 0) == 0)
    }

    func aSubscriptionIsItsConsumersToEnd() async throws {
        let subscription = EventSubscription(
            id: "s1", consumer: "VN/GOV/BTC/THUE", service: "VN/GOV/BCA/DANCU/person", registry: "population",
            eventTypes: ["person.deceased", "person.address-changed"], purpose: "tax-administration",
            filter: Array(#"{"field":"/status","equals":"deceased"}"#.utf8), createdAt: now, startAfter: 41)
        var unfiltered = subscription
        unfiltered.id = "s2"
        unfiltered.filter = nil
        try await open().subscribe(subscription)
        try await open().subscribe(unfiltered)
        let log = try open()
        #expect(try await log.subscription(id: "s1") == subscription)
        #expect(try await log.subscription(id: "s2") == unfiltered)
        #expect(try await log.unsubscribe(id: "s1", consumer: "VN/GOV/HCM/MOTCUA") == false)
        #expect(try await log.unsubscribe(id: "s1", consumer: "VN/GOV/BTC/THUE"))
        #expect(try await log.subscription(id: "s1") == nil)
        #expect(try await log.unsubscribe(id: "s1", consumer: "VN/GOV/BTC/THUE") == false)
    }
}
