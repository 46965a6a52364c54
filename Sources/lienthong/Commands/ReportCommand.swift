import Foundation
import LienthongAudit

/// `lienthong report --month YYYY-MM [--format csv|json] [--db PATH]`: the monthly exchange report.
struct ReportCommand {
    let arguments: Arguments

    init(_ arguments: Arguments) { self.arguments = arguments }

    func run() throws {
        guard arguments.positional.isEmpty else { throw UsageError("report takes no positional arguments") }
        guard let text = arguments.option("month"), let month = AuditMonth(text) else {
            throw UsageError("report needs --month YYYY-MM")
        }
        let format = arguments.option("format") ?? "csv"
        guard format == "csv" || format == "json" else { throw UsageError("--format is csv or json") }
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
    }
}
