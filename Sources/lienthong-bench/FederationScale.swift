import Foundation
import LienthongFederation
import LienthongJSON
import LienthongSchema
import LienthongTrust

/// A national-scale global configuration, generated, signed and measured: its size (raw and gzip), the time a node
/// spends verifying and parsing it, and the diff against the previous version (issue 14, point 7).
///
/// Members are named like ministries and provinces; services are spread evenly over them; one node per member with
/// two TLS fingerprints; the national root and an intermediate as anchors with one CRL each; 40 purposes.
enum FederationScale {
    /// The generated configuration at `version`; version 2 differs from 1 as a routine publication would: one
    /// service added, one removed, one node's certificate rotated, one purpose added.
    static func configuration(
        members memberCount: Int, services serviceCount: Int, version: Int, anchors: [String], crls: [String],
        issuedAt: Date
    ) -> GlobalConfiguration {
        let subsystemsPerMember = 4
        var members: [GlobalConfiguration.Member] = []
        var remaining = serviceCount
        for index in 1...memberCount {
            let id = index <= 30 ? "VN/GOV/BO\(index)" : "VN/GOV/TINH\(index - 30)"
            // An even share, the first members taking the remainder.
            let share = remaining / (memberCount - index + 1)
            remaining -= share
            var subsystems: [GlobalConfiguration.Subsystem] = []
            for subsystem in 0..<subsystemsPerMember {
                let subsystemID = "\(id)/HETHONG\(subsystem + 1)"
                let count = share / subsystemsPerMember + (subsystem < share % subsystemsPerMember ? 1 : 0)
                let services = (0..<count).map { number in
                    GlobalConfiguration.Service(
                        id: "\(subsystemID)/dich-vu-\(number + 1)", registry: "registry-\(subsystem + 1)-\(number + 1)",
                        schema: "record-\(number % 20 + 1).v1")
                }
                subsystems.append(
                    GlobalConfiguration.Subsystem(
                        id: subsystemID, name: "Hệ thống thông tin \(subsystem + 1) của \(id)", services: services))
            }
            members.append(
                GlobalConfiguration.Member(
                    id: id, name: "Member \(index) of the national platform", nameVi: "Thành viên \(index)",
                    class: .gov, subsystems: subsystems))
        }
        var nodes = (1...memberCount).map { index in
            let member = members[index - 1].id
            return GlobalConfiguration.Node(
                id: "node-\(index)", address: "https://node-\(index).lienthong.gov.vn:8443",
                tlsFingerprints: [fingerprint("\(index)-a"), fingerprint("\(index)-b")], members: [member])
        }
        var purposes = (1...40).map { index in
            GlobalConfiguration.Purpose(
                code: "purpose-\(index)", name: "Purpose \(index)", nameVi: "Mục đích \(index)",
                legalBasis: "Nghị định \(index)/2024/NĐ-CP")
        }
        if version > 1 {
            members[0].subsystems[0].services.append(
                GlobalConfiguration.Service(id: "\(members[0].subsystems[0].id)/dich-vu-moi", registry: "registry-new"))
            members[1].subsystems[0].services.removeLast()
            nodes[2].tlsFingerprints = [nodes[2].tlsFingerprints[1], fingerprint("3-c")]
            purposes.append(GlobalConfiguration.Purpose(code: "purpose-41", name: "Purpose 41"))
        }
        return GlobalConfiguration(
            federationID: "VN-NDXP", authority: authority, version: version, issuedAt: issuedAt,
            expiresAt: issuedAt.addingTimeInterval(86_400), members: members, nodes: nodes, trustAnchors: anchors,
            crls: crls, purposes: purposes)
    }

    static let authority = "VN/GOV/BTTTT/FEDERATION"

    /// A SHA-256 fingerprint (lowercase hex) standing for a node's TLS certificate.
    static func fingerprint(_ seed: String) -> String {
        Digest.sha256(Array(seed.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Generates, signs and measures; returns one JSON line.
    static func run(members: Int, services: Int, schemas: String, out: String?) throws -> JSONValue {
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let root = try CertificateIssuer.selfSignedRoot(
            subject: DistinguishedName(commonName: "National Root CA"), key: SigningKey.generate(),
            notBefore: now - 86_400, notAfter: now + 86_400 * 3650)
        let intermediateKey = try SigningKey.generate()
        let intermediate = try CertificateIssuer(
            certificate: root.issue(
                .intermediateCA, subject: DistinguishedName(commonName: "National Intermediate CA"),
                publicKey: intermediateKey.publicKey, notBefore: now - 86_400, notAfter: now + 86_400 * 1825),
            key: intermediateKey)
        let key = try SigningKey.generate()
        let certificate = try intermediate.issue(
            .nodeSigning, subject: DistinguishedName(commonName: authority), publicKey: key.publicKey,
            notBefore: now - 86_400, notAfter: now + 86_400 * 365)
        let identity = try JWSSigningIdentity(key: key, chain: [certificate, intermediate.certificate])
        let anchor = try ConfigurationAnchor(chain: [certificate, intermediate.certificate, root.certificate])
        let crls = [
            try root.revocationList(revoking: [], thisUpdate: now - 60, nextUpdate: now + 86_400 * 7).pemString,
            try intermediate.revocationList(revoking: [], thisUpdate: now - 60, nextUpdate: now + 86_400 * 7).pemString,
        ]
        let anchors = [root.certificate.pemString, intermediate.certificate.pemString]
        let catalog = try SchemaCatalog.load(directory: URL(fileURLWithPath: schemas))
        guard let schema = catalog.compiled(SignedGlobalConfiguration.schemaID) else {
            throw BenchError("no \(SignedGlobalConfiguration.schemaID) in \(schemas)")
        }
        func published(_ version: Int) throws -> SignedGlobalConfiguration {
            let configuration = Self.configuration(
                members: members, services: services, version: version, anchors: anchors, crls: crls, issuedAt: now)
            return try SignedGlobalConfiguration.sign(configuration, identity: identity, at: now)
        }
        let first = try published(1)
        let second = try published(2)
        if let out {
            try Data(first.bytes).write(to: URL(fileURLWithPath: out + "/global-configuration-v1.json"))
            try Data(second.bytes).write(to: URL(fileURLWithPath: out + "/global-configuration-v2.json"))
        }
        // Medians of seven runs, in CPU milliseconds of this thread: the machine is shared, and what a node pays is
        // CPU time, not the wall-clock time a neighbour's load stretches.
        func median(_ body: () throws -> Void) rethrows -> Double {
            var times: [Double] = []
            for _ in 0..<7 {
                let start = threadCPUMilliseconds()
                try body()
                times.append(threadCPUMilliseconds() - start)
            }
            return (times.sorted()[times.count / 2] * 100).rounded() / 100
        }
        var verified: SignedGlobalConfiguration?
        let verify = try median { verified = try SignedGlobalConfiguration.verify(second.bytes, anchor: anchor, schema: schema, at: now) }
        let parse = try median { _ = try EnvelopeParser.parse(second.bytes, maxEnvelopeBytes: SignedGlobalConfiguration.maxBytes) }
        let sha = median { _ = Digest.sha256(second.bytes) }
        let message = second.configuration.message
        let validate = median { _ = schema.validate(message) }
        let canonical = try median { _ = try JCS.canonicalize(message) }
        guard let current = verified?.configuration else { throw BenchError("version 2 did not verify") }
        var diff: GlobalConfigurationDiff?
        let diffTime = median { diff = GlobalConfigurationDiff(from: first.configuration, to: current) }
        guard let diff else { throw BenchError("no diff") }
        let serviceCount = current.servicesByID.count
        return [
            "members": .number(JSONNumber(current.members.count)),
            "services": .number(JSONNumber(serviceCount)),
            "nodes": .number(JSONNumber(current.nodes.count)),
            "bytes": .number(JSONNumber(second.bytes.count)),
            "gzipBytes": .number(JSONNumber(try gzipSize(second.bytes))),
            "verifyMs": .number(JSONNumber(verify)),
            "parseMs": .number(JSONNumber(parse)),
            "sha256Ms": .number(JSONNumber(sha)),
            "schemaMs": .number(JSONNumber(validate)),
            "jcsMs": .number(JSONNumber(canonical)),
            "diffMs": .number(JSONNumber(diffTime)),
            "diff": .string(
                "services +\(diff.services.added.count) -\(diff.services.removed.count), "
                    + "nodes ~\(diff.nodes.changed.count), purposes +\(diff.purposes.added.count)"),
        ]
    }

    /// CPU time used by this thread so far, in milliseconds.
    static func threadCPUMilliseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1e3 + Double(time.tv_nsec) / 1e6
    }

    /// The size of `bytes` compressed by `gzip -6` (what an HTTP server's gzip encoding gives).
    static func gzipSize(_ bytes: [UInt8]) throws -> Int {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-scale-\(UUID().uuidString)")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-6", "-c", file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let compressed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("gzip failed") }
        return compressed.count
    }
}
