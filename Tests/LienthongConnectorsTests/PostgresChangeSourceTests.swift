import Foundation
import LienthongConnectors
import LienthongJSON
import LienthongStorage
import LienthongTesting
import Testing

extension SerializedSuites {
    /// Change detection against a real PostgreSQL cluster: a change table past a sequence, and a `timestamptz`
    /// `updated_at` column whose ties come in key order across pages.
    @Suite struct PostgresChangeSourceTests {
        func source(_ url: String, _ detection: ChangeDetection) throws -> PostgresChangeSource {
            PostgresChangeSource(
                connector: try PostgresConnector(
                    registry: "r", configuration: .init(conninfo: url, lookup: "SELECT k, v FROM t WHERE k = $1")),
                detection: detection)
        }

        @Test func changeTableAndUpdatedAtGiveEachChangeOnceInOrder() async throws {
            try await PostgresCluster.with { cluster in
                let connection = try PostgresConnection(cluster.url)
                _ = try connection.execute(
                    """
                    CREATE TABLE t (k text PRIMARY KEY, v text, u timestamptz NOT NULL DEFAULT '2026-01-01T00:00:00Z');
                    INSERT INTO t (k, v) VALUES ('a', '1'), ('b', '1'), ('c', '1');
                    CREATE TABLE changes (n bigserial PRIMARY KEY, k text NOT NULL);
                    """)
                let table = try source(cluster.url, .changeTable(table: "changes", sequenceColumn: "n", keyColumn: "k"))
                let head = try await table.head()
                #expect(head == "0")
                _ = try connection.execute(
                    """
                    UPDATE t SET v = '2' WHERE k = 'c'; INSERT INTO changes (k) VALUES ('c');
                    UPDATE t SET v = '3' WHERE k = 'a'; INSERT INTO changes (k) VALUES ('a');
                    """)
                let changes = try await table.changes(after: head, limit: 10)
                #expect(changes.map(\.key) == ["c", "a"])
                #expect(changes.map(\.cursor) == ["1", "2"])
                #expect(changes[0].after == ["k": "c", "v": "2"])
                #expect(try await table.changes(after: "1", limit: 10).map(\.key) == ["a"])
                #expect(try await table.head() == "2")

                let updated = try source(cluster.url, .updatedAt(table: "t", column: "u", keyColumn: "k"))
                var cursor = try await updated.head()
                _ = try connection.execute(
                    """
                    UPDATE t SET u = '2026-12-06T10:00:00.123456Z' WHERE k IN ('a', 'c');
                    UPDATE t SET u = '2026-12-06T11:00:00Z' WHERE k = 'b';
                    """)
                var seen: [String] = []
                while true {
                    let page = try await updated.changes(after: cursor, limit: 1)
                    guard let change = page.first else { break }
                    seen.append(change.key)
                    cursor = change.cursor
                }
                #expect(seen == ["a", "c", "b"])
            }
        }
    }
}
