import Foundation
import LienthongAudit
import LienthongHTTP
import LienthongJSON
import LienthongStorage
import LienthongTesting
import Testing

/// Change events end to end with the built binary: the demo population database changes as its agency's application
/// would change it (its triggers fill the change table), the node publishes signed `change-event.v1` events with the
/// registry's next sequence, and VN/GOV/BTC/THUE reads them under its `events` grant.
@Suite(.serialized)
struct ChangeEventTests {
    /// One gateway for the suite, keeping the newest 6 events per registry so that expiry is cheap to reach.
    static let gateway: Result<GatewayProcess, any Error> = Result {
        try GatewayProcess(
            configDirectory: try GatewayProcess.demoConfiguration { directory in
                try GatewayProcess.editJSON(directory.appendingPathComponent("node.json")) {
                    $0["events"] = ["retentionEvents": 6]
                }
            })
    }

    func subscriber() throws -> EventSubscriber { EventSubscriber(gateway: try Self.gateway.get()) }

    static let addressUpdate = "UPDATE cong_dan SET dia_chi_chi_tiet = ?2 WHERE so_dinh_danh = ?1"

    /// The registry's last sequence now, as a new subscription reports it.
    func head(_ subscriber: EventSubscriber) async throws -> Int64 {
        let id = try await subscriber.subscribeToPersons()
        let answer = try await subscriber.get("/v1/subscriptions/\(id)")
        return Int64(try #require(answer.json["after"]?.numberValue?.int))
    }

    @Test func aChangeIsPublishedOnceWithTheNextSequenceProjectedSignedAndAudited() async throws {
        let subscriber = try subscriber()
        let person = try subscriber.livingPersonWithToken()
        let id = try await subscriber.subscribeToPersons()
        let created = try await subscriber.get("/v1/subscriptions/\(id)")
        #expect(created.status == 200)
        let start = Int64(try #require(created.json["after"]?.numberValue?.int))

        try subscriber.change(Self.addressUpdate, [.text(person), .text("Số 1 đường Sự Kiện")])
        try subscriber.change("UPDATE cong_dan SET trang_thai = 'Đã mất' WHERE so_dinh_danh = ?1", [.text(person)])
        let events = try await subscriber.collect(id, after: start, count: 2)
        let messages = events.compactMap { $0["message"] }
        // The address change first (no baseline yet: a change the node cannot rule out), then only the death: the
        // address did not change again.
        #expect(messages.map { $0["eventType"]?.stringValue } == ["person.address-changed", "person.deceased"])
        #expect(messages.map { $0["sequence"]?.numberValue?.int } == [Int(start) + 1, Int(start) + 2])
        #expect(messages[0]["record"]?["permanentAddress"]?["addressLine"] == "Số 1 đường Sự Kiện")
        #expect(messages[1]["record"]?["status"] == "deceased")
        // person.deceased carries dateOfBirth, which THUE's grant does not release: it is not in what THUE gets.
        #expect(messages[1]["record"]?["personalId"]?.stringValue == person)
        #expect(messages[1]["record"]?["dateOfBirth"] == nil)
        #expect(messages.allSatisfy { $0["provider"] == "VN/GOV/BCA/DANCU" && $0["type"] == "change-event" })
        for event in events {
            let verified = try subscriber.verify(event)
            #expect(verified.status == 0, "\(verified.stdout)")
            #expect(verified.stdout.contains("message: type change-event"), "\(verified.stdout)")
        }
        // A projected event changed after signing does not verify.
        var forged = try #require(events[1].objectValue)
        var message = try #require(forged["message"]?.objectValue)
        message["eventType"] = "person.address-changed"
        forged["message"] = .object(message)
        #expect(try subscriber.verify(.object(forged)).status == 1)

        // Once: nothing more after them, however long the node polls.
        let again = try await subscriber.read(id, after: start + 2, wait: 2)
        #expect(again.status == 200)
        #expect(again.json["events"]?.arrayValue == [])

        // Each delivered event is in the person's transparency view.
        let citizen = try subscriber.gateway.token("citizen-tokens/\(person).token")
        let accesses = try await subscriber.gateway.get(
            "/v1/transparency/persons/\(person)/accesses", headers: ["Authorization": "Citizen \(citizen)"],
            client: subscriber.gateway.client())
        let entries = (accesses.json["accesses"]?.arrayValue ?? []).filter {
            $0["consumer"] == "VN/GOV/BTC/THUE" && $0["service"] == "VN/GOV/BCA/DANCU/person"
        }
        #expect(entries.count == 2, "\(accesses.json)")
        #expect(try AuditLog.verify(path: subscriber.gateway.auditPath).isValid)
    }

    @Test func aSubscriberThatFellBehindGetsEveryEventAfterItsLastSequenceOncePerID() async throws {
        let subscriber = try subscriber()
        let id = try await subscriber.subscribeToPersons()
        let start = try await head(subscriber)
        let people = try SQLiteDatabase(path: subscriber.population, mode: .readOnly).query(
            "SELECT so_dinh_danh FROM cong_dan WHERE trang_thai = 'Còn sống' ORDER BY so_dinh_danh DESC LIMIT 4")
        for (index, row) in people.enumerated() {
            try subscriber.change(Self.addressUpdate, [row[0], .text("Số \(index + 10) đường Tụt Hậu")])
        }
        // It reads one event, then stops; meanwhile all four are published.
        let first = try await subscriber.collect(id, after: start, count: 1, limit: 1)
        #expect(first.count == 1)
        let last = Int64(try #require(first.last?["message"]?["sequence"]?.numberValue?.int))
        _ = try await Poll.until(within: .seconds(20)) {
            try await head(subscriber) >= start + 4
        }
        // Reconnecting with its last sequence, in pages of two: every later event, each id once, in order.
        let rest = try await subscriber.collect(id, after: last, count: 3, limit: 2)
        let all = (first + rest).compactMap { $0["message"] }
        #expect(all.map { $0["sequence"]?.numberValue?.int } == (1...4).map { Int(start) + $0 })
        #expect(Set(all.compactMap { $0["id"]?.stringValue }).count == 4)
        // Replayable: the same sequence again gives the same events, same ids.
        let replay = try await subscriber.collect(id, after: last, count: 3)
        #expect(replay.compactMap { $0["message"]?["id"] } == rest.compactMap { $0["message"]?["id"] })
    }

    @Test func aFilterOnAGrantedFieldKeepsOnlyItsEvents() async throws {
        let subscriber = try subscriber()
        let rows = try SQLiteDatabase(path: subscriber.population, mode: .readOnly).query(
            "SELECT so_dinh_danh, ma_tinh FROM cong_dan WHERE trang_thai = 'Còn sống' ORDER BY so_dinh_danh LIMIT 2 OFFSET 20")
        let province = try #require(rows.first?[1])
        guard case .text(let code) = province else { Issue.record("no province"); return }
        let id = try await subscriber.subscribeToPersons(
            filter: ["field": "/permanentAddress/provinceCode", "equals": .string(code)])
        let start = try await head(subscriber)
        try subscriber.change(
            "UPDATE cong_dan SET dia_chi_chi_tiet = 'Số 5 đường Lọc', ma_tinh = '99' WHERE so_dinh_danh = ?1", [rows[1][0]])
        try subscriber.change(Self.addressUpdate, [rows[0][0], .text("Số 6 đường Lọc")])
        let events = try await subscriber.collect(id, after: start, count: 1)
        #expect(events.compactMap { $0["message"]?["record"]?["permanentAddress"]?["provinceCode"] } == [.string(code)])
    }

    /// A subscription of the subscriber's consumer to `type` of `service` for `purpose`; its id and start.
    func subscribe(
        _ subscriber: EventSubscriber, _ service: String, _ type: String, _ purpose: String
    ) async throws -> (id: String, after: Int64) {
        let answer = try await subscriber.subscribe(
            ["service": .string(service), "eventTypes": [.string(type)], "purpose": .string(purpose)])
        #expect(answer.status == 201, "\(String(decoding: answer.body, as: UTF8.self))")
        return (
            try #require(answer.json["id"]?.stringValue), Int64(try #require(answer.json["after"]?.numberValue?.int))
        )
    }

    /// Runs `sql` on the demo database of `registry`.
    func change(_ subscriber: EventSubscriber, _ registry: String, _ sql: String) throws {
        let path = subscriber.gateway.dataDirectory.appendingPathComponent("\(registry).sqlite").path
        try SQLiteDatabase(path: path, mode: .readWrite).execute(sql)
    }

    @Test func theOtherDemoRegistriesPublishTheirEventsByUpdatedAtAndByFeed() async throws {
        var subscriber = try subscriber()
        let enterprise = try await subscribe(
            subscriber, "VN/GOV/BTC/DKKD/enterprise", "enterprise.dissolved", "tax-administration")
        try change(
            subscriber, "enterprise",
            "UPDATE doanh_nghiep SET tinh_trang = 'Đã giải thể' WHERE ma_so_doanh_nghiep = '0935673853'")
        let dissolved = try await subscriber.collect(enterprise.id, after: enterprise.after, count: 1)
        #expect(dissolved.first?["message"]?["record"]?["enterpriseCode"] == "0935673853")
        #expect(dissolved.first?["message"]?["record"]?["status"] == "dissolved")
        #expect(dissolved.first?["message"]?["sequence"]?.numberValue?.int == Int(enterprise.after) + 1)

        subscriber.token = "motcua.token"
        let insurance = try await subscribe(
            subscriber, "VN/GOV/BHXH/CSDLBH/insurance-participation", "participation.stopped", "social-insurance")
        try change(
            subscriber, "insurance",
            "UPDATE qua_trinh_tham_gia SET trang_thai = 3, den_thang = '12/2026' WHERE ma_so_bhxh = '7963860089'")
        let stopped = try await subscriber.collect(insurance.id, after: insurance.after, count: 1)
        #expect(stopped.first?["message"]?["record"]?["socialInsuranceNumber"] == "7963860089")
        #expect(stopped.first?["message"]?["record"]?["status"] == "ended")

        // The land registry is reached over HTTP: its agency API's change feed says which parcel changed.
        let land = try await subscribe(
            subscriber, "VN/GOV/BNNMT/DATDAI/land-parcel", "parcel.transferred", "land-administration")
        try change(
            subscriber, "land",
            """
            UPDATE thua_dat SET tai_lieu = json_set(tai_lieu, '$.chuSuDung',
                json('[{"loai": "CN", "soGiayTo": "001090012345", "ten": "Trần Văn Mua"}]'))
            WHERE ma_xa = '44004' AND so_to_ban_do = 45 AND so_thua = 66
            """)
        let transferred = try await subscriber.collect(land.id, after: land.after, count: 1)
        let message = try #require(transferred.first?["message"])
        #expect(message["eventType"] == "parcel.transferred")
        #expect(message["record"]?["parcelId"] != nil)
        #expect(message["record"]?["holders"]?.arrayValue?.count == 1)
        for event in dissolved + stopped + transferred {
            #expect(try subscriber.verify(event).status == 0)
        }
    }

    /// A subscription asked that the node refuses: the caller's token file, the body, the status and the code.
    struct Refusal: Sendable, CustomTestStringConvertible {
        let token: String
        let body: String
        let status: Int
        let code: String
        var testDescription: String { code }
    }

    static let refusals: [Refusal] = [
        // No events grant of MOTCUA for the population's events.
        Refusal(
            token: "motcua.token",
            body: #"{"service":"VN/GOV/BCA/DANCU/person","eventTypes":["person.deceased"],"purpose":"residence-verification"}"#,
            status: 403, code: "event.not-granted"),
        Refusal(
            token: "thue.token",
            body: #"{"service":"VN/GOV/BCA/DANCU/person","eventTypes":["person.married"],"purpose":"tax-administration"}"#,
            status: 422, code: "event.unknown-event-type"),
        Refusal(
            token: "thue.token",
            body: #"{"service":"VN/GOV/BCA/DANCU/person","eventTypes":["person.deceased"],"purpose":"no-such-purpose"}"#,
            status: 400, code: "event.unknown-purpose"),
        Refusal(
            token: "thue.token",
            body: #"{"service":"VN/GOV/BCA/DANCU/person","eventTypes":["person.deceased"],"purpose":"social-insurance"}"#,
            status: 403, code: "event.purpose-not-granted"),
        Refusal(
            token: "thue.token",
            body: #"{"service":"VN/GOV/BNNMT/DATDAI/land-document","eventTypes":["parcel.transferred"],"purpose":"tax-administration"}"#,
            status: 422, code: "event.unknown-service"),
        // dateOfBirth is not granted to THUE: filtering on it would tell its value.
        Refusal(
            token: "thue.token",
            body: #"{"service":"VN/GOV/BCA/DANCU/person","eventTypes":["person.deceased"],"purpose":"tax-administration","filter":{"field":"/dateOfBirth","equals":"1990-01-01"}}"#,
            status: 403, code: "event.not-granted"),
        Refusal(
            token: "thue.token",
            body: #"{"service":"VN/GOV/BCA/DANCU/person","eventTypes":[],"purpose":"tax-administration"}"#,
            status: 400, code: "event.invalid-subscription"),
    ]

    @Test(arguments: refusals)
    func aRefusedSubscriptionIsAProblemWithItsOwnCode(_ refusal: Refusal) async throws {
        var subscriber = try subscriber()
        subscriber.token = refusal.token
        let answer = try await subscriber.subscribe(try JSONValue.parse(Array(refusal.body.utf8)))
        #expect(answer.status == refusal.status, "\(String(decoding: answer.body, as: UTF8.self))")
        #expect(answer.problemCode == refusal.code)
        #expect(answer.headers["Content-Type"] == "application/problem+json")
    }

    @Test func aSequenceOlderThanTheRetentionIsGoneAndAnotherConsumersSubscriptionIsNotFound() async throws {
        let subscriber = try subscriber()
        let id = try await subscriber.subscribeToPersons()
        let start = try await head(subscriber)
        let people = try SQLiteDatabase(path: subscriber.population, mode: .readOnly).query(
            "SELECT so_dinh_danh FROM cong_dan WHERE trang_thai = 'Còn sống' ORDER BY so_dinh_danh LIMIT 8 OFFSET 40")
        for (index, row) in people.enumerated() {
            try subscriber.change(Self.addressUpdate, [row[0], .text("Số \(index + 30) đường Hết Hạn")])
        }
        _ = try await Poll.until(within: .seconds(20)) { try await head(subscriber) >= start + 8 }
        // The publisher prunes only after its round over every source, so the head can move before the prune
        // commits: wait for the expiry itself, not for the head.
        _ = try await Poll.until(within: .seconds(20)) { try await subscriber.read(id, after: start).status == 410 }
        // The newest 6 are kept: after start (two before the oldest kept) is gone, after start + 2 is not.
        let expired = try await subscriber.read(id, after: start)
        #expect(expired.status == 410)
        #expect(expired.problemCode == "event.sequence-expired")
        #expect(try await subscriber.read(id, after: start + 2).status == 200)

        var other = subscriber
        other.token = "motcua.token"
        #expect(try await other.read(id).problemCode == "event.subscription-not-found")
        #expect(try await other.delete("/v1/subscriptions/\(id)").status == 404)
        #expect(try await subscriber.read("not-a-subscription").problemCode == "event.subscription-not-found")
        #expect(try await subscriber.get("/v1/events?subscription=\(id)&wait=31").problemCode == "event.invalid-query")
        #expect(try await subscriber.delete("/v1/subscriptions/\(id)").status == 204)
        #expect(try await subscriber.read(id).problemCode == "event.subscription-not-found")
    }
}
