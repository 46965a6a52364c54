import Foundation
import LienthongAudit
import LienthongCore
import LienthongHTTP
import LienthongJSON
import LienthongStorage

/// `GET /v1/reports/monthly?month=YYYY-MM[&format=json|csv]`: the monthly exchange report, for operators.
struct ReportEndpoint: Sendable {
    let audit: AuditLog
    /// Who may read it; `nil` when the caller was authenticated already (the admin listener).
    let operators: OperatorAuthenticator?

    func monthly(_ request: HTTPRequest) async -> HTTPResponse {
        do throws(Problem) {
            try operators?.authenticate(authorization: request.headers["Authorization"])
        } catch {
            return .problem(error, requestID: nil)
        }
        guard let text = request.queryValue("month"), let month = AuditMonth(text) else {
            return .problem(GatewayProblems.invalidMonth, requestID: nil)
        }
        let format = request.queryValue("format") ?? "json"
        guard format == "json" || format == "csv" else {
            return .problem(GatewayProblems.invalidFormat, requestID: nil)
        }
        let report: AuditReport
        do {
            report = try await Self.report(audit, month: month)
        } catch {
            RequestTrace.current?.failed(
                RequestTrace.Failure(
                    part: .audit, registry: nil, code: GatewayProblems.auditUnavailable.code,
                    cause: "report read failed: \(error)"))
            return .problem(GatewayProblems.auditUnavailable, requestID: nil)
        }
        guard format == "csv" else { return .json(report.json) }
        return HTTPResponse(
            status: 200,
            headers: [
                "Content-Type": "text/csv; charset=utf-8", "Cache-Control": "no-store",
                "Content-Disposition": "attachment; filename=\"lienthong-\(month).csv\"",
            ],
            body: Array(report.csv.utf8)
        )
    }

    /// The report of `month` from the audit log: what this endpoint answers and the dashboard shows. A month of
    /// records is read on the ``BlockingPool``, never on the event loop that serves the request.
    static func report(_ audit: AuditLog, month: AuditMonth) async throws(AuditError) -> AuditReport {
        try await BlockingPool.shared.run { () throws(AuditError) in
            AuditReport.monthly(records: try audit.records(from: month.start, to: month.end), month: month)
        }
    }
}
