import Foundation
import LienthongHTTP
import LienthongJSON
import Testing

/// `GET /v1/reports/monthly` for operators (bearer tokens of `operatorTokenFiles`).
@Suite(.serialized)
struct MonthlyReportTests {
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
        for purpose in ["residence-verification", "land-administration"] {  // one allowed, one denied
            _ = try await gateway.get(
                "/v1/records/population/\(personalID)",
                headers: ["Authorization": motcua, "Lienthong-Purpose": purpose], client: client
            )
        }
        let operatorToken = "Bearer \(try gateway.token("operator.token"))"

        let json = try await gateway.get(
            "/v1/reports/monthly?month=\(Self.thisMonth)", headers: ["Authorization": operatorToken], client: client
        )
        #expect(json.status == 200)
        #expect(json.json["month"]?.stringValue == Self.thisMonth)
        #expect(json.json["totals"]?["total"] == 2)
        #expect(json.json["totals"]?["allowed"] == 1)
        #expect(json.json["totals"]?["denied"] == 1)
        #expect(json.json["byConsumer"]?["VN/GOV/HCM/MOTCUA"]?["total"] == 2)

        let csv = try await gateway.get(
            "/v1/reports/monthly?month=\(Self.thisMonth)&format=csv", headers: ["Authorization": operatorToken],
            client: client
        )
        #expect(csv.status == 200)
        #expect(csv.headers["Content-Type"]?.hasPrefix("text/csv") == true)
        let text = String(decoding: csv.body, as: UTF8.self)
        #expect(text.hasPrefix("section,key,total,allowed,denied,failed\r\n"))
        #expect(text.contains("outcome,all,2,1,1,0\r\n"))

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
