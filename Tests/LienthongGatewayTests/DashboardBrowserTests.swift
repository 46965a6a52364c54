import Foundation
import LienthongAudit
import LienthongJSON
import LienthongTesting
import Testing

/// The admin dashboard in a real headless browser: Debian's `chromium` and `chromium-driver`, driven by
/// `Tests/Browser/dashboard_check.py` through Python's `selenium` (pinned, in `.venv-selenium`, which `scripts/test`
/// creates) against the built gateway after a few real lookups.
///
/// The script signs in as a viewer and compares the month's figures with the report API's JSON, checks that the
/// viewer has no test button and that a forged POST is 403, signs in as an operator, runs a connector test with the
/// button, switches language, and saves screenshots to `.build/test-artifacts/dashboard-*.png` (kept after the run).
/// Without the browser or the virtual environment the test fails; `LIENTHONG_SKIP_BROWSER=1` skips it locally.
@Suite(.serialized)
struct DashboardBrowserTests {
    static let python = Repository.root.appendingPathComponent(".venv-selenium/bin/python")
    static let script = Repository.root.appendingPathComponent("Tests/Browser/dashboard_check.py")
    static let screenshots = Repository.root.appendingPathComponent(".build/test-artifacts")
    static let skipped = ProcessInfo.processInfo.environment["LIENTHONG_SKIP_BROWSER"] == "1"

    @Test(.disabled(if: skipped, "LIENTHONG_SKIP_BROWSER=1"), .timeLimit(.minutes(5)))
    func aViewerSeesTheReportsFiguresAndAnOperatorTestsAConnector() async throws {
        for tool in [Self.python.path, "/usr/bin/chromium", "/usr/bin/chromedriver"] {
            try #require(
                FileManager.default.isExecutableFile(atPath: tool),
                "\(tool) is missing: scripts/test installs chromium, chromium-driver and .venv-selenium")
        }
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let client = gateway.client()
        let personalID = try #require(try Seeds.rows("population.csv").first?["so_dinh_danh"])
        let motcua = "Bearer \(try gateway.token("motcua.token"))"
        // Two allowed, one denied, one unknown person: figures that are not all the same, and a recent error.
        let before = String(ISO8601DateFormatter().string(from: Date()).prefix(7))
        for (id, purpose) in [
            (personalID, "residence-verification"), (personalID, "residence-verification"),
            (personalID, "land-administration"), ("000000000000", "residence-verification"),
        ] {
            _ = try await gateway.get(
                "/v1/records/population/\(id)", headers: ["Authorization": motcua, "Lienthong-Purpose": purpose],
                client: client)
        }
        let month = String(ISO8601DateFormatter().string(from: Date()).prefix(7))
        let report = try await gateway.admin("/v1/reports/monthly?month=\(month)", client: client)
        #expect(report.status == 200)
        // Requests made across a UTC month end fall in two months: count both.
        var total = report.json["totals"]?["total"]?.numberValue?.int ?? 0
        if before != month {
            let earlier = try await gateway.admin("/v1/reports/monthly?month=\(before)", client: client)
            total += earlier.json["totals"]?["total"]?.numberValue?.int ?? 0
        }
        #expect(total >= 3)
        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        for old in ["dashboard-viewer-vi.png", "dashboard-operator-en.png", "dashboard-operator-vi.png"] {
            try? FileManager.default.removeItem(at: Self.screenshots.appendingPathComponent(old))
        }

        let output = try ChildProcess.run(
            Self.python, [Self.script.path],
            environment: [
                "LIENTHONG_ADMIN_URL": gateway.adminURL, "LIENTHONG_VIEWER_TOKEN": try gateway.adminToken("viewer"),
                "LIENTHONG_OPERATOR_TOKEN": try gateway.adminToken("operator"),
                "LIENTHONG_REPORT": String(decoding: report.body, as: UTF8.self), "LIENTHONG_MONTH": month,
                "LIENTHONG_SCREENSHOTS": Self.screenshots.path, "LIENTHONG_REGISTRY": "population",
            ])
        #expect(output.status == 0, "\(output.stdout.suffix(6_000))\(output.stderr.suffix(3_000))")
        for name in ["dashboard-viewer-vi.png", "dashboard-operator-en.png", "dashboard-operator-vi.png"] {
            let png = try Data(contentsOf: Self.screenshots.appendingPathComponent(name))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(name) is a PNG")
        }
        // The operator's test ran, and was audited, once; the viewer's forged one never reached the probe.
        let tests = try AuditLog.allRecords(path: gateway.auditPath).filter {
            $0.service == AuditEvent.adminService && $0.purpose == "connector.test"
        }
        #expect(tests.map(\.consumer) == ["operator:demo-operator"])
    }
}
