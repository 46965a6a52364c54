import Foundation
import LienthongConnectors
import LienthongJSON
import LienthongStorage
import Testing

/// Change detection by the connectors: a change table past a sequence, an `updated_at` column past a time (ties in
/// key order, never split unseen by a page), the diff of a CSV file on reload; and the `events` member's rules.
struct ChangeSourceTests {
    /// A registry database `t(k, v, u)` with two rows, and a change table its triggers fill.
    func database() throws -> (directory: String, database: SQLiteDatabase) {
        let directory = try TestSupport.temporaryDirectory()
        let database = try SQLiteDatabase(path: directory + "/r.sqlite", mode: .readWriteCreate)
        try database.execute(
            """
            CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT, u INTEGER NOT NULL DEFAULT 0);
            INSERT INTO t (k, v) VALUES ('a', '1'), ('b', '1'), ('c', '1');
            CREATE TABLE changes (n INTEGER PRIMARY KEY AUTOINCREMENT, k TEXT NOT NULL);
            CREATE TRIGGER t_changed AFTER UPDATE OF v ON t BEGIN INSERT INTO changes (k) VALUES (NEW.k); END;
            """)
        return (directory, database)
    }

    func source(_ directory: String, _ detection: ChangeDetection) -> SQLiteChangeSource {
        SQLiteChangeSource(
            connector: SQLiteConnector(
                registry: "r", configuration: .init(path: "r.sqlite", lookup: "SELECT k, v FROM t WHERE k = ?1"),
                dataDirectory: directory),
            detection: detection)
    }

    @Test func aChangeTableGivesEachChangeAfterTheCursorWithTheRecordNow() async throws {
        let (directory, database) = try database()
        let source = source(directory, .changeTable(table: "changes", sequenceColumn: "n", keyColumn: "k"))
        let head = try await source.head()
        #expect(head == "0")
        try database.execute("UPDATE t SET v = '2' WHERE k = 'b'; UPDATE t SET v = '3' WHERE k = 'a';")
        let changes = try await source.changes(after: head, limit: 10)
        #expect(changes.map(\.key) == ["b", "a"])
        #expect(changes.map(\.cursor) == ["1", "2"])
        #expect(changes[1].after == ["k": "a", "v": "3"])
        #expect(changes.allSatisfy { $0.before == nil })
        #expect(try await source.changes(after: "1", limit: 10).map(\.key) == ["a"])
        #expect(try await source.changes(after: "0", limit: 1).map(\.key) == ["b"])
        #expect(try await source.changes(after: "2", limit: 10).isEmpty)
        #expect(try await source.head() == "2")
    }

    @Test func anUpdatedAtColumnOrdersTiesByKeySoNoPageSplitsThemUnseen() async throws {
        let (directory, database) = try database()
        let source = source(directory, .updatedAt(table: "t", column: "u", keyColumn: "k"))
        let head = try await source.head()
        #expect(head == #"[0,"c"]"#)
        try database.execute("UPDATE t SET u = 5 WHERE k IN ('a', 'c'); UPDATE t SET u = 7 WHERE k = 'b';")
        var cursor = head
        var seen: [String] = []
        // One row a page: the two rows of instant 5 come in two pages, neither lost.
        while true {
            let page = try await source.changes(after: cursor, limit: 1)
            guard let change = page.first else { break }
            seen.append(change.key)
            cursor = change.cursor
        }
        #expect(seen == ["a", "c", "b"])
        #expect(cursor == #"[7,"b"]"#)
        #expect(await #expect(throws: ConnectorError.self) { try await source.changes(after: "x", limit: 1) } != nil)
    }

    @Test func aCSVReloadGivesTheRowsChangedAddedAndRemovedWithBeforeAndAfter() async throws {
        let path = try TestSupport.temporaryDirectory() + "/r.csv"
        try "ma,ten\n001,A\n002,B\n003,C\n".write(toFile: path, atomically: true, encoding: .utf8)
        let source = CSVChangeSource(
            connector: CSVConnector(registry: "r", configuration: .init(path: path, keyColumn: "ma")))
        let head = try await source.head()
        #expect(try await source.changes(after: head, limit: 10).isEmpty)
        // A new file renamed into place, as agencies replace theirs.
        try "ma,ten\n001,A\n002,Bb\n004,D\n".write(toFile: path, atomically: true, encoding: .utf8)
        let changes = try await source.changes(after: head, limit: 10)
        #expect(changes.map(\.key) == ["002", "004", "003"])
        #expect(changes[0].before == ["ma": "002", "ten": "B"])
        #expect(changes[0].after == ["ma": "002", "ten": "Bb"])
        #expect(changes[1].before == nil)
        #expect(changes.map(\.isInsert) == [false, true, false])
        #expect(changes[2].after == nil)
        #expect(changes[0].cursor != head)
        // Once: the same version again is no change.
        #expect(try await source.changes(after: changes[0].cursor, limit: 10).isEmpty)
    }

    func configuration(_ events: String, connector: String = #"{"kind": "csv", "path": "r.csv", "keyColumn": "ma"}"#)
        throws -> RegistryConfiguration
    {
        let text = """
            {"registry": "r", "schema": "person.v1", "connector": \(connector),
             "mapping": [{"target": "/personalId", "source": "ma"}], "events": \(events)}
            """
        return try RegistryConfiguration(document: try JSONValue.parse(Array(text.utf8)), baseDirectory: "/")
    }

    @Test func theEventsMemberIsReadAndItsRulesHold() throws {
        let read = try configuration(
            #"{"detection": {"kind": "reload"}, "types": [{"type": "person.deceased", "fields": ["personalId"],"#
                + #""when": {"becomes": {"/status": "deceased"}, "changed": ["/status"]}}]}"#)
        let events = try #require(read.events)
        #expect(events.detection == .reload)
        #expect(events.pollInterval == .seconds(1))
        #expect(events.watched.map(\.description) == ["/status"])
        let refused: [(String, String)] = [
            (#"{"detection": {"kind": "change-table", "table": "t;drop", "sequenceColumn": "n", "keyColumn": "k"}, "types": []}"#,
             "not an SQL identifier"),
            (#"{"detection": {"kind": "updated-at", "table": "t", "column": "u", "keyColumn": "k"}, "types": [{"type": "a.b", "fields": ["x"], "when": {"changed": ["/x"]}}]}"#,
             "does not suit a csv connector"),
            (#"{"detection": {"kind": "reload"}, "types": [{"type": "a.b", "fields": ["x"], "when": {"changed": ["/x"]}}, {"type": "a.b", "fields": ["x"], "when": {"changed": ["/x"]}}]}"#,
             "declared twice"),
            (#"{"detection": {"kind": "reload"}, "types": [{"type": "a.b", "fields": ["x"], "when": {}}]}"#,
             "neither changed nor becomes"),
            (#"{"detection": {"kind": "reload"}, "types": [{"type": "Deceased", "fields": ["x"], "when": {"changed": ["/x"]}}]}"#,
             "not like person.deceased"),
        ]
        for (events, rule) in refused {
            do {
                _ = try configuration(events)
                Issue.record("accepted: \(events)")
            } catch let error as ConnectorError {
                #expect(error.code == .configuration)
                #expect(error.detail.contains(rule), "\(error.detail)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func conditionsCompareTheValuesBeforeAndAfter() throws {
        let events = try #require(
            try configuration(
                #"{"detection": {"kind": "reload"}, "types": ["#
                    + #"{"type": "p.moved", "fields": ["x"], "when": {"changed": ["/address"]}},"#
                    + #"{"type": "p.deceased", "fields": ["x"], "when": {"becomes": {"/status": "deceased"}}}]}"#
            ).events)
        let moved = events.types[0].condition
        let deceased = events.types[1].condition
        let alive = events.watchedValues(of: ["address": ["line": "1"], "status": "alive"])
        let movedAlive = events.watchedValues(of: ["address": ["line": "2"], "status": "alive"])
        let dead = events.watchedValues(of: ["address": ["line": "1"], "status": "deceased"])
        #expect(moved.fires(before: alive, after: movedAlive))
        #expect(!moved.fires(before: alive, after: dead))
        // Unknown before: a change the node cannot rule out.
        #expect(moved.fires(before: nil, after: alive))
        #expect(deceased.fires(before: alive, after: dead))
        #expect(!deceased.fires(before: dead, after: dead))
        #expect(!deceased.fires(before: nil, after: alive))
        #expect(deceased.fires(before: nil, after: dead))
    }
}
