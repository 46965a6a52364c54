import Foundation
import LienthongConnectors
import Testing

struct CSVTableTests {
    /// Found by the `csv` fuzz target (Tests/Fuzz/csv/regressions/duplicate-column-name.csv): `records` trapped on
    /// a header that names a column twice.
    @Test func aHeaderNamingAColumnTwiceIsNotATable() throws {
        #expect(CSVTable(text: "ma,ten,ma\n1,A,2\n") == nil)
        // Swift compares names by canonical equivalence: "é" precomposed and decomposed are one name.
        #expect(CSVTable(text: "t\u{E9}n,te\u{301}n\nA,B\n") == nil)
        let table = try #require(CSVTable(text: "ma,ten\n1,A\n"))
        #expect(table.records == [["ma": "1", "ten": "A"]])
    }

    @Test func aFileWithADuplicateColumnIsAContractViolation() async throws {
        let path = try TestSupport.temporaryDirectory() + "/registry.csv"
        try "ma,ten,ten\n1,A,B\n".write(toFile: path, atomically: false, encoding: .utf8)
        let connector = CSVConnector(registry: "demo", configuration: .init(path: path, keyColumn: "ma"))
        await #expect(throws: ConnectorError(code: .upstreamContractViolation, registry: "", detail: "")) {
            try await connector.lookup(key: "1")
        }
    }
}
