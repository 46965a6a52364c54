import Foundation
import LienthongAudit
import LienthongHTTP
import LienthongJSON
import LienthongTesting
import Testing

/// Rate limits through the built binary (issue #20, point 8): a grant's limit per consumer and service, a
/// registry's limit across consumers, 429 `rate-limited` with `Retry-After` before any registry is asked, audited
/// as a denial, and kept across a reload.
@Suite(.serialized)
struct RateLimitTests {
    static let person = "/v1/records/population/096089760382"
    static let personService = "VN/GOV/BCA/DANCU/person"
    static let motcua = "VN/GOV/HCM/MOTCUA"
    /// Slow enough that no request of a test is given back by the refill (one per 1000 s).
    static let tiny: JSONValue = ["requestsPerSecond": 0.001, "burst": 2]

    /// Sets `rateLimit` on the grants of `consumer` for `service` (or, with `consumer` nil, on the registry of
    /// `service` in registries.json).
    static func limit(_ limit: JSONValue, consumer: String?, service: String, in directory: URL) throws {
        let file = directory.appendingPathComponent(consumer == nil ? "registries.json" : "grants.json")
        var entries = try JSONValue.parse(Array(try Data(contentsOf: file))).arrayValue ?? []
        var found = false
        for (index, entry) in entries.enumerated()
        where entry["service"]?.stringValue == service
            && (consumer == nil || entry["consumer"]?.stringValue == consumer)
        {
            var object = try #require(entry.objectValue)
            object["rateLimit"] = limit
            entries[index] = .object(object)
            found = true
        }
        try #require(found)
        try Data(JSONValue.array(entries).serializedBytes(pretty: true)).write(to: file)
    }

    /// A GET of the demo person with `token`'s consumer for `purpose`.
    static func lookUp(
        _ gateway: GatewayProcess, token: String, purpose: String, requestID: String = UUID().uuidString.lowercased(),
        client: HTTPClient
    ) async throws -> HTTPClientResponse {
        try await gateway.get(
            person,
            headers: [
                "Authorization": "Bearer \(try gateway.token(token))", "Lienthong-Purpose": purpose,
                "Lienthong-Request-Id": requestID,
            ],
            client: client)
    }

    /// Checks a 429: the code, the body's `retryAfter` equal to `Retry-After`, within `1...most` seconds.
    static func expectRateLimited(_ response: HTTPClientResponse, scope: String, most: Int) {
        #expect(response.status == 429)
        #expect(response.problemCode == "rate-limited")
        #expect(response.headers["Lienthong-Problem-Code"] == "rate-limited")
        let header = response.headers["Retry-After"].flatMap { Int($0) }
        #expect(header.map { (1...most).contains($0) } == true, "Retry-After \(String(describing: header))")
        #expect(response.json["retryAfter"]?.numberValue?.int == header)
        #expect(response.json["limit"]?["scope"]?.stringValue == scope)
        #expect(response.json["limit"]?["service"]?.stringValue == personService)
    }

    @Test func aConsumerPastItsBurstGets429WithRetryAfterAnotherIsUnaffectedAndTheRefusalIsAudited() async throws {
        let config = try GatewayProcess.demoConfiguration {
            try Self.limit(Self.tiny, consumer: Self.motcua, service: Self.personService, in: $0)
        }
        let gateway = try GatewayProcess(configDirectory: config)
        defer { gateway.stop() }
        let client = gateway.client()
        defer { client.shutdown() }
        for _ in 0..<2 {
            let admitted = try await Self.lookUp(
                gateway, token: "motcua.token", purpose: "residence-verification", client: client)
            #expect(admitted.status == 200)
        }
        let refusedID = UUID().uuidString.lowercased()
        let refused = try await Self.lookUp(
            gateway, token: "motcua.token", purpose: "residence-verification", requestID: refusedID, client: client)
        // One request per 1000 s: the next is due in about 1000 s.
        Self.expectRateLimited(refused, scope: "consumer", most: 1000)
        #expect(try #require(refused.headers["Retry-After"].flatMap { Int($0) }) > 900)
        #expect(refused.headers["Lienthong-Request-Id"] == refusedID)

        // Another consumer of the same service has its own grant, without a limit.
        for _ in 0..<3 {
            let other = try await Self.lookUp(
                gateway, token: "thue.token", purpose: "tax-administration", client: client)
            #expect(other.status == 200)
        }
        // The limit is the consumer's on the service, not on the consumer: its other services still answer.
        let enterprise = try #require(try Seeds.demoLookups().first { $0.schema == "enterprise.v1" })
        let otherService = try await gateway.get(
            enterprise.path,
            headers: [
                "Authorization": "Bearer \(try gateway.token("motcua.token"))", "Lienthong-Purpose": enterprise.purpose,
            ],
            client: client)
        #expect(otherService.status == 200)

        // The refusal is audited as a denial, and the request id is not used up by it.
        let records = try AuditLog.allRecords(path: gateway.auditPath).filter { $0.requestID == refusedID }
        #expect(records.count == 1)
        #expect(records.first?.outcome == .denied)
        #expect(records.first?.status == 429)
        #expect(records.first?.problemCode == "rate-limited")
        #expect(records.first?.consumer == Self.motcua)
        #expect(records.first?.service == Self.personService)

        // No registry was asked for the refused request: its access line has no upstream time.
        let output = try #require(gateway.standardOutput)
        let lines = try await output.lines { lines in Self.accessLine(refusedID, in: lines) != nil }
        let access = try #require(Self.accessLine(refusedID, in: lines))
        #expect(access["status"]?.numberValue?.int == 429)
        #expect(access["problem"]?.stringValue == "rate-limited")
        #expect(access["upstreamMs"] == .null)

        // The consumer reads its limit in /v1/services.
        let services = try await gateway.get(
            "/v1/services", headers: ["Authorization": "Bearer \(try gateway.token("motcua.token"))"], client: client)
        let person = services.json["services"]?.arrayValue?.first { $0["service"]?.stringValue == Self.personService }
        #expect(person?["rateLimit"] == Self.tiny)

        // Counted in the metrics (on the admin listener) by its code.
        let metrics = try await gateway.metrics(client: client)
        let counted = metrics.split(separator: "\n").filter {
            $0.hasPrefix("lienthong_requests_total{") && $0.contains(#"status="429""#)
                && $0.contains(#"code="rate-limited""#)
        }
        #expect(counted.count == 1 && counted.first?.hasSuffix(" 1") == true, "\(counted)")
    }

    @Test func aRegistryLimitCountsEveryConsumerAndTheProfileIsRefusedWhole() async throws {
        let config = try GatewayProcess.demoConfiguration {
            try Self.limit(Self.tiny, consumer: nil, service: Self.personService, in: $0)
        }
        let gateway = try GatewayProcess(configDirectory: config)
        defer { gateway.stop() }
        let client = gateway.client()
        defer { client.shutdown() }
        let first = try await Self.lookUp(
            gateway, token: "motcua.token", purpose: "residence-verification", client: client)
        #expect(first.status == 200)
        let second = try await Self.lookUp(gateway, token: "thue.token", purpose: "tax-administration", client: client)
        #expect(second.status == 200)
        // The burst of two is spent by two consumers together.
        let third = try await Self.lookUp(gateway, token: "thue.token", purpose: "tax-administration", client: client)
        Self.expectRateLimited(third, scope: "service", most: 1000)
        let fourth = try await Self.lookUp(
            gateway, token: "motcua.token", purpose: "residence-verification", client: client)
        Self.expectRateLimited(fourth, scope: "service", most: 1000)
        // A profile reads the population registry too.
        let profile = try await gateway.get(
            "/v1/persons/096089760382/profile",
            headers: [
                "Authorization": "Bearer \(try gateway.token("motcua.token"))",
                "Lienthong-Purpose": "residence-verification",
            ],
            client: client)
        Self.expectRateLimited(profile, scope: "service", most: 1000)
    }

    @Test func aReloadKeepsWhatWasSpentAndAppliesTheNewLimit() async throws {
        let config = try GatewayProcess.demoConfiguration {
            try Self.limit(Self.tiny, consumer: Self.motcua, service: Self.personService, in: $0)
        }
        let gateway = try GatewayProcess(configDirectory: config)
        defer { gateway.stop() }
        let client = gateway.client()
        defer { client.shutdown() }
        func motcua(_ requestID: String = UUID().uuidString.lowercased()) async throws -> HTTPClientResponse {
            try await Self.lookUp(
                gateway, token: "motcua.token", purpose: "residence-verification", requestID: requestID, client: client)
        }
        #expect(try await motcua().status == 200)
        #expect(try await motcua().status == 200)
        let refusedID = UUID().uuidString.lowercased()
        #expect(try await motcua(refusedID).status == 429)

        // Reloading the same configuration does not give the burst back.
        #expect(try await ReloadTests.reload(gateway).status == 0)
        #expect(try await motcua().status == 429)

        // A larger burst applies at once to what was spent: one more request now, then refused again. The refused
        // request's id was not used up by the refusal: it is that one more request.
        try Self.limit(
            ["requestsPerSecond": 0.001, "burst": 3], consumer: Self.motcua, service: Self.personService, in: config)
        let reload = try await ReloadTests.reload(gateway)
        #expect(reload.status == 0, "\(reload.stdout)\(reload.stderr)")
        #expect(try await motcua(refusedID).status == 200)
        #expect(try await motcua().status == 429)
    }

    /// The access line of the request with `requestID`.
    static func accessLine(_ requestID: String, in lines: [String]) -> JSONValue? {
        OperatorLogTests.events("request", in: lines).first { $0["requestId"]?.stringValue == requestID }
    }
}
