import Foundation

@testable import LienthongTrust
import LienthongTesting

/// An in-memory root → intermediate → leaf PKI for tests.
struct TestPKI {
    static let day: TimeInterval = 86_400
    let root: CertificateIssuer
    let intermediate: CertificateIssuer
    let now: Date

    init(now: Date = Date(), keyType: KeyType = .p256, name: String = "Test") throws {
        self.now = now
        root = try CertificateIssuer.selfSignedRoot(
            subject: DistinguishedName(commonName: "\(name) Root CA"), key: SigningKey.generate(keyType),
            notBefore: now - 10 * Self.day, notAfter: now + 3650 * Self.day)
        let intermediateKey = try SigningKey.generate(keyType)
        let intermediateCertificate = try root.issue(
            .intermediateCA, subject: DistinguishedName(commonName: "\(name) Intermediate CA"),
            publicKey: intermediateKey.publicKey, notBefore: now - 10 * Self.day, notAfter: now + 1825 * Self.day)
        intermediate = try CertificateIssuer(certificate: intermediateCertificate, key: intermediateKey)
    }

    /// A signing certificate for `member` and its key.
    func member(
        _ member: String, keyType: KeyType = .p256, profile: CertificateProfile = .nodeSigning,
        notBefore: Date? = nil, notAfter: Date? = nil
    ) throws -> (key: SigningKey, chain: [Certificate]) {
        let key = try SigningKey.generate(keyType)
        let leaf = try intermediate.issue(
            profile, subject: DistinguishedName(commonName: member, organization: "Bộ Công an"),
            publicKey: key.publicKey, notBefore: notBefore ?? now - Self.day, notAfter: notAfter ?? now + 365 * Self.day
        )
        return (key, [leaf, intermediate.certificate])
    }

    func verifier(revoking revoked: [Certificate] = [], clockSkew: TimeInterval = 0) throws -> CertificateVerifier {
        var lists: [CertificateRevocationList] = []
        if !revoked.isEmpty {
            lists.append(
                try intermediate.revocationList(
                    revoking: revoked, revokedAt: now - 60, thisUpdate: now - 60, nextUpdate: now + 7 * Self.day))
        }
        return CertificateVerifier(
            trustStore: try TrustStore(anchors: [root.certificate], revocationLists: lists), clockSkew: clockSkew)
    }
}

/// Runs a command-line tool and returns its exit status and what it printed (output, then errors).
func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let result = try ChildProcess.run(tool: executable, arguments)
    return (result.status, result.stdout + result.stderr)
}

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-trust-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
