import LienthongStorage
import Testing

struct PostgresResultTests {
    private let result = PostgresResult(
        columns: ["ma_so", "ten", "ma_so"],
        rows: [["0101", "Công ty A", "x"], ["0102", nil, "y"]],
        affectedRows: 2
    )

    @Test func rowsAsDictionariesKeepNullsAndTheFirstOfRepeatedNames() {
        #expect(result.count == 2)
        #expect(result.row(at: 0) == ["ma_so": "0101", "ten": "Công ty A"])
        let second: [String: String?] = ["ma_so": "0102", "ten": nil]
        #expect(result.row(at: 1) == second)
        #expect(result.namedRows.count == 2)
        #expect(result.namedRows[1]["ten"] == .some(nil))
    }

    @Test func valuesByColumnNameTellNullFromMissing() {
        #expect(result.columnIndex(named: "ten") == 1)
        #expect(result.value(row: 0, column: "ten") == .some("Công ty A"))
        #expect(result.value(row: 1, column: "ten") == .some(nil))
        #expect(result.value(row: 1, column: "khong_co") == nil)
    }

    @Test func errorsCompareByCodeAndPrintTheirWireCode() {
        let lost = PostgresError(
            .connectionLost, "query: connection to 127.0.0.1:5432/lienthong lost", sqlState: "57P01")
        #expect(lost == PostgresError(.connectionLost, "another detail"))
        #expect(lost != PostgresError(.connect, "query: connection to 127.0.0.1:5432/lienthong lost"))
        #expect(lost.code.wireCode == "postgres.connection-lost")
        #expect(
            "\(lost)" == "postgres.connection-lost: query: connection to 127.0.0.1:5432/lienthong lost")
        let codes: [PostgresError.Code] = [
            .connect, .query, .connectionLost, .timeout, .poolClosed, .cancelled, .invalidParameter,
        ]
        #expect(Set(codes.map(\.wireCode)).count == codes.count)
        #expect(codes.allSatisfy { $0.wireCode.hasPrefix("postgres.") })
    }
}
