import Foundation
import LienthongAudit
import LienthongTrust
import Synchronization
import LienthongTesting

/// A node PKI for tests: root → node signing certificate for `VN/GOV/BCA`.
struct AuditTestPKI {
    static let node = "VN/GOV/BCA"
    let root: CertificateIssuer
    let key: SigningKey
    let chain: [Certificate]

    init(name: String = "Audit Test", node: String = AuditTestPKI.node, now: Date = Date()) throws {
        root = try CertificateIssuer.selfSignedRoot(
            subject: DistinguishedName(commonName: "\(name) Root CA"), key: SigningKey.generate(),
            notBefore: now - 86_400, notAfter: now + 3650 * 86_400)
        key = try SigningKey.generate()
        let leaf = try root.issue(
            .nodeSigning, subject: DistinguishedName(commonName: node), publicKey: key.publicKey,
            notBefore: now - 86_400, notAfter: now + 365 * 86_400)
        chain = [leaf]
    }

    var verifier: CertificateVerifier {
        get throws { CertificateVerifier(trustStore: try TrustStore(anchors: [root.certificate])) }
    }

    func signer(
        everyRecords: Int = 1000, interval: TimeInterval = 3600, now: @escaping @Sendable () -> Date = { Date() }
    ) throws -> AuditCheckpointSigner {
        try AuditCheckpointSigner(key: key, chain: chain, everyRecords: everyRecords, interval: interval, now: now)
    }

    /// Writes the root certificate, node key and node chain as PEM files into `directory`.
    func write(to directory: URL) throws -> (root: String, key: String, cert: String) {
        let rootPath = directory.appendingPathComponent("root.pem")
        let keyPath = directory.appendingPathComponent("node.key.pem")
        let certPath = directory.appendingPathComponent("node.pem")
        try root.certificate.pemString.write(to: rootPath, atomically: true, encoding: .utf8)
        try key.save(to: keyPath)
        try chain.map(\.pemString).joined().write(to: certPath, atomically: true, encoding: .utf8)
        return (rootPath.path, keyPath.path, certPath.path)
    }
}

/// A clock that moves only when told.
final class ManualClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-audit-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func auditEvent(
    _ index: Int, subject: String = "079085000001", time: Date? = nil,
    outcome: AuditEvent.Outcome? = nil
) -> AuditEvent {
    let denied = outcome.map { $0 == .denied } ?? (index % 5 == 0)
    return AuditEvent(
        time: time ?? Date(timeIntervalSince1970: 1_795_000_000 + Double(index)), requestID: "req-\(index)",
        consumer: "VN/GOV/HCM/MOTCUA", provider: "VN/GOV/BCA/DANCU", service: "VN/GOV/BCA/DANCU/person",
        purpose: "residence-verification", subjectKey: subject, fields: ["fullName", "personalId"],
        outcome: outcome ?? (denied ? .denied : .allowed), status: denied ? 403 : 200,
        problemCode: denied ? "access-denied" : nil, latencyMicroseconds: 100 + index,
        messageSHA256: denied ? nil : "hash-\(index)"
    )
}

/// The `lienthong` executable built beside the test bundle (or `$LIENTHONG_BIN`); `lienthong-bench` likewise.
func lienthongExecutable(_ name: String = "lienthong") throws -> URL {
    let url = Repository.executable(name)
    guard FileManager.default.isExecutableFile(atPath: url.path) else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "\(name) executable (run swift build)"])
    }
    return url
}

/// Runs `lienthong` with `arguments`; returns the exit status and standard output.
func runLienthong(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let result = try ChildProcess.run(try lienthongExecutable(), arguments)
    return (result.status, result.stdout)
}
