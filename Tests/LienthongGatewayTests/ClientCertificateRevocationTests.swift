@testable import LienthongGateway
import Foundation
import LienthongHTTP
import LienthongTrust
import Testing

/// The fail-open / fail-closed choices of ``ClientCertificateRevocation``, in process, with a CRL the test signs.
struct ClientCertificateRevocationTests {
    let root: CertificateIssuer
    let leaf: Certificate
    let chain: [[UInt8]]
    let directory: URL

    init() throws {
        let rootKey = try SigningKey.generate(.p256)
        root = try CertificateIssuer.selfSignedRoot(
            subject: DistinguishedName(commonName: "Test Root", organization: "Test"), key: rootKey,
            notBefore: Date().addingTimeInterval(-60), notAfter: Date().addingTimeInterval(3600))
        leaf = try root.issue(
            .tlsClient, subject: DistinguishedName(commonName: "VN/GOV/HCM/MOTCUA", organization: "Test"),
            publicKey: try SigningKey.generate(.p256).publicKey, notBefore: Date().addingTimeInterval(-60),
            notAfter: Date().addingTimeInterval(3600))
        chain = [leaf.derBytes, root.certificate.derBytes]
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("revocation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func crl(revoking revoked: [Certificate], nextUpdate: Date) throws -> CRLFiles {
        let file = directory.appendingPathComponent("crl.pem")
        let list = try root.revocationList(
            revoking: revoked, thisUpdate: Date().addingTimeInterval(-120), nextUpdate: nextUpdate)
        try Data(list.pemString.utf8).write(to: file)
        return try CRLFiles(files: [file], refreshInterval: 300, now: Date())
    }

    func checker(
        crls: CRLFiles?, expiredCRL: RevocationConfiguration.Failure = .failClosed, ocspResponder: String? = nil,
        ocspUnavailable: RevocationConfiguration.Failure = .failClosed
    ) throws -> ClientCertificateRevocation {
        let ocsp = try ocspResponder.map { url in
            OCSPChecker(
                cache: OCSPResponseCache(), client: HTTPClient(),
                trustStore: try TrustStore(anchors: [root.certificate]), responder: url, timeout: .seconds(2),
                cacheSeconds: 60)
        }
        return ClientCertificateRevocation(
            crls: crls, expiredCRL: expiredCRL, ocsp: ocsp, ocspUnavailable: ocspUnavailable, now: { Date() })
    }

    @Test func expiredCRLFailsOpenWhenConfigured() async throws {
        let crls = try crl(revoking: [], nextUpdate: Date().addingTimeInterval(-60))
        #expect(try await checker(crls: crls).check(chain: chain)?.status == 503)
        #expect(try await checker(crls: crls, expiredCRL: .failOpen).check(chain: chain) == nil)
    }

    @Test func revocationInAnExpiredCRLStillCounts() async throws {
        let crls = try crl(revoking: [leaf], nextUpdate: Date().addingTimeInterval(-60))
        let problem = try await checker(crls: crls, expiredCRL: .failOpen).check(chain: chain)
        #expect(problem?.status == 401)
        #expect(problem?.code == "trust.revoked-certificate")
    }

    @Test func responderDownFailsOpenWhenConfigured() async throws {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        let down = "http://127.0.0.1:1"
        #expect(try await checker(crls: nil, ocspResponder: down).check(chain: chain)?.status == 503)
        let failOpen = try checker(crls: nil, ocspResponder: down, ocspUnavailable: .failOpen)
        #expect(await failOpen.check(chain: chain) == nil)
    }

    @Test func aCurrentCRLCoversAResponderThatIsDown() async throws {
        let crls = try crl(revoking: [], nextUpdate: Date().addingTimeInterval(3600))
        #expect(try await checker(crls: crls, ocspResponder: "http://127.0.0.1:1").check(chain: chain) == nil)
    }
}
