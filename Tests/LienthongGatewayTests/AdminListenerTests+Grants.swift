import Foundation
import LienthongHTTP
import LienthongJSON
import Testing

extension AdminListenerTests {
    static let thue = "VN/GOV/BTC/THUE"

    /// The entries of the gateway's `grants.json` as (kind, consumer, service or recipient), in file order.
    static func grantNames(_ gateway: GatewayProcess) throws -> [String] {
        let file = gateway.configDirectory.appendingPathComponent("grants.json")
        return try JSONValue.parse(Array(try Data(contentsOf: file))).arrayValue?.map { grant in
            let kind = grant["kind"]?.stringValue ?? "lookup"
            let target = (kind == "messages" ? grant["recipient"] : grant["service"])?.stringValue ?? "-"
            return "\(kind) \(grant["consumer"]?.stringValue ?? "-") \(target)"
        } ?? []
    }

    /// The demo gives THUE a lookup grant and an events grant on the population service: one operator change names
    /// one of them, never both, and documents' `messages` grants (named by recipient) can be changed too.
    @Test func aGrantIsNamedByItsKindSoAChangeTouchesThatGrantOnly() async throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let client = gateway.client()
        let lookup = "lookup \(Self.thue) \(Self.population)"
        let events = "events \(Self.thue) \(Self.population)"
        #expect(try Self.grantNames(gateway).filter { $0 == lookup || $0 == events } == [lookup, events])

        // The events grant narrowed: the lookup grant of the same consumer and service stays as it was.
        let narrowed: JSONValue = [
            "kind": "events", "consumer": .string(Self.thue), "service": .string(Self.population),
            "eventTypes": ["person.deceased"], "purposes": ["tax-administration"], "fields": ["personalId"],
        ]
        let put = try await gateway.admin("/v1/grants", method: .put, role: "operator", body: narrowed, client: client)
        #expect(put.status == 200, "\(String(decoding: put.body, as: UTF8.self))")
        #expect(try Self.grantNames(gateway).filter { $0 == lookup || $0 == events } == [lookup, events])

        // The lookup grant removed: the events grant stays.
        let removed = try await gateway.admin(
            "/v1/grants?consumer=\(Self.thue)&service=\(Self.population)", method: .delete, role: "operator",
            client: client)
        #expect(removed.status == 200)
        #expect(try Self.grantNames(gateway).filter { $0 == lookup || $0 == events } == [events])

        // A documents grant, named by its recipient.
        let sending: JSONValue = [
            "kind": "messages", "consumer": .string(Self.thue), "recipient": .string(Self.motcua),
            "purposes": ["tax-administration"],
        ]
        let added = try await gateway.admin("/v1/grants", method: .put, role: "operator", body: sending, client: client)
        #expect(added.status == 200, "\(String(decoding: added.body, as: UTF8.self))")
        #expect(try Self.grantNames(gateway).contains("messages \(Self.thue) \(Self.motcua)"))
        let revoked = try await gateway.admin(
            "/v1/grants?consumer=\(Self.thue)&recipient=\(Self.motcua)", method: .delete, role: "operator",
            client: client)
        #expect(revoked.status == 200)
        #expect(try !Self.grantNames(gateway).contains("messages \(Self.thue) \(Self.motcua)"))

        // A name that fits no kind is refused, and nothing changes.
        let before = try Self.grantNames(gateway)
        let ambiguous = try await gateway.admin(
            "/v1/grants?consumer=\(Self.thue)&service=\(Self.population)&kind=messages", method: .delete,
            role: "operator", client: client)
        #expect(ambiguous.status == 400)
        #expect(try Self.grantNames(gateway) == before)
        let eventsRemoved = try await gateway.admin(
            "/v1/grants?consumer=\(Self.thue)&service=\(Self.population)&kind=events", method: .delete,
            role: "operator", client: client)
        #expect(eventsRemoved.status == 200)
        #expect(try Self.grantNames(gateway).filter { $0 == lookup || $0 == events }.isEmpty)
    }
}
