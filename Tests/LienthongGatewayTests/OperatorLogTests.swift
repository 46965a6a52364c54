import Foundation
import LienthongAudit
import LienthongCore
import LienthongHTTP
import LienthongJSON
import LienthongTesting
import Testing

/// The operator's log of a running node (issue #17, point 3): one JSON access line per request on standard output,
/// one JSON error line with its cause per failure on standard error, filtered by level, and no personal data.
@Suite(.serialized)
struct OperatorLogTests {
    /// The demo configuration with the land agency API dead (port 9), its documents' URL template broken (a
    /// placeholder no key fills: a 500), MOTCUA granted every registry for `residence-verification`, and
    /// `node.json` `log.level` set when given.
    static func configuration(level: String? = nil) throws -> URL {
        try GatewayProcess.demoConfiguration { directory in
            let land = directory.appendingPathComponent("registries/land.json")
            let text = try String(contentsOf: land, encoding: .utf8)
                .replacingOccurrences(of: "127.0.0.1:{port}", with: "127.0.0.1:9")
                .replacingOccurrences(of: "?size=52428800", with: "?size={unfilled}")
            try text.write(to: land, atomically: true, encoding: .utf8)
            try GatewayProcess.editJSON(directory.appendingPathComponent("node.json")) { node in
                if let level { node["log"] = ["level": .string(level)] }
            }
            try GatewayProcess.grantResidenceVerificationToMOTCUA(in: directory)
        }
    }

    /// Every personal identifier and name of the seeds: none may appear in a log line.
    static func personalData() throws -> Set<String> {
        var values: Set<String> = []
        for (file, columns) in [
            ("population.csv", ["so_dinh_danh", "ho_ten"]), ("insurance.csv", ["ma_so_bhxh", "so_cccd", "ho_ten"]),
            ("enterprise.csv", ["cccd_nguoi_dai_dien", "ho_ten_nguoi_dai_dien"]),
        ] {
            for row in try Seeds.rows(file) {
                for column in columns { if let value = row[column], !value.isEmpty { values.insert(value) } }
            }
        }
        let land = try JSONValue.parse(
            Array(try Data(contentsOf: GatewayProcess.root.appendingPathComponent("seeds/land.json"))))
        for parcel in land.arrayValue ?? [] {
            for holder in parcel["chuSuDung"]?.arrayValue ?? [] {
                if let id = holder["soGiayTo"]?.stringValue { values.insert(id) }
                if let name = holder["ten"]?.stringValue { values.insert(name) }
            }
        }
        return values
    }

    /// The JSON log lines among `lines` whose `event` is `event`.
    static func events(_ event: String, in lines: [String]) -> [JSONValue] {
        lines.compactMap { line -> JSONValue? in
            guard line.hasPrefix("{"), let value = try? JSONValue.parse(Array(line.utf8)),
                value["event"]?.stringValue == event
            else { return nil }
            return value
        }
    }

    func get(
        _ gateway: GatewayProcess, _ path: String, token: String? = "motcua.token",
        purpose: String = "residence-verification", requestID: String? = nil
    ) async throws -> HTTPClientResponse {
        var headers = ["Lienthong-Purpose": purpose]
        if let token { headers["Authorization"] = "Bearer \(try gateway.token(token))" }
        if let requestID { headers["Lienthong-Request-Id"] = requestID }
        return try await gateway.get(path, headers: headers, client: gateway.client())
    }

    @Test func everyRequestHasAnAccessLineAndEveryFailureAnErrorLineWithItsCause() async throws {
        let gateway = try GatewayProcess(
            configDirectory: try Self.configuration(), environment: ["LIENTHONG_LOG_LEVEL": ""],
            captureStandardError: true)
        defer { gateway.stop() }
        let output = try #require(gateway.standardOutput)
        let errors = try #require(gateway.standardError)
        let person = try #require(try Seeds.rows("population.csv").first?["so_dinh_danh"])
        let parcel = try #require(try Seeds.demoLookups().last?.path)

        let found = UUID().uuidString.lowercased()
        let ok = try await get(gateway, "/v1/records/population/\(person)", requestID: found)
        #expect(ok.status == 200)
        let dead = UUID().uuidString.lowercased()
        let deadUpstream = try await get(gateway, parcel, purpose: "land-administration", requestID: dead)
        #expect(deadUpstream.status == 502)
        let broken = UUID().uuidString.lowercased()
        let brokenTemplate = try await get(
            gateway, parcel.replacingOccurrences(of: "/records/", with: "/documents/"), purpose: "land-administration",
            requestID: broken)
        #expect(brokenTemplate.status == 500)
        let profile = try await get(gateway, "/v1/persons/\(person)/profile")
        #expect(profile.status == 200)
        let denied = try await get(gateway, "/v1/records/population/\(person)", token: "vcci.token")
        #expect(denied.status == 403)
        #expect(try await get(gateway, "/v1/records/population/\(person)", token: nil).status == 401)
        #expect(try await get(gateway, "/v1/records/population/000000000000").status == 404)
        #expect(try await get(gateway, "/v1/records/population/12345").status == 400)
        #expect(try await get(gateway, "/v1/no-such-route/\(person)").status == 404)
        #expect(try await get(gateway, "/healthz").status == 200)
        let requests = 10

        let lines = try await output.lines { Self.events("request", in: $0).count >= requests }
        let access = Self.events("request", in: lines)
        #expect(access.count == requests)
        for line in access {
            let time = try #require(line["time"]?.stringValue)
            #expect(time.count == 24 && time.hasSuffix("Z") && Timestamp.parse(time) != nil, "\(time)")
            #expect(line["level"] == "info")
            for member in ["requestId", "consumer", "route", "registry", "problem", "subject", "method"] {
                #expect(line[member]?.stringValue != nil, "\(member) in \(line)")
            }
            for member in ["status", "latencyMs", "bytesIn", "bytesOut"] {
                #expect(line[member]?.numberValue != nil, "\(member) in \(line)")
            }
        }
        // The lookup that worked: its request id, consumer, route template, registry, the audit's subject HMAC.
        let success = try #require(access.first { $0["requestId"]?.stringValue == found })
        #expect(success["consumer"] == "VN/GOV/HCM/MOTCUA")
        #expect(success["route"] == "/v1/records/{registry}/{key}")
        #expect(success["registry"] == "population")
        #expect(success["status"]?.numberValue?.int == 200)
        #expect(success["problem"] == "-")
        #expect(success["bytesOut"]?.numberValue?.int == ok.body.count)
        #expect((success["upstreamMs"]?.numberValue?.double ?? -1) >= 0)
        let audited = try AuditLog.allRecords(path: gateway.auditPath).first { $0.requestID == found }
        #expect(success["subject"]?.stringValue == audited?.subjectHMAC)
        #expect(access.contains { $0["status"]?.numberValue?.int == 401 && $0["consumer"] == "-" })
        #expect(access.contains { $0["status"]?.numberValue?.int == 403 && $0["problem"] == "access-denied" })
        #expect(access.contains { $0["route"] == "unknown" })

        // The dead upstream (502), the broken template (500) and the profile's withheld land part.
        let failures = Self.events("failure", in: try await errors.lines { Self.events("failure", in: $0).count >= 3 })
        let unreachable = try #require(failures.first { $0["requestId"]?.stringValue == dead })
        #expect(unreachable["level"] == "error")
        #expect(unreachable["failed"] == "connector")
        #expect(unreachable["registry"] == "land")
        #expect(unreachable["code"] == "upstream-unavailable")
        #expect(unreachable["status"]?.numberValue?.int == 502)
        let cause = try #require(unreachable["cause"]?.stringValue)
        #expect(cause.contains("http-client.connection-failed") && cause.contains("port 9"), "\(cause)")
        let misconfigured = try #require(failures.first { $0["requestId"]?.stringValue == broken })
        #expect(misconfigured["status"]?.numberValue?.int == 500)
        #expect(misconfigured["code"] == "internal-error")
        #expect(misconfigured["cause"]?.stringValue?.contains("connector-configuration") == true)
        #expect(failures.contains { $0["registry"] == "land" && $0["status"]?.numberValue?.int == 200 })
        #expect(failures.count == 3)

        // No personal identifier or name of the seeds, in any line of either stream.
        gateway.stop()
        let logged = try await output.toTheEnd().lines.filter { $0.hasPrefix("{") }.joined(separator: "\n")
            + (try await errors.toTheEnd().all)
        let leaked = try Self.personalData().filter { logged.contains($0) }
        #expect(leaked.isEmpty, "\(leaked)")
    }

    @Test func aStreamedDocumentIsLoggedWhenItEndsWithTheBytesSent() async throws {
        let gateway = try SharedGateway.get()
        let key = try #require(try Seeds.landKeys().first)
        let requestID = UUID().uuidString.lowercased()
        var headers = DocumentStreamingTests.land
        headers["Lienthong-Request-Id"] = requestID
        let response = try await DocumentStreamingTests.fetch(
            gateway, "/v1/documents/land/\(key)", headers: headers,
            client: gateway.client(certificate: gateway.clientCertificate(DocumentStreamingTests.motcua)))
        #expect(response.status == 200)
        let output = try #require(gateway.standardOutput)
        let lines = try await output.lines { lines in
            Self.events("request", in: lines).contains { $0["requestId"]?.stringValue == requestID }
        }
        let line = try #require(Self.events("request", in: lines).first { $0["requestId"]?.stringValue == requestID })
        #expect(line["route"] == "/v1/documents/{registry}/{key}")
        #expect(line["registry"] == "land")
        #expect(line["problem"] == "-")
        // The whole multipart body: the 50 MiB document, the part headers and the signed envelope.
        #expect((line["bytesOut"]?.numberValue?.int ?? 0) > 52_428_800)
    }

    /// A refused profile names the registry that answers it in its access line, as a refused record or document
    /// does (the profile's line said `-` until it shared their admission).
    @Test func aRefusedProfileNamesItsRegistryInItsAccessLine() async throws {
        let gateway = try SharedGateway.get()
        let person = try #require(try Seeds.rows("population.csv").first?["so_dinh_danh"])
        let requestID = UUID().uuidString.lowercased()
        let refused = try await get(gateway, "/v1/persons/\(person)/profile", purpose: "", requestID: requestID)
        #expect(refused.status == 400)
        let output = try #require(gateway.standardOutput)
        let lines = try await output.lines { lines in
            Self.events("request", in: lines).contains { $0["requestId"]?.stringValue == requestID }
        }
        let line = try #require(Self.events("request", in: lines).first { $0["requestId"]?.stringValue == requestID })
        #expect(line["problem"] == "purpose-required")
        #expect(line["registry"] == "population")
    }

    @Test func theEnvironmentLevelWinsOverNodeJSON() async throws {
        let gateway = try GatewayProcess(
            configDirectory: try Self.configuration(level: "debug"), environment: ["LIENTHONG_LOG_LEVEL": "error"],
            captureStandardError: true)
        defer { gateway.stop() }
        let parcel = try #require(try Seeds.demoLookups().last?.path)
        let person = try #require(try Seeds.rows("population.csv").first?["so_dinh_danh"])
        #expect(try await get(gateway, "/v1/records/population/\(person)").status == 200)
        #expect(try await get(gateway, parcel, purpose: "land-administration").status == 502)
        let errors = try #require(gateway.standardError)
        let failures = try await errors.lines { !Self.events("failure", in: $0).isEmpty }
        #expect(Self.events("failure", in: failures).count == 1)
        // Stopping flushes the writer: whatever it held is out when the process has exited (and read to the end).
        gateway.stop()
        let lines = try await #require(gateway.standardOutput).toTheEnd().lines + (try await errors.toTheEnd().lines)
        #expect(Self.events("request", in: lines).isEmpty)
        #expect(Self.events("upstream", in: lines).isEmpty)
    }

    @Test func debugAddsOneLinePerUpstreamCall() async throws {
        let gateway = try GatewayProcess(
            configDirectory: try Self.configuration(level: "debug"), environment: ["LIENTHONG_LOG_LEVEL": ""])
        defer { gateway.stop() }
        let person = try #require(try Seeds.rows("population.csv").first?["so_dinh_danh"])
        let requestID = UUID().uuidString.lowercased()
        #expect(try await get(gateway, "/v1/records/population/\(person)", requestID: requestID).status == 200)
        let output = try #require(gateway.standardOutput)
        let lines = try await output.lines { !Self.events("request", in: $0).isEmpty }
        let calls = Self.events("upstream", in: lines)
        #expect(calls.count == 1)
        #expect(calls.first?["level"] == "debug")
        #expect(calls.first?["registry"] == "population")
        #expect(calls.first?["requestId"]?.stringValue == requestID)
        #expect(calls.first?["code"] == "ok")
    }

    @Test func configCheckRefusesAnUnknownLevelInNodeJSON() throws {
        let configuration = try GatewayProcess.demoConfiguration { directory in
            try GatewayProcess.editJSON(directory.appendingPathComponent("node.json")) { $0["log"] = ["level": "loud"] }
        }
        let result = try ChildProcess.run(
            GatewayProcess.binary,
            [
                "config", "check", configuration.path, "--schemas",
                GatewayProcess.root.appendingPathComponent("schemas").path,
            ])
        #expect(result.status == 1)
        #expect((result.stdout + result.stderr).contains("node.json#/log/level"), "\(result.stdout)\(result.stderr)")
    }

    @Test func anUnknownLevelStopsServeWithTheVariableNamed() throws {
        let result = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "LIENTHONG_LOG_LEVEL=verbose", GatewayProcess.binary.path, "serve", "--config",
                try GatewayProcess.demoConfiguration().path, "--listen", "127.0.0.1:0", "--data-dir",
                FileManager.default.temporaryDirectory
                    .appendingPathComponent("lienthong-data-\(UUID().uuidString)").path,
            ]
        )
        #expect(result.status == 1)
        #expect(result.stderr.contains("LIENTHONG_LOG_LEVEL: 'verbose' is not one of debug, info, warn, error, off"))
    }
}
