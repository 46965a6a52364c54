import Foundation
import LienthongFederation
import LienthongSchema
import LienthongTesting
import LienthongTrust

/// A small PKI for the authority (a root and the configuration-signing certificate under it), the compiled
/// schema, and configurations to sign.
enum FederationFixtures {
    static let authority = "VN/GOV/BTTTT/FEDERATION"

    /// The root, the authority's key and certificate, and another key under the same root naming the same member.
    struct PKI: Sendable {
        let root: CertificateIssuer
        let key: SigningKey
        let certificate: Certificate
        let impostorKey: SigningKey
        let impostor: Certificate

        var identity: JWSSigningIdentity { get throws { try JWSSigningIdentity(key: key, chain: [certificate]) } }
        var impostorIdentity: JWSSigningIdentity {
            get throws { try JWSSigningIdentity(key: impostorKey, chain: [impostor]) }
        }
        /// The anchor a node installs: the authority's certificate, then the root.
        var anchor: ConfigurationAnchor { get throws { try ConfigurationAnchor(chain: [certificate, root.certificate]) } }
    }

    static let pki: PKI = {
        do {
            let now = Date()
            let root = try CertificateIssuer.selfSignedRoot(
                subject: DistinguishedName(commonName: "Test National Root"), key: try SigningKey.generate(),
                notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(86_400))
            func leaf(_ key: SigningKey) throws -> Certificate {
                try root.issue(
                    .nodeSigning, subject: DistinguishedName(commonName: authority), publicKey: key.publicKey,
                    notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(86_400))
            }
            let key = try SigningKey.generate()
            let impostorKey = try SigningKey.generate()
            return PKI(
                root: root, key: key, certificate: try leaf(key), impostorKey: impostorKey,
                impostor: try leaf(impostorKey))
        } catch {
            fatalError("test PKI: \(error)")
        }
    }()

    static let schema: JSONSchema = {
        do {
            let catalog = try SchemaCatalog.load(directory: Repository.root.appendingPathComponent("schemas"))
            guard let schema = catalog.compiled(SignedGlobalConfiguration.schemaID) else { fatalError("no schema") }
            return schema
        } catch {
            fatalError("schemas: \(error)")
        }
    }()

    /// Whole seconds, as published documents carry.
    static var now: Date { Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)) }

    static func service(_ subsystem: String, _ name: String, _ registry: String) -> GlobalConfiguration.Service {
        GlobalConfiguration.Service(id: "\(subsystem)/\(name)", registry: registry)
    }

    /// Two ministries, a province, one node each for the ministries.
    static func configuration(version: Int = 1, issuedAt: Date = now, validFor: TimeInterval = 3600) -> GlobalConfiguration {
        GlobalConfiguration(
            federationID: "VN-TEST", authority: authority, version: version, issuedAt: issuedAt,
            expiresAt: issuedAt.addingTimeInterval(validFor),
            members: [
                GlobalConfiguration.Member(
                    id: "VN/GOV/BCA", name: "Ministry of Public Security", class: .gov,
                    subsystems: [
                        GlobalConfiguration.Subsystem(
                            id: "VN/GOV/BCA/DANCU", services: [service("VN/GOV/BCA/DANCU", "person", "population")])
                    ]),
                GlobalConfiguration.Member(
                    id: "VN/GOV/BTC", name: "Ministry of Finance", class: .gov,
                    subsystems: [
                        GlobalConfiguration.Subsystem(
                            id: "VN/GOV/BTC/DKKD",
                            services: [service("VN/GOV/BTC/DKKD", "enterprise", "enterprise")])
                    ]),
                GlobalConfiguration.Member(id: "VN/GOV/HCM", name: "Ho Chi Minh City", class: .gov, subsystems: []),
            ],
            nodes: [
                GlobalConfiguration.Node(
                    id: "node-bca", address: "https://bca.example", tlsFingerprints: [String(repeating: "a", count: 64)],
                    members: ["VN/GOV/BCA"]),
                GlobalConfiguration.Node(
                    id: "node-btc", address: "https://btc.example", tlsFingerprints: [String(repeating: "b", count: 64)],
                    members: ["VN/GOV/BTC", "VN/GOV/HCM"]),
            ],
            trustAnchors: [pki.root.certificate.pemString], crls: [],
            purposes: [GlobalConfiguration.Purpose(code: "residence-verification", name: "Residence verification")])
    }

    /// `configuration` signed by the authority.
    static func signed(_ configuration: GlobalConfiguration) throws -> [UInt8] {
        try SignedGlobalConfiguration.sign(configuration, identity: try pki.identity, at: now).bytes
    }
}
