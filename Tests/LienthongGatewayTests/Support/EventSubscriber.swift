import Foundation
import LienthongHTTP
import LienthongJSON
import LienthongStorage
import LienthongTesting

/// A consumer of change events on a demo gateway, by its bearer token, and the demo population database that the
/// tests change as the agency would.
struct EventSubscriber {
    let gateway: GatewayProcess
    var token = "thue.token"

    /// `POST /v1/subscriptions` with `body`.
    func subscribe(_ body: JSONValue) async throws -> HTTPClientResponse {
        try await gateway.post(
            "/v1/subscriptions", body: body.serializedBytes(),
            headers: ["Authorization": "Bearer \(try gateway.token(token))", "Content-Type": "application/json"],
            client: gateway.client())
    }

    /// A subscription of THUE to both person events for `tax-administration`; its id.
    func subscribeToPersons(filter: JSONValue? = nil) async throws -> String {
        var body: JSONObject = [
            "service": "VN/GOV/BCA/DANCU/person", "eventTypes": ["person.address-changed", "person.deceased"],
            "purpose": "tax-administration",
        ]
        if let filter { body["filter"] = filter }
        let answer = try await subscribe(.object(body))
        guard answer.status == 201, let id = answer.json["id"]?.stringValue else {
            throw GatewayProcessError(message: "subscribe: \(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
        }
        return id
    }

    /// A GET of `path` with the token.
    func get(_ path: String) async throws -> HTTPClientResponse {
        try await gateway.get(path, headers: ["Authorization": "Bearer \(try gateway.token(token))"], client: gateway.client())
    }

    /// A DELETE of `path` with the token.
    func delete(_ path: String) async throws -> HTTPClientResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer \(try gateway.token(token))")
        return try await gateway.client().send(
            HTTPClientRequest(url: gateway.baseURL + path, method: .delete, headers: headers))
    }

    /// `GET /v1/events` of `subscription` after `after` (if given), waiting up to `wait` seconds.
    func read(_ subscription: String, after: Int64? = nil, wait: Int = 0, limit: Int? = nil) async throws
        -> HTTPClientResponse
    {
        var path = "/v1/events?subscription=\(subscription)&wait=\(wait)"
        if let after { path += "&after=\(after)" }
        if let limit { path += "&limit=\(limit)" }
        return try await get(path)
    }

    /// Reads on from `after` until `count` events arrived (bounded); the envelopes in order.
    func collect(_ subscription: String, after: Int64, count: Int, limit: Int? = nil) async throws -> [JSONValue] {
        var events: [JSONValue] = []
        var next = after
        _ = try await Poll.until(within: .seconds(30), every: .milliseconds(50)) {
            let answer = try await read(subscription, after: next, wait: 2, limit: limit)
            // 503 says "try again" (the store is not answering now: a JetStream stream just made, its leader not
            // elected yet); a client reads again, as this does within its bound.
            if answer.status == 503 { return false }
            guard answer.status == 200 else { throw GatewayProcessError(message: "read: \(answer.status)") }
            events += answer.json["events"]?.arrayValue ?? []
            next = Int64(answer.json["next"]?.numberValue?.int ?? Int(next))
            return events.count >= count
        }
        return events
    }

    /// The population database, changed as the agency's own application would.
    var population: String { gateway.dataDirectory.appendingPathComponent("population.sqlite").path }

    /// Runs `sql` with `bindings` on the population database.
    func change(_ sql: String, _ bindings: [SQLiteValue]) throws {
        let database = try SQLiteDatabase(path: population, mode: .readWrite)
        _ = try database.query(sql, bindings)
    }

    /// A living person of the demo who has a development citizen token (so transparency can be read for them).
    func livingPersonWithToken() throws -> String {
        let tokens = gateway.dataDirectory.appendingPathComponent("secrets/citizen-tokens")
        let database = try SQLiteDatabase(path: population, mode: .readOnly)
        for file in try FileManager.default.contentsOfDirectory(atPath: tokens.path).sorted() {
            let id = String(file.dropLast(".token".count))
            let rows = try database.query(
                "SELECT trang_thai FROM cong_dan WHERE so_dinh_danh = ?1", [.text(id)])
            if case .text("Còn sống") = rows.first?.first { return id }
        }
        throw GatewayProcessError(message: "no living person with a citizen token")
    }

    /// Runs `lienthong verify` on `envelope`.
    func verify(_ envelope: JSONValue) throws -> ChildProcess.Output {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-event-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(envelope.serializedBytes(pretty: true)).write(to: file)
        return try ChildProcess.run(GatewayProcess.binary, ["verify", file.path, "--trust-anchor", gateway.rootCA])
    }
}
