import Foundation
import LienthongHTTP
import LienthongJSON
import Testing

/// `GET /v1/reports/monthly` for operators (bearer tokens of `operatorTokenFiles`).
@Suite(.serialized)
struct MonthlyReportTests {
    /// The UTC month now, as the report names it (`2026-12`).
    private static var thisMonth: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month], from: Date())
        return String(format: "%04d-%02d", parts.year!, parts.month!)
    }

    @Test func operatorReadsTheMonthAsJSONAndCSV() async throws {
        let gateway = try GatewayProcess()
        let client = gateway.client()
        let personalID = try #require(try Seeds.rows("population.csv").first?["so_dinh_danh"])
        let motcua = "Bearer \(try gateway.token("motcua.token"))"
        // Requests made across a UTC month end fall in two months: the figures are then the sum of both reports.
        let before = Self.thisMonth
        for purpose in ["residence-verification", "land-administration"] {  // one allowed, one denied
            _ = try await gateway.get(
                "/v1/records/population/\(personalID)",
                headers: ["Authorization": motcua, "Lienthong-Purpose": purpose], client: client
            )
        }
        let months = Set([before, Self.thisMonth]).sorted()
        let operatorToken = "Bearer \(try gateway.token("operator.token"))"

        var figures = (total: 0, allowed: 0, denied: 0, consumer: 0)
        var outcomes = [0, 0, 0, 0]  // the CSV's `outcome,all` row: total, allowed, denied, failed
        for month in months {
            let json = try await gateway.get(
                "/v1/reports/monthly?month=\(month)", headers: ["Authorization": operatorToken], client: client)
            #expect(json.status == 200)
            #expect(json.json["month"]?.stringValue == month)
            let totals = json.json["totals"]
            figures.total += totals?["total"]?.numberValue?.int ?? 0
            figures.allowed += totals?["allowed"]?.numberValue?.int ?? 0
            figures.denied += totals?["denied"]?.numberValue?.int ?? 0
            figures.consumer += json.json["byConsumer"]?["VN/GOV/HCM/MOTCUA"]?["total"]?.numberValue?.int ?? 0

            let csv = try await gateway.get(
                "/v1/reports/monthly?month=\(month)&format=csv", headers: ["Authorization": operatorToken],
                client: client)
            #expect(csv.status == 200)
            #expect(csv.headers["Content-Type"]?.hasPrefix("text/csv") == true)
            let text = String(decoding: csv.body, as: UTF8.self)
            #expect(text.hasPrefix("section,key,total,allowed,denied,failed\r\n"))
            let row = text.split(separator: "\r\n").first { $0.hasPrefix("outcome,all,") }
            let counts = row?.split(separator: ",").dropFirst(2).compactMap { Int($0) } ?? []
            #expect(counts.count == 4, "\(text)")
            for (index, count) in counts.prefix(4).enumerated() { outcomes[index] += count }
        }
        #expect(figures.total == 2 && figures.allowed == 1 && figures.denied == 1 && figures.consumer == 2)
        #expect(outcomes == [2, 1, 1, 0])

        let empty = try await gateway.get(
            "/v1/reports/monthly?month=2001-01", headers: ["Authorization": operatorToken], client: client
        )
        #expect(empty.json["totals"]?["total"] == 0)
    }

    @Test func onlyOperatorsMayAskAndTheMonthIsChecked() async throws {
        let gateway = try SharedGateway.get()
        let client = gateway.client()
        let consumer = try await gateway.get(
            "/v1/reports/monthly?month=2026-11",
            headers: ["Authorization": "Bearer \(try gateway.token("motcua.token"))"],
            client: client
        )
        #expect(consumer.status == 401)
        #expect(consumer.problemCode == "unauthenticated")
        let withCertificate = try await gateway.get(
            "/v1/reports/monthly?month=2026-11",
            client: gateway.client(certificate: gateway.clientCertificate("VN/GOV/HCM/MOTCUA"))
        )
        #expect(withCertificate.status == 401)
        let operatorToken = "Bearer \(try gateway.token("operator.token"))"
        for query in ["", "?month=2026-13", "?month=26-11", "?month=2026-11&format=xml"] {
            let response = try await gateway.get(
                "/v1/reports/monthly\(query)", headers: ["Authorization": operatorToken], client: client
            )
            #expect(response.status == 400, "\(query)")
            #expect(["invalid-month", "invalid-format"].contains(response.problemCode ?? ""))
        }
    }
}
