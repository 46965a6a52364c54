import Foundation
import LienthongHTTP
import LienthongJSON
import LienthongStorage
import LienthongTesting
import LienthongTrust
import Testing

/// Change events of two nodes on one PostgreSQL, both watching the one population database (its change table
/// filled by its triggers): a change is one event with one sequence whichever node saw it first, read through
/// either node, and the shared sequence has no gap and no repeat while both publish.
extension ScaleOutTests {
    /// Two nodes sharing the state in `url` and the demo population database; a subscriber on each.
    private func eventNodes(_ url: String) throws -> (EventSubscriber, EventSubscriber) {
        let nodes = try GatewayProcess.cluster(2, postgresURL: url, sharing: ["population.sqlite"])
        return (EventSubscriber(gateway: nodes[0]), EventSubscriber(gateway: nodes[1]))
    }

    /// Living people of the demo, as many as `count`.
    private func people(_ subscriber: EventSubscriber, _ count: Int) throws -> [SQLiteValue] {
        try SQLiteDatabase(path: subscriber.population, mode: .readOnly).query(
            "SELECT so_dinh_danh FROM cong_dan WHERE trang_thai = 'Còn sống' ORDER BY so_dinh_danh LIMIT ?1",
            [.integer(Int64(count))]
        ).map { $0[0] }
    }

    /// The population events in the shared table: sequence, id and the address each carries, in sequence order.
    private func stored(_ url: String) throws -> [(sequence: Int64, id: String, address: String)] {
        try PostgresConnection(url).query(
            "SELECT sequence, id, envelope FROM lienthong.events WHERE registry = 'population' ORDER BY sequence"
        ).rows.map { row in
            let hex = (row[2] ?? "").dropFirst(2)
            let envelope = try JSONValue.parse(Hex.decode(hex) ?? [])
            return (
                Int64(row[0] ?? "") ?? 0, row[1] ?? "",
                envelope["message"]?["record"]?["permanentAddress"]?["addressLine"]?.stringValue ?? ""
            )
        }
    }

    /// Whether both nodes' publishers have read the population changes up to the last one written: the shared
    /// cursor is the change table's last sequence.
    private func caughtUp(_ subscriber: EventSubscriber, _ url: String) throws -> Bool {
        let last = try SQLiteDatabase(path: subscriber.population, mode: .readOnly).query(
            "SELECT COALESCE(MAX(ma_thay_doi), 0) FROM thay_doi"
        ).first?.first
        let cursor = try PostgresConnection(url).query(
            "SELECT change_cursor FROM lienthong.event_registries WHERE registry = 'population'"
        ).rows.first?.first
        guard case .integer(let number) = last else { return false }
        return cursor == String(number)
    }

    @Test func aChangeWatchedByTwoNodesIsOneEventWithOneSequenceReadThroughEither() async throws {
        let url = try database()
        let (a, b) = try eventNodes(url)
        let id = try await a.subscribeToPersons()
        let start = Int64(try #require(try await a.get("/v1/subscriptions/\(id)").json["after"]?.numberValue?.int))
        let person = try #require(try people(a, 1).first)
        try a.change(ChangeEventTests.addressUpdate, [person, .text("Số 1 đường Hai Nút")])

        // The subscription made through A is read through B, and the same event through A.
        let throughB = try await b.collect(id, after: start, count: 1)
        let throughA = try await a.collect(id, after: start, count: 1)
        #expect(throughB.count == 1)
        #expect(throughA == throughB)
        #expect(throughB.first?["message"]?["sequence"]?.numberValue?.int == Int(start) + 1)
        // Both publishers have polled past the change (each every half second): still one event, on either node.
        #expect(try await Poll.until(within: .seconds(10)) { try caughtUp(a, url) })
        for subscriber in [a, b] {
            let again = try await subscriber.read(id, after: start + 1, wait: 2)
            #expect(again.status == 200)
            #expect(again.json["events"]?.arrayValue == [])
        }
        #expect(try stored(url).map(\.address) == ["Số 1 đường Hai Nút"])

        // With A stopped, B alone publishes the next change, with the next sequence of the same registry.
        #expect(a.gateway.stop() == 0)
        let other = try #require(try people(b, 2).last)
        try b.change(ChangeEventTests.addressUpdate, [other, .text("Số 2 đường Hai Nút")])
        let afterStop = try await b.collect(id, after: start + 1, count: 1)
        #expect(afterStop.first?["message"]?["sequence"]?.numberValue?.int == Int(start) + 2)
        #expect(try stored(url).map(\.address) == ["Số 1 đường Hai Nút", "Số 2 đường Hai Nút"])
    }

    @Test func aSubscriberReadingAlternatelyFromBothNodesGetsEveryEventOncePerIDInOrder() async throws {
        let url = try database()
        let (a, b) = try eventNodes(url)
        let id = try await a.subscribeToPersons()
        let start = Int64(try #require(try await b.get("/v1/subscriptions/\(id)").json["after"]?.numberValue?.int))
        let count = 24
        // One change per person: changes of one record read in one poll publish what differs from the record now.
        let persons = try people(a, count)
        var events: [JSONValue] = []
        var next = start
        for index in 0..<count {
            try a.change(ChangeEventTests.addressUpdate, [persons[index], .text("Số \(index) đường Xen Kẽ")])
            // Reads go to A and B in turn, each from the `next` the other answered, while changes keep coming.
            if index % 3 == 2 {
                let reader = (index / 3) % 2 == 0 ? a : b
                let answer = try await reader.read(id, after: next, wait: 1, limit: 5)
                #expect(answer.status == 200)
                events += answer.json["events"]?.arrayValue ?? []
                next = Int64(answer.json["next"]?.numberValue?.int ?? Int(next))
            }
        }
        var turn = 0
        #expect(
            try await Poll.until(within: .seconds(30)) {
                turn += 1
                let answer = try await (turn % 2 == 0 ? a : b).read(id, after: next, wait: 1, limit: 5)
                events += answer.json["events"]?.arrayValue ?? []
                next = Int64(answer.json["next"]?.numberValue?.int ?? Int(next))
                return events.count >= count
            })
        let messages = events.compactMap { $0["message"] }
        #expect(messages.map { $0["sequence"]?.numberValue?.int } == (1...count).map { Int(start) + $0 })
        #expect(Set(messages.compactMap { $0["id"]?.stringValue }).count == count)
        #expect(
            messages.compactMap { $0["record"]?["permanentAddress"]?["addressLine"]?.stringValue }
                == (0..<count).map { "Số \($0) đường Xen Kẽ" })
    }

    @Test func twoNodesPublishingAtOnceLeaveNoGapAndNoDuplicate() async throws {
        let url = try database()
        let (a, _) = try eventNodes(url)
        // One change per person, as above.
        let persons = try people(a, 120)
        try #require(persons.count == 120)
        #expect(try await Poll.until(within: .seconds(10)) { try caughtUp(a, url) }, "the publishers did not start")
        // Bursts of changes (5 to 35), each read by both publishers polling every half second, in batches of 100.
        var written: [String] = []
        for burst in [5, 18, 31, 9, 22, 35] {
            for _ in 0..<burst {
                let address = "Số \(written.count) đường Đồng Thời"
                try a.change(ChangeEventTests.addressUpdate, [persons[written.count], .text(address)])
                written.append(address)
            }
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(try await Poll.until(within: .seconds(30)) { try caughtUp(a, url) })
        let events = try stored(url)
        #expect(events.map(\.sequence) == (1...Int64(written.count)).map { $0 }, "a gap or a repeated sequence")
        #expect(Set(events.map(\.id)).count == events.count)
        #expect(events.map(\.address) == written, "a change published twice, out of order or not at all")
    }
}
