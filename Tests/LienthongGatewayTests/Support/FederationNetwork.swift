import Foundation
import LienthongJSON
import LienthongTesting
import LienthongTrust
import Testing

/// A federation on loopback for the end-to-end tests: an authority, provider nodes and a province consumer node,
/// every node's TLS and signing certificates issued by one shared development PKI (the "national" root the global
/// configuration lists), and the global configuration naming each node's address and certificate fingerprints.
final class FederationNetwork {
    /// A node of the network: its process and the id and members the global configuration gives it.
    struct Member {
        var id: String
        var members: [String]
        var process: GatewayProcess
    }

    let authority: FederationAuthority
    let authorityNode: GatewayProcess
    /// The published document's file on the authority node.
    let published: URL
    /// The national PKI: root and intermediate CAs, the node client certificates.
    let national: URL
    private(set) var nodes: [Member] = []

    /// The authority with nothing published yet, and the national PKI with a client certificate for each of
    /// `nodeCertificates` (CN = the node id).
    init(nodeCertificates: [String]) throws {
        authority = try FederationAuthority()
        national = authority.directory.appendingPathComponent("national")
        let created = try ChildProcess.run(
            GatewayProcess.binary, ["pki", "init", national.path] + nodeCertificates.flatMap { ["--consumer", $0] })
        try #require(created.status == 0, "\(created.stderr)")
        try FileManager.default.copyItem(
            at: national.appendingPathComponent("root-ca.crt.pem"),
            to: authority.configuration.appendingPathComponent("trust-anchors/national-root.pem"))
        let authorityData = FileManager.default.temporaryDirectory
            .appendingPathComponent("lienthong-data-\(UUID().uuidString)")
        published = authorityData.appendingPathComponent("federation/published.json")
        authorityNode = try FederationTests.authorityNode(dataDirectory: authorityData)
    }

    /// The client certificate (and key) the national PKI issued to `node`.
    func nodeCertificate(_ node: String) -> (certificate: String, key: String) {
        (national.appendingPathComponent("client-\(node).crt.pem").path,
         national.appendingPathComponent("client-\(node).key.pem").path)
    }

    /// Starts a demo node under the national PKI, in the federation as `id` serving `members`.
    /// - Parameters:
    ///   - registries: the registries it keeps of the demo's four (the others are reached through their nodes).
    ///   - peerCertificate: the national client certificate it presents to other nodes, if it forwards.
    ///   - peerCoolDownSeconds: how long its breaker for a failing peer node stays open before a probe.
    ///   - servicesCacheSeconds: how long it reuses a provider node's service list (its default when `nil`).
    ///   - messageGrants: whether it keeps the demo's `messages` grants (documents to its members).
    ///   - edit: a last change to its configuration directory.
    @discardableResult
    func start(
        _ id: String, members: [String], registries: Set<String>, peerCertificate: String? = nil,
        peerTimeoutSeconds: Double = 3, peerCoolDownSeconds: Double = 1, servicesCacheSeconds: Double? = nil,
        messageGrants: Bool = false, edit: (URL) throws -> Void = { _ in }
    ) throws -> GatewayProcess {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-data-\(UUID().uuidString)")
        let pki = data.appendingPathComponent("pki")
        try FileManager.default.createDirectory(at: pki, withIntermediateDirectories: true)
        for file in ["root-ca.crt.pem", "root-ca.key.pem", "intermediate-ca.crt.pem", "intermediate-ca.key.pem"] {
            try FileManager.default.copyItem(
                at: national.appendingPathComponent(file), to: pki.appendingPathComponent(file))
        }
        let configuration = try GatewayProcess.demoConfiguration { directory in
            try GatewayProcess.grantResidenceVerificationToMOTCUA(in: directory)
            let file = directory.appendingPathComponent("registries.json")
            let kept = try JSONValue.parse(Array(try Data(contentsOf: file))).arrayValue?.filter {
                registries.contains($0["name"]?.stringValue ?? "")
            }
            try Data(JSONValue.array(kept ?? []).serializedBytes()).write(to: file)
            // Grants name local services only: for the others, the provider node's grants decide.
            let services = Set(
                (kept ?? []).flatMap { [$0["service"]?.stringValue, $0["documentService"]?.stringValue] })
            let grantsFile = directory.appendingPathComponent("grants.json")
            let grants = try JSONValue.parse(Array(try Data(contentsOf: grantsFile))).arrayValue?.filter {
                services.contains($0["service"]?.stringValue) || (messageGrants && $0["kind"] == "messages")
            }
            try Data(JSONValue.array(grants ?? []).serializedBytes()).write(to: grantsFile)
            try GatewayProcess.editJSON(directory.appendingPathComponent("node.json")) { node in
                var section = authority.nodeSection(
                    port: authorityNode.port, rootCA: authorityNode.rootCA).objectValue ?? [:]
                section["peerCAFile"] = "pki/root-ca.crt.pem"
                section["peerTimeoutSeconds"] = .number(JSONNumber(peerTimeoutSeconds))
                section["peerFailureThreshold"] = 3
                section["peerCoolDownSeconds"] = .number(JSONNumber(peerCoolDownSeconds))
                if let servicesCacheSeconds {
                    section["servicesCacheSeconds"] = .number(JSONNumber(servicesCacheSeconds))
                }
                if let peerCertificate {
                    let files = nodeCertificate(peerCertificate)
                    section["peerCertificate"] = .string(files.certificate)
                    section["peerPrivateKey"] = .string(files.key)
                }
                node["federation"] = .object(section)
            }
            try edit(directory)
        }
        let process = try GatewayProcess(
            configDirectory: configuration, dataDirectory: data, captureStandardError: true)
        nodes.append(Member(id: id, members: members, process: process))
        return process
    }

    /// Restarts `id` on the port it had (the global configuration names it).
    func restart(_ id: String) throws -> GatewayProcess {
        let index = try #require(nodes.firstIndex { $0.id == id })
        let old = nodes[index].process
        old.stop()
        let process = try GatewayProcess(
            configDirectory: old.configDirectory, dataDirectory: old.dataDirectory, captureStandardError: true,
            listen: "127.0.0.1:\(old.port)")
        nodes[index].process = process
        return process
    }

    /// The SHA-256 (hex) of the first certificate of a PEM file.
    static func fingerprint(_ path: String) throws -> String {
        Hex.encode(Digest.sha256(try Certificate.loadChain(from: URL(fileURLWithPath: path))[0].derBytes))
    }

    /// Publishes the nodes started so far (each with its server certificate, the certificates of `alsoListed` and,
    /// listed in `clients`, the client certificates it presents), plus `extra` nodes; waits until every node took
    /// the new version.
    func publish(
        clients: [String: [String]], extra: [JSONValue] = [], alsoListed: [String: [String]] = [:]
    ) async throws {
        var listed: [JSONValue] = []
        for node in nodes {
            var fingerprints = [try Self.fingerprint(node.process.dataDirectory.appendingPathComponent(
                "pki/server.crt.pem").path)]
            for client in clients[node.id] ?? [] {
                fingerprints.append(try Self.fingerprint(nodeCertificate(client).certificate))
            }
            for certificate in alsoListed[node.id] ?? [] { fingerprints.append(try Self.fingerprint(certificate)) }
            listed.append([
                "id": .string(node.id), "address": .string(node.process.baseURL),
                "tlsFingerprints": .array(fingerprints.map { .string($0) }),
                "members": .array(node.members.map { .string($0) }),
            ])
        }
        try Data(JSONValue.array(listed + extra).serializedBytes(pretty: true))
            .write(to: authority.configuration.appendingPathComponent("nodes.json"))
        try authority.publish(to: published)
        let version = try #require(
            try JSONValue.parse(Array(try Data(contentsOf: published)))["message"]?["version"]?.numberValue?.int)
        for node in nodes {
            try await FederationTests.expectLine(
                node.process.standardOutput,
                [#""event":"federation-configuration-accepted""#, #""version":\#(version)"#])
        }
    }

    /// Stops every process.
    func stop() {
        for node in nodes { node.process.stop() }
        authorityNode.stop()
    }
}
