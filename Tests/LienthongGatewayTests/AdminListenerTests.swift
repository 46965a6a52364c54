import Foundation
import LienthongAudit
import LienthongCore
@testable import LienthongGateway
import LienthongHTTP
import LienthongJSON
import Testing

/// The admin listener on the built binary: roles, configuration changes written, reloaded and audited, the metrics
/// and the detailed readiness (and their absence from the public port).
@Suite(.serialized)
struct AdminListenerTests {
    static let person = "/v1/records/population/096089760382"
    static let motcua = "VN/GOV/HCM/MOTCUA"
    static let population = "VN/GOV/BCA/DANCU/person"

    /// The grant of MOTCUA on the population service with `purposes`, as the operator sends it.
    static func motcuaGrant(purposes: [String]) -> JSONValue {
        [
            "consumer": .string(motcua), "service": .string(population),
            "purposes": .array(purposes.map { .string($0) }), "fields": ["*"],
        ]
    }

    static func lookUp(_ gateway: GatewayProcess, purpose: String, client: HTTPClient) async throws
        -> HTTPClientResponse
    {
        try await gateway.get(
            person,
            headers: ["Authorization": "Bearer \(try gateway.token("motcua.token"))", "Lienthong-Purpose": purpose],
            client: client)
    }

    /// The value of the sample `name{labels}` in Prometheus text, 0 when absent.
    static func value(_ metrics: String, _ sample: String) -> Double {
        for line in metrics.split(separator: "\n") where line.hasPrefix(sample + " ") {
            return Double(line.dropFirst(sample.count + 1)) ?? 0
        }
        return 0
    }

    /// `schemas/admin-openapi.json` describes every admin route with exactly its methods and the role each needs.
    @Test func theAdminDescriptionMatchesTheRoutes() throws {
        let file = GatewayProcess.root.appendingPathComponent("schemas/admin-openapi.json")
        let document = try JSONValue.parse(Array(try Data(contentsOf: file)))
        let paths = try #require(document["paths"]?.objectValue)
        #expect(Set(paths.keys) == Set(AdminRoute.allCases.map(\.rawValue)))
        for route in AdminRoute.allCases {
            let endpoints = AdminAPI.endpoints[route] ?? [:]
            let documented = Set(paths[route.rawValue]?.objectValue?.keys.map { $0.uppercased() } ?? [])
            #expect(documented == Set(endpoints.keys.map(\.rawValue)), "\(route.rawValue)")
            for (method, endpoint) in endpoints {
                let role = paths[route.rawValue]?[method.rawValue.lowercased()]?["x-role"]
                #expect(role == (endpoint.role.map { .string($0.rawValue) } ?? .null), "\(method) \(route.rawValue)")
            }
        }
    }

    @Test func noCredentialIs401WithAChallengeAndAViewerChangesNothing() async throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let client = gateway.client()
        let grants = gateway.configDirectory.appendingPathComponent("grants.json")
        let before = try Data(contentsOf: grants)

        let anonymous = try await gateway.admin("/v1/status", role: nil, client: client)
        #expect(anonymous.status == 401)
        #expect(anonymous.headers["WWW-Authenticate"] == #"Bearer realm="lienthong-admin""#)
        // A consumer's token is no operator's.
        let consumer = try await client.send(
            HTTPClientRequest(
                url: gateway.adminURL + "/v1/status",
                headers: ["Authorization": "Bearer \(try gateway.token("motcua.token"))"]))
        #expect(consumer.status == 401)

        let status = try await gateway.admin("/v1/status", client: client)
        #expect(status.status == 200)
        #expect(status.json["generation"] == 0)
        let body = Self.motcuaGrant(purposes: ["tax-administration"])
        for (path, method, body) in [
            ("/v1/grants", HTTPMethod.put, body), ("/v1/grants?consumer=\(Self.motcua)&service=x", .delete, nil),
            ("/v1/consumers/tokens", .post, ["consumer": .string(Self.motcua)]), ("/v1/reload", .post, nil),
            ("/v1/connectors/population/test", .post, nil), ("/v1/registries?name=land", .delete, nil),
        ] as [(String, HTTPMethod, JSONValue?)] {
            let refused = try await gateway.admin(path, method: method, body: body, client: client)
            #expect(refused.status == 403, "\(method) \(path)")
            #expect(refused.problemCode == "admin-forbidden")
            #expect(refused.json["requiredRole"] == "operator")
        }
        #expect(try Data(contentsOf: grants) == before)
        #expect(try await gateway.admin("/v1/status", client: client).json["generation"] == 0)
        // Viewers read the rest.
        for path in ["/readyz", "/metrics", "/v1/configuration", "/v1/connectors", "/v1/audit"] {
            #expect(try await gateway.admin(path, client: client).status == 200, "\(path)")
        }
    }

    @Test func anOperatorsGrantIsWrittenReloadedAndAuditedAndAHandEditStays() async throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let client = gateway.client()
        #expect(try await Self.lookUp(gateway, purpose: "tax-administration", client: client).status == 403)
        // A hand edit to another file, not reloaded yet: the change re-reads the files and keeps it.
        let purposes = gateway.configDirectory.appendingPathComponent("purposes.json")
        var purposeList = try JSONValue.parse(Array(try Data(contentsOf: purposes))).arrayValue ?? []
        purposeList.append(
            ["code": "hand-edit", "name": "Hand edit", "nameVi": "Sửa tay", "legalBasis": "Test"])
        try Data(JSONValue.array(purposeList).serializedBytes(pretty: true)).write(to: purposes)

        let purposesAsked = ["residence-verification", "enterprise-registration", "tax-administration"]
        let before = String(Timestamp.rfc3339(Date()).prefix(7))
        let response = try await gateway.admin(
            "/v1/grants", method: .put, role: "operator", body: Self.motcuaGrant(purposes: purposesAsked),
            client: client)
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        #expect(response.json["generation"] == 1)
        #expect(response.json["files"] == ["grants.json"])

        let written = try JSONValue.parse(
            Array(try Data(contentsOf: gateway.configDirectory.appendingPathComponent("grants.json"))))
        let grant = written.arrayValue?.first {
            $0["consumer"]?.stringValue == Self.motcua && $0["service"]?.stringValue == Self.population
        }
        #expect(grant?["purposes"]?.arrayValue?.contains("tax-administration") == true)
        #expect(try String(contentsOf: purposes, encoding: .utf8).contains("hand-edit"))
        #expect(try await Self.lookUp(gateway, purpose: "tax-administration", client: client).status == 200)

        let changes = try AuditLog.allRecords(path: gateway.auditPath).filter { $0.service == AuditEvent.adminService }
        #expect(changes.count == 1)
        #expect(changes.first?.consumer == "operator:demo-operator")
        #expect(changes.first?.purpose == "grant.put")
        #expect(changes.first?.fields == ["grants.json"])
        // Operators' changes are not exchanges: the monthly report leaves them out (in both months, if the change
        // was made across a UTC month end).
        for month in Set([before, String(Timestamp.rfc3339(Date()).prefix(7))]) {
            let report = try await gateway.admin("/v1/reports/monthly?month=\(month)", client: client)
            #expect(report.status == 200)
            #expect(report.json["byConsumer"]?["operator:demo-operator"] == nil)
        }
    }

    @Test func anInvalidChangeIsRefusedWithConfigCheckMessagesAndNothingIsWritten() async throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let client = gateway.client()
        let grants = gateway.configDirectory.appendingPathComponent("grants.json")
        let before = try Data(contentsOf: grants)
        let body: JSONValue = [
            "consumer": "VN/GOV/BTC/UNKNOWN", "service": .string(Self.population),
            "purposes": ["tax-administration"], "fields": ["*"],
        ]
        let refused = try await gateway.admin("/v1/grants", method: .put, role: "operator", body: body, client: client)
        #expect(refused.status == 422)
        #expect(refused.problemCode == "admin-invalid-change")
        let problems = refused.json["problems"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(
            problems.contains { $0.hasPrefix("grants.json#/") && $0.contains("unknown consumer VN/GOV/BTC/UNKNOWN") })
        #expect(try Data(contentsOf: grants) == before)
        #expect(try await gateway.admin("/v1/status", client: client).json["generation"] == 0)
        let missing = try await gateway.admin(
            "/v1/grants?consumer=\(Self.motcua)&service=VN/GOV/X/Y/z", method: .delete, role: "operator", client: client
        )
        #expect(missing.status == 404)
        let records = try AuditLog.allRecords(path: gateway.auditPath).filter { $0.service == AuditEvent.adminService }
        #expect(records.map(\.problemCode) == ["admin-invalid-change", "admin-not-found"])
    }

    @Test func anIssuedTokenWorksUntilItIsRevoked() async throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let client = gateway.client()
        let issued = try await gateway.admin(
            "/v1/consumers/tokens", method: .post, role: "operator", body: ["consumer": "VN/GOV/BTC/THUE"],
            client: client)
        #expect(issued.status == 201)
        let token = try #require(issued.json["token"]?.stringValue)
        let hash = try #require(issued.json["tokenSHA256"]?.stringValue)
        let consumers = try String(
            contentsOf: gateway.configDirectory.appendingPathComponent("consumers.json"), encoding: .utf8)
        #expect(consumers.contains(hash) && !consumers.contains(token))
        let services = try await gateway.get(
            "/v1/services", headers: ["Authorization": "Bearer \(token)"], client: client)
        #expect(services.status == 200 && services.json["consumer"] == "VN/GOV/BTC/THUE")

        let revoked = try await gateway.admin(
            "/v1/consumers/tokens?consumer=VN/GOV/BTC/THUE&sha256=\(hash)", method: .delete, role: "operator",
            client: client)
        #expect(revoked.status == 200)
        let after = try await gateway.get("/v1/services", headers: ["Authorization": "Bearer \(token)"], client: client)
        #expect(after.status == 401)
    }

    @Test func onlyASecurityOfficerManagesKeys() async throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let client = gateway.client()
        let provider: JSONValue = ["provider": "VN/GOV/BCA/DANCU", "generate": true]
        let refused = try await gateway.admin(
            "/v1/keys/csr", method: .post, role: "operator", body: provider, client: client)
        #expect(refused.status == 403)
        #expect(refused.json["requiredRole"] == "security-officer")
        let before = try await gateway.admin("/v1/keys", client: client)
        #expect(before.json["providers"]?["VN/GOV/BCA/DANCU"]?.arrayValue?.count == 1)

        let csr = try await gateway.admin(
            "/v1/keys/csr", method: .post, role: "security-officer", body: provider, client: client)
        #expect(csr.status == 200)
        #expect(csr.json["csr"]?.stringValue?.hasPrefix("-----BEGIN CERTIFICATE REQUEST-----") == true)
        let after = try await gateway.admin("/v1/keys", client: client)
        let versions = after.json["providers"]?["VN/GOV/BCA/DANCU"]?.arrayValue ?? []
        #expect(versions.count == 2)
        // The new key has no certificate yet: rotating keeps the certified one current and reloads.
        let rotated = try await gateway.admin(
            "/v1/keys/rotate", method: .post, role: "security-officer", body: ["provider": "VN/GOV/BCA/DANCU"],
            client: client)
        #expect(rotated.status == 200)
        #expect(rotated.json["kid"] == versions.first?["kid"])
        #expect(rotated.json["generation"] == 1)
        let bad = try await gateway.admin(
            "/v1/keys/import", method: .post, role: "security-officer",
            body: ["provider": "VN/GOV/BCA/DANCU", "certificateChain": "not a certificate"], client: client)
        #expect(bad.status == 422 && bad.problemCode == "admin-key-refused")
        let actions = try AuditLog.allRecords(path: gateway.auditPath).filter { $0.service == AuditEvent.adminService }
            .map { "\($0.consumer ?? "-") \($0.purpose ?? "-") \($0.status)" }
        #expect(
            actions == [
                "operator:demo-security-officer keys.csr 200", "operator:demo-security-officer keys.rotate 200",
                "operator:demo-security-officer keys.import 422",
            ])
    }

    @Test func anOperatorRunsAConnectorsProbe() async throws {
        let gateway = try SharedGateway.get()
        let client = gateway.client()
        let test = try await gateway.admin(
            "/v1/connectors/population/test", method: .post, role: "operator", client: client)
        #expect(test.status == 200)
        #expect(test.json["ok"] == true)
        #expect(
            try await gateway.admin("/v1/connectors/nope/test", method: .post, role: "operator", client: client).status
                == 404)
        let connectors = try await gateway.admin("/v1/connectors", client: client)
        let land = connectors.json["connectors"]?.arrayValue?.first { $0["registry"] == "land" }
        #expect(land?["kind"] == "rest")
        #expect(land?["breaker"] == "closed")
    }

    @Test func metricsAndTheDetailedReadinessAreNotOnThePublicPort() async throws {
        let gateway = try SharedGateway.get()
        let client = gateway.client()
        let metrics = try await gateway.get("/metrics", client: client)
        #expect(metrics.status == 404)
        let ready = try await gateway.get("/readyz", client: client)
        #expect(ready.status == 200)
        #expect(ready.json == ["status": "ready"])
        let detailed = try await gateway.admin("/readyz", client: client)
        #expect(detailed.json["components"]?["audit"]?["status"] == "up")
        #expect(detailed.json["components"]?["population"]?["status"] == "up")
        #expect(try await gateway.admin("/readyz", role: nil, client: client).status == 401)
    }

    @Test func metricFamiliesArePresentAndMove() async throws {
        let gateway = try GatewayProcess()
        defer { gateway.stop() }
        let client = gateway.client()
        let before = try await gateway.metrics(client: client)
        for family in [
            "lienthong_requests_total", "lienthong_request_duration_seconds",
            "lienthong_registry_request_duration_seconds",
            "lienthong_upstream_duration_seconds", "lienthong_upstream_calls_total", "lienthong_breaker_state",
            "lienthong_audit_batch_size", "lienthong_audit_commit_duration_seconds", "lienthong_audit_queue_depth",
            "lienthong_tls_handshakes_total", "lienthong_open_connections", "lienthong_build_info", "lienthong_ready",
            "lienthong_component_up", "process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
            "process_start_time_seconds",
        ] {
            #expect(before.contains("# TYPE \(family) "), "\(family)")
        }
        #expect(Self.value(before, #"lienthong_breaker_state{registry="population",state="closed"}"#) == 1)
        #expect(Self.value(before, "process_resident_memory_bytes") > 0)

        #expect(try await Self.lookUp(gateway, purpose: "residence-verification", client: client).status == 200)
        // The server's own answers: a head over 16 KiB (431), plain HTTP on the TLS port (400, a failed handshake).
        var large = HTTPHeaders()
        large.add(name: "X-Large", value: String(repeating: "a", count: 20_000))
        let tooLarge = try await client.send(HTTPClientRequest(url: gateway.baseURL + "/healthz", headers: large))
        #expect(tooLarge.status == 431)
        let plain = try await HTTPClient().send(HTTPClientRequest(url: "http://127.0.0.1:\(gateway.port)/healthz"))
        #expect(plain.status == 400)

        let after = try await gateway.metrics(client: client)
        let upstream = #"lienthong_upstream_calls_total{registry="population",code="ok"}"#
        #expect(Self.value(after, upstream) == Self.value(before, upstream) + 1)
        let route =
            #"lienthong_requests_total{listener="api",route="/v1/records/{registry}/{key}",status="200",code="ok"}"#
        #expect(Self.value(after, route) == 1)
        #expect(Self.value(after, #"lienthong_registry_request_duration_seconds_count{registry="population"}"#) == 1)
        #expect(
            Self.value(after, #"lienthong_requests_total{listener="api",route="(server)",status="431",code="server"}"#)
                == 1)
        #expect(
            Self.value(after, #"lienthong_requests_total{listener="api",route="(server)",status="400",code="server"}"#)
                == 1)
        #expect(Self.value(after, #"lienthong_tls_handshakes_total{listener="api",result="failed"}"#) >= 1)
        #expect(Self.value(after, #"lienthong_tls_handshakes_total{listener="api",result="completed"}"#) >= 1)
        #expect(
            Self.value(after, "lienthong_audit_batch_size_count")
                > Self.value(before, "lienthong_audit_batch_size_count"))
        #expect(Self.value(after, "lienthong_audit_commit_duration_seconds_count") >= 1)
    }
}
