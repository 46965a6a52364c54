import Foundation
import LienthongAudit
import LienthongCommandLine

/// `lienthong report --month YYYY-MM [--format csv|json] [--db PATH]`: the monthly exchange report.
struct ReportCommand: LienthongCommand {
    static let command = Command(
        "report", summary: "monthly exchanges per consumer, provider and service; denials; latency",
        options: [
            .value("month", "YYYY-MM", help: "the month to report", format: .month, required: true),
            .value("format", "csv|json", help: "output format (default: csv)", format: .oneOf(["csv", "json"])),
            .value(
                "db", "PATH",
                help: "the audit database (default: $LIENTHONG_DATA_DIR/audit.sqlite, else .lienthong/audit.sqlite)"),
        ])

    let arguments: Arguments

    init(_ arguments: Arguments) { self.arguments = arguments }

    func run() throws -> Int32 {
        guard let text = arguments.option("month"), let month = AuditMonth(text) else {
            throw UsageError("report needs --month YYYY-MM")
        }
        let format = arguments.option("format") ?? "csv"
        let path = arguments.option("db") ?? AuditLog.defaultPath()
        guard FileManager.default.fileExists(atPath: path) else {
            throw UsageError("no audit database at \(path) (use --db PATH or LIENTHONG_DATA_DIR)")
        }
        let records = try AuditLog.records(path: path, from: month.start, to: month.end)
        let report = AuditReport.monthly(records: records, month: month)
        if format == "json" {
            print(report.json.serializedString(pretty: true))
        } else {
            print(report.csv, terminator: "")
        }
        return 0
    }
}
