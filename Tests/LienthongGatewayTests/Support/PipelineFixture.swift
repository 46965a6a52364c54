import Foundation
import LienthongAccess
import LienthongAudit
import LienthongConnectors
import LienthongCore
import LienthongJSON
import LienthongNodeStore
import LienthongSchema
import LienthongTrust
import Synchronization
@testable import LienthongGateway

/// A ``LookupPipeline`` in memory, without a socket or the binary: registries answered by ``MemoryConnector``s,
/// the policy, rate limits and replay window in memory, a temporary audit log and a self-signed provider key.
struct PipelineFixture {
    static let motcua = Consumer(id: ExchangeID("VN/GOV/HCM/MOTCUA")!, name: "Một cửa")
    static let purpose = "residence-verification"
    /// A valid personal ID the population registry holds.
    static let person = "001190000000"

    let pipeline: LookupPipeline
    let audit: AuditLog
    /// The connector of each registry, by name, to count what was asked.
    let connectors: [String: MemoryConnector]

    /// - Parameters:
    ///   - registries: the registries hosted, of `population`, `enterprise`, `land`, `insurance`.
    ///   - grants: the services MOTCUA may read for ``purpose``.
    ///   - signers: whether the providers have a signing key.
    ///   - rateLimit: MOTCUA's limit on every grant.
    init(
        registries: [String] = ["population"], grants: [String] = ["population"], signers: Bool = true,
        rateLimit: RateLimit? = nil
    ) throws {
        var runtimes: [String: RegistryRuntime] = [:]
        var connectors: [String: MemoryConnector] = [:]
        for name in registries {
            let connector = MemoryConnector()
            connectors[name] = connector
            runtimes[name] = RegistryRuntime(
                descriptor: Self.descriptor(name),
                registry: MappedRegistry(
                    name: name, schema: "\(name).v1", connector: connector,
                    mapping: try RecordMapping(
                        registry: name,
                        configuration: [
                            ["target": "/personalId", "source": "id"], ["target": "/fullName", "source": "name"],
                        ])),
                schema: try JSONSchema.compile(["type": "object", "required": ["personalId"]]))
        }
        let policy = AccessPolicy(
            PolicyConfiguration(
                purposes: [Purpose(code: Self.purpose, name: "Residence", nameVi: "Cư trú", legalBasis: "Law")],
                consumers: [Self.motcua],
                grants: grants.map {
                    Grant(
                        consumer: Self.motcua.id, service: Self.descriptor($0).service, purposes: [Self.purpose],
                        rateLimit: rateLimit)
                }))
        let replay = MemoryReplayWindow()
        let key = try SigningKey.generate()
        let root = try CertificateIssuer.selfSignedRoot(
            subject: DistinguishedName(commonName: "VN/GOV/BCA/DANCU"), key: key, notAfter: Date() + 86_400)
        let identity = try JWSSigningIdentity(key: key, chain: [root.certificate])
        let providers = registries.map { Self.descriptor($0).provider }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).sqlite")
        audit = try AuditLog(path: path.path, subjectKey: Array("secret".utf8))
        self.connectors = connectors
        pipeline = LookupPipeline(
            registries: runtimes,
            signedRequests: SignedRequestVerifier(
                trust: CertificateVerifier(trustStore: try TrustStore(anchors: [root.certificate])), replay: replay,
                now: { Date() }),
            admission: LookupAdmission(
                policy: policy,
                rateLimits: LookupRateLimits(policy: policy, store: RateLimitStore(clock: ContinuousClock())),
                replay: replay, now: { Date() }),
            fetch: RegistryFetch(),
            signing: ResponseSigning(
                signers: signers ? Dictionary(providers.map { ($0, identity) }, uniquingKeysWith: { a, _ in a }) : [:],
                now: { Date() }),
            audit: AuditRecorder(log: audit, enabled: true))
    }

    /// The demo registry `name`'s service, key kind and schema; population offers documents too.
    static func descriptor(_ name: String) -> RegistryDescriptor {
        let services = [
            "population": "VN/GOV/BCA/DANCU/person", "enterprise": "VN/GOV/BTC/DKKD/enterprise",
            "land": "VN/GOV/BNNMT/DATDAI/land-parcel", "insurance": "VN/GOV/BHXH/BHXH/insurance",
        ]
        return RegistryDescriptor(
            name: name, service: ExchangeID(services[name] ?? "VN/GOV/X/\(name)/\(name)")!, keyKind: .personalID,
            schema: "\(name).v1", connector: [:], connectorFile: "",
            documentService: name == "population" ? ExchangeID("VN/GOV/BCA/DANCU/document") : nil)
    }

    /// A `GET` lookup of `registry`/`key`.
    static func request(
        _ registry: String = "population", key: String = person, purpose: String? = purpose, requestID: String? = nil,
        fields: String? = nil
    ) -> LookupRequest {
        LookupRequest(
            registry: registry, key: key, purpose: purpose, requestID: requestID ?? UUID().uuidString.lowercased(),
            requestIDGiven: requestID != nil, fields: fields, path: "/v1/records/\(registry)/\(key)", query: nil)
    }

    /// The audit records of `requestID`.
    func records(_ requestID: String) throws -> [AuditRecord] {
        try audit.records(requestID: requestID)
    }
}

/// A back end holding one native record for ``PipelineFixture/person``; it counts the lookups it answered.
final class MemoryConnector: RegistryConnector {
    private let asked = Mutex(0)
    /// How many lookups and searches reached the back end.
    var lookups: Int { asked.withLock { $0 } }

    func lookup(key: String) async throws(ConnectorError) -> NativeRecord? {
        asked.withLock { $0 += 1 }
        return key == PipelineFixture.person ? ["id": .string(key), "name": "Nguyễn Văn A"] : nil
    }

    func search(_ query: NativeSearch) async throws(ConnectorError) -> [NativeRecord] {
        asked.withLock { $0 += 1 }
        return []
    }

    func openDocument(key: String) async throws(ConnectorError) -> DocumentStream? { nil }
    func health() async -> ConnectorHealth { .up }
    func close() async {}
}

/// A replay window in memory: an id is admitted once.
final class MemoryReplayWindow: ReplayAdmitter {
    private let seen = Mutex<Set<String>>([])
    let configuration = ReplayWindow.Configuration()

    func admit(_ entries: [(id: String, issuedAt: Date?)], now: Date) async throws(TrustError) {
        let fresh = seen.withLock { seen in
            guard entries.allSatisfy({ !seen.contains($0.id) }) else { return false }
            for entry in entries { seen.insert(entry.id) }
            return true
        }
        guard fresh else { throw TrustError(.replayDetected, "seen") }
    }

    func unreachableReason() async -> String? { nil }
}
