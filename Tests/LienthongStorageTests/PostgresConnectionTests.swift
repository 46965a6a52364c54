import Foundation
import LienthongStorage
import Testing

extension PostgresServerTests {
    @Suite struct PostgresConnectionTests {
        private func connect() throws -> PostgresConnection {
            try PostgresConnection(try PostgresServerTests.cluster().url)
        }

        @Test func parametersAreBoundNeverSpliced() throws {
            let connection = try connect()
            try connection.execute("CREATE TEMP TABLE people (id integer PRIMARY KEY, name text)")
            let names = [
                "O'Brien \"Bob\" \\ back",
                "x'; DROP TABLE people; --",
                "$1 $2 ?",
            ]
            for (index, name) in names.enumerated() {
                let inserted = try connection.query(
                    "INSERT INTO people (id, name) VALUES ($1, $2)", [String(index + 1), name])
                #expect(inserted.affectedRows == 1)
            }

            let found = try connection.query("SELECT id, name FROM people WHERE name = $1", [names[1]])
            #expect(found.columns == ["id", "name"])
            #expect(found.rows == [["2", names[1]]])
            // The table survived the value that looks like SQL.
            let all = try connection.query("SELECT name FROM people ORDER BY id")
            #expect(all.rows.map { $0[0] } == names)
            #expect(try connection.query("SELECT $1::text AS echoed", [names[1]]).rows == [[names[1]]])
        }

        @Test func nullsAreNilAndEmptyStringsAreNot() throws {
            let connection = try connect()
            try connection.execute("CREATE TEMP TABLE maybe (id integer, note text)")
            try connection.query("INSERT INTO maybe VALUES ($1, $2), ($3, $4)", ["1", nil, "2", ""])

            let result = try connection.query(
                "SELECT id, note, note IS NULL AS missing FROM maybe ORDER BY id")
            #expect(result.rows == [["1", nil, "t"], ["2", "", "f"]])
            let first: [String: String?] = ["id": "1", "note": nil, "missing": "t"]
            #expect(result.row(at: 0) == first)
            #expect(result.value(row: 0, column: "note") == .some(nil))
            #expect(result.value(row: 1, column: "note") == .some(""))
            #expect(result.value(row: 0, column: "absent") == nil)
        }

        @Test func vietnameseTextRoundTripsByteForByte() throws {
            let connection = try connect()
            let composed = "Nguyễn Thị Hương, Phường Hoàn Kiếm"
            let decomposed = composed.decomposedStringWithCanonicalMapping
            // Swift's == ignores normalization; the bytes are what must survive.
            #expect(Array(decomposed.utf8) != Array(composed.utf8))

            try connection.execute("CREATE TEMP TABLE names (form text, name text)")
            try connection.query(
                "INSERT INTO names VALUES ('nfc', $1), ('nfd', $2)", [composed, decomposed])
            let rows = try connection.query(
                "SELECT form, name, octet_length(name) FROM names ORDER BY form"
            ).rows

            #expect(rows.count == 2)
            #expect(rows.first?[1].map { Array($0.utf8) } == Array(composed.utf8))
            #expect(rows.last?[1].map { Array($0.utf8) } == Array(decomposed.utf8))
            #expect(rows.first?[2] == String(composed.utf8.count))
            #expect(rows.last?[2] == String(decomposed.utf8.count))
            // The server compares bytes: it received two different strings.
            #expect(
                try connection.query("SELECT $1::text = $2::text", [composed, decomposed]).rows == [["f"]])
        }

        @Test func serverErrorsHaveCodesButNoValues() throws {
            let connection = try connect()
            let secret = "secret-value-4711"

            let badCast = #expect(throws: PostgresError.self) {
                try connection.query("SELECT $1::integer", [secret])
            }
            #expect(badCast?.code == .query)
            #expect(badCast?.sqlState == "22P02")
            #expect(badCast.map { !"\($0)".contains(secret) } == true)

            try connection.execute("CREATE TEMP TABLE keys (key text CONSTRAINT keys_pkey PRIMARY KEY)")
            try connection.query("INSERT INTO keys VALUES ($1)", [secret])
            let duplicate = #expect(throws: PostgresError.self) {
                try connection.query("INSERT INTO keys VALUES ($1)", [secret])
            }
            #expect(duplicate?.sqlState == "23505")
            #expect(duplicate?.detail.contains("keys_pkey") == true)
            #expect(duplicate.map { !"\($0)".contains(secret) } == true)

            let syntax = #expect(throws: PostgresError.self) { try connection.execute("SELEC 1") }
            #expect(syntax?.code == .query)
            #expect(syntax?.sqlState == "42601")

            let nul = #expect(throws: PostgresError.self) {
                try connection.query("SELECT $1::text", ["a\u{0}b"])
            }
            #expect(nul?.code == .invalidParameter)

            // A rejected statement leaves the connection usable.
            #expect(connection.isConnected)
            #expect(try connection.query("SELECT 1 + $1::integer", ["1"]).rows == [["2"]])
        }

        @Test func connectFailuresSayConnectWithoutSecrets() throws {
            let refused = #expect(throws: PostgresError.self) {
                try PostgresConnection(
                    "postgresql://postgres@127.0.0.1:1/lienthong", connectTimeout: .seconds(2))
            }
            #expect(refused?.code == .connect)
            #expect(refused?.detail.contains("127.0.0.1:1") == true)

            let malformed = #expect(throws: PostgresError.self) {
                try PostgresConnection("host=127.0.0.1 password=hunter2 hunter3")
            }
            #expect(malformed?.code == .connect)
            #expect(malformed.map { !"\($0)".contains("hunter") } == true)
        }

        @Test func preparedStatementsServeRepeatedQueries() throws {
            let connection = try connect()
            try connection.execute(
                "CREATE TEMP TABLE codes AS SELECT i AS id, 'mã ' || i AS label FROM generate_series(1, 50) AS i"
            )
            for id in [7, 1, 50, 7, 23] {
                let result = try connection.query(
                    "SELECT label FROM codes WHERE id = $1", [String(id)], prepared: true)
                #expect(result.rows == [["mã \(id)"]])
            }

            try connection.prepare(
                "label_by_id", "SELECT label FROM codes WHERE id = $1", parameterCount: 1)
            #expect(try connection.execute(prepared: "label_by_id", ["42"]).rows == [["mã 42"]])
            #expect(try connection.execute(prepared: "label_by_id", ["51"]).rows.isEmpty)

            let unknown = #expect(throws: PostgresError.self) {
                try connection.execute(prepared: "no_such_statement")
            }
            #expect(unknown?.code == .query)
            #expect(unknown?.sqlState == "26000")
        }

        @Test func resetReconnectsAfterTheServerRestarts() async throws {
            let cluster = try PostgresServerTests.cluster()
            let connection = try PostgresConnection(cluster.url, connectTimeout: .seconds(2))
            #expect(
                try connection.query("SELECT $1::integer * 2", ["21"], prepared: true).rows == [["42"]])

            try await cluster.stop()
            #expect(connection.isAlive() == false)
            let lost = #expect(throws: PostgresError.self) { try connection.query("SELECT 1") }
            #expect(lost?.code == .connectionLost)
            #expect(connection.isConnected == false)
            let stillDown = #expect(throws: PostgresError.self) { try connection.reset() }
            #expect(stillDown?.code == .connect)

            try await cluster.start()
            try connection.reset()
            #expect(connection.isConnected)
            // The new session has no prepared statements; the cached one is prepared again.
            #expect(
                try connection.query("SELECT $1::integer * 2", ["50"], prepared: true).rows == [["100"]])
            #expect(connection.serverVersion >= 100_000)
        }
    }
}
