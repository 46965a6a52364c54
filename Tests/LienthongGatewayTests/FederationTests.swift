import Foundation
import LienthongHTTP
import LienthongJSON
import LienthongTesting
import Testing

/// The global configuration end to end, with real processes and real TLS on loopback: an authority node serves
/// what `lienthong federation publish` wrote, a member node fetches it, takes each new version, refuses a tampered,
/// an older and an expired document each with its own code, keeps the last good one on disk and goes on with it
/// when it restarts with the authority down.
@Suite(.serialized)
struct FederationTests {
    /// The authority: a demo node with an `authority` section, serving `<data>/federation/published.json`.
    static func authorityNode(dataDirectory: URL) throws -> GatewayProcess {
        let configuration = try GatewayProcess.demoConfiguration { directory in
            try GatewayProcess.editJSON(directory.appendingPathComponent("node.json")) { node in
                node["authority"] = ["published": "federation/published.json"]
            }
        }
        return try GatewayProcess(configDirectory: configuration, dataDirectory: dataDirectory)
    }

    /// A member node fetching from `authority`.
    static func memberNode(
        of authority: GatewayProcess, federation: FederationAuthority, graceSeconds: Double = 600
    ) throws -> GatewayProcess {
        let configuration = try GatewayProcess.demoConfiguration { directory in
            try GatewayProcess.editJSON(directory.appendingPathComponent("node.json")) { node in
                node["federation"] = federation.nodeSection(
                    port: authority.port, rootCA: authority.rootCA, graceSeconds: graceSeconds)
            }
        }
        return try GatewayProcess(configDirectory: configuration, captureStandardError: true)
    }

    /// Waits for a log line holding every one of `parts`.
    static func expectLine(
        _ collector: OutputCollector?, _ parts: [String], within seconds: Double = 30,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let output = try #require(collector, sourceLocation: sourceLocation)
        let lines = try await output.lines(within: seconds) { $0.contains { line in parts.allSatisfy(line.contains) } }
        #expect(
            lines.contains { line in parts.allSatisfy(line.contains) }, "no log line with \(parts)",
            sourceLocation: sourceLocation)
    }

    /// The `global-configuration` component of the node's detailed readiness.
    static func component(_ node: GatewayProcess, client: HTTPClient) async throws -> (status: String, detail: String) {
        let response = try await node.admin("/readyz", client: client)
        let body = try JSONValue.parse(response.body)
        let component = body["components"]?["global-configuration"]
        return (component?["status"]?.stringValue ?? "-", component?["detail"]?.stringValue ?? "-")
    }

    /// Replaces the served document atomically, as publish does.
    static func serve(_ bytes: [UInt8], at published: URL) throws {
        try Data(bytes).write(to: published, options: .atomic)
    }

    @Test(.timeLimit(.minutes(5)))
    func aMemberNodeFollowsTheAuthorityRefusesBadDocumentsAndRestartsFromDisk() async throws {
        let federation = try FederationAuthority()
        let authorityData = FileManager.default.temporaryDirectory
            .appendingPathComponent("lienthong-data-\(UUID().uuidString)")
        let published = authorityData.appendingPathComponent("federation/published.json")
        try federation.publish(to: published)
        let authority = try Self.authorityNode(dataDirectory: authorityData)
        defer { authority.stop() }
        var node = try Self.memberNode(of: authority, federation: federation)
        defer { node.stop() }
        let client = node.client()

        // The authority serves the file byte for byte; a node that is not the authority says so.
        let served = try await authority.get("/v1/federation/configuration", client: authority.client())
        #expect(served.status == 200)
        #expect(served.body == Array(try Data(contentsOf: published)))
        let elsewhere = try await node.get("/v1/federation/configuration", client: client)
        #expect(elsewhere.status == 404)
        #expect(elsewhere.headers["Lienthong-Problem-Code"] == "federation.not-an-authority")

        try await Self.expectLine(
            node.standardOutput, [#""event":"federation-configuration-accepted""#, #""version":1"#])
        #expect(try await Self.component(node, client: client).status == "up")
        // Polling on, the node names the document it holds: the authority answers 304, not the document again.
        try await Self.expectLine(
            authority.standardOutput, [#""route":"/v1/federation/configuration""#, #""status":304"#])
        let tag = try #require(served.headers["ETag"])
        let same = try await authority.get(
            "/v1/federation/configuration", headers: ["If-None-Match": tag], client: authority.client())
        #expect(same.status == 304)
        #expect(same.body.isEmpty)
        #expect(same.headers["ETag"] == tag)
        let other = try await authority.get(
            "/v1/federation/configuration", headers: ["If-None-Match": #""0000", W/"1111""#],
            client: authority.client())
        #expect(other.status == 200)
        #expect(other.body == served.body)

        // A new version: a member and its node added. The node takes it within a bounded poll and logs the change.
        try federation.edit("members.json") { members in
            members.append(["id": "VN/GOV/HN", "name": "Hanoi People's Committee", "class": "GOV", "subsystems": []])
        }
        try federation.edit("nodes.json") { nodes in
            nodes.append([
                "id": "node-hn", "address": "https://lienthong.hn.example",
                "tlsFingerprints": [.string(String(repeating: "3", count: 64))], "members": ["VN/GOV/HN"],
            ])
        }
        try federation.publish(to: published)
        try await Self.expectLine(
            node.standardOutput,
            [#""version":2"#, #""previousVersion":1"#, "members added: VN/GOV/HN", "nodes added: node-hn"])
        let versionTwo = Array(try Data(contentsOf: published))

        // Tampered: the message changed after signing.
        var tampered = try #require(try JSONValue.parse(versionTwo).objectValue)
        var message = try #require(tampered["message"]?.objectValue)
        message["version"] = 3
        tampered["message"] = .object(message)
        try Self.serve(JSONValue.object(tampered).serializedBytes(), at: published)
        try await Self.expectLine(node.standardError, [#""code":"federation.bad-signature""#])

        // Older: a properly signed version 1.
        let older = federation.directory.appendingPathComponent("older.json")
        try federation.publish(to: older)
        try Self.serve(Array(try Data(contentsOf: older)), at: published)
        try await Self.expectLine(node.standardError, [#""code":"federation.older-version""#, "version 1"])

        // Expired: version 3, properly signed, valid for one second, served once that second is over.
        let expired = federation.directory.appendingPathComponent("expired.json")
        try Data(versionTwo).write(to: expired)
        try federation.publish(to: expired, validFor: 1)
        let expiry = try #require(
            try JSONValue.parse(Array(try Data(contentsOf: expired)))["message"]?["expiresAt"]?.stringValue)
        let expiresAt = try #require(ISO8601DateFormatter().date(from: expiry))
        try await Poll.until(within: .seconds(5)) { Date() > expiresAt.addingTimeInterval(0.5) }
        try Self.serve(Array(try Data(contentsOf: expired)), at: published)
        try await Self.expectLine(node.standardError, [#""code":"federation.expired""#, "version 3"])

        // Through all three, the node held version 2, and says why it did not move.
        let held = try await Self.component(node, client: client)
        #expect(held.status == "up")
        #expect(held.detail.contains("version 2") && held.detail.contains("federation.expired"), "\(held.detail)")

        // Restarted with the authority down: the last good document from the data directory.
        #expect(node.stop() == 0)
        authority.stop()
        let stored = node.dataDirectory.appendingPathComponent("federation/global-configuration.json")
        #expect(Array(try Data(contentsOf: stored)) == versionTwo)
        node = try GatewayProcess(
            configDirectory: node.configDirectory, dataDirectory: node.dataDirectory, captureStandardError: true)
        try await Self.expectLine(node.standardOutput, [#""event":"federation-configuration-loaded""#, #""version":2"#])
        try await Self.expectLine(node.standardError, [#""code":"federation.fetch-failed""#])
        let restarted = try await Self.component(node, client: node.client())
        #expect(restarted.status == "up" && restarted.detail.contains("version 2"), "\(restarted.detail)")
    }

    @Test(.timeLimit(.minutes(3)))
    func aConfigurationExpiredBeyondTheGraceMakesReadinessSaySo() async throws {
        let federation = try FederationAuthority()
        let authorityData = FileManager.default.temporaryDirectory
            .appendingPathComponent("lienthong-data-\(UUID().uuidString)")
        let published = authorityData.appendingPathComponent("federation/published.json")
        let authority = try Self.authorityNode(dataDirectory: authorityData)
        defer { authority.stop() }
        let node = try Self.memberNode(of: authority, federation: federation, graceSeconds: 1)
        defer { node.stop() }
        let client = node.client()
        // Nothing published yet: the authority says so, the node has nothing to go on.
        try await Self.expectLine(node.standardError, [#""code":"federation.fetch-failed""#, "answered 503"])
        #expect(try await Self.component(node, client: client).detail.contains("federation.configuration-missing"))

        // Valid for as long as the node may take to fetch it: a node that fetched it expired would refuse it.
        let validity = 30
        try federation.publish(to: published, validFor: validity)
        try await Self.expectLine(
            node.standardOutput, [#""event":"federation-configuration-accepted""#, #""version":1"#],
            within: Double(validity))

        var component = (status: "-", detail: "-")
        // Expiry is the event waited for: readiness polled until it says down, bounded past validity and grace.
        try await Poll.until(within: .seconds(validity * 2), every: .milliseconds(200)) {
            component = try await Self.component(node, client: client)
            return component.status == "down"
        }
        #expect(component.status == "down")
        #expect(component.detail.contains("federation.configuration-expired"), "\(component.detail)")
        // Local lookups go on: degraded, not not-ready.
        let bare = try await node.get("/readyz", client: client)
        #expect(bare.status == 200)
        #expect(try JSONValue.parse(bare.body)["status"] == "degraded")
    }
}
