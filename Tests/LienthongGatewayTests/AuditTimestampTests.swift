import Foundation
import LienthongAudit
import LienthongHTTP
import LienthongStorage
import LienthongTesting
import LienthongTrust
import Testing

@testable import LienthongGateway

/// Answers RFC 3161 queries with `openssl ts -reply`: a time-stamping authority on loopback.
private struct TimestampResponder: HTTPHandler {
    let authority: OpenSSLTimestampAuthority

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        guard request.method == .post, let reply = try? authority.reply(to: request.body) else {
            return HTTPResponse(status: 400)
        }
        return HTTPResponse(status: 200, headers: ["Content-Type": "application/timestamp-reply"], body: reply)
    }
}

/// Each audit checkpoint gets an RFC 3161 time stamp from the configured authority, checked by `audit verify`.
@Suite(.serialized)
struct AuditTimestampTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-tsa-\(UUID())")
    var path: String { directory.appendingPathComponent("audit.sqlite").path }

    @Test func checkpointsAreTimeStampedAndTheStampsVerify() async throws {
        let authority = try OpenSSLTimestampAuthority(directory: directory.appendingPathComponent("tsa"))
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, eventLoops: 1),
            handler: TimestampResponder(authority: authority))
        let port = try await server.start()
        let running = Task { try await server.run() }
        defer { server.shutdown() }

        let now = Date()
        let root = try CertificateIssuer.selfSignedRoot(
            subject: DistinguishedName(commonName: "Stamp Test Root CA"), key: SigningKey.generate(),
            notBefore: now - 86_400, notAfter: now + 86_400)
        let key = try SigningKey.generate()
        let leaf = try root.issue(
            .nodeSigning, subject: DistinguishedName(commonName: "VN/GOV/BCA"), publicKey: key.publicKey,
            notBefore: now - 86_400, notAfter: now + 86_400)
        let client = HTTPClient()
        defer { client.shutdown() }
        let timestamper = AuditTimestamper(url: "http://127.0.0.1:\(port)/", client: client, logPath: path)
        let log = try AuditLog(
            path: path, subjectKey: Array("k".utf8),
            checkpoints: AuditCheckpointSigner(key: key, chain: [leaf], everyRecords: 3),
            afterCheckpoint: timestamper.afterCheckpoint)
        for index in 1...7 {
            _ = try await log.append(
                AuditEvent(time: Date(), requestID: "req-\(index)", outcome: .allowed, status: 200))
        }
        log.close()

        // Stamps arrive off the commit path: wait for the three checkpoints' (3, 6 and 7 on close), boundedly.
        try await Poll.until(within: .seconds(10), every: .milliseconds(50)) {
            try AuditLog.timestamps(path: path).count >= 3
        }
        #expect(try AuditLog.timestamps(path: path).keys.sorted() == [3, 6, 7])
        let trust = CertificateVerifier(trustStore: try TrustStore(anchors: [root.certificate]))
        let anchors = try Certificate.loadChain(from: authority.rootCertificate)
        let result = try AuditLog.verify(path: path, trust: trust, timestampAnchors: anchors)
        #expect(result.isValid)
        #expect(result.timestampsChecked == 3)

        let rootFile = directory.appendingPathComponent("root.pem")
        try root.certificate.pemString.write(to: rootFile, atomically: true, encoding: .utf8)
        let command = try ChildProcess.run(
            GatewayProcess.binary,
            ["audit", "verify", path, "--trust-anchor", rootFile.path, "--tsa-anchor", authority.rootCertificate.path])
        #expect(command.status == 0)
        #expect(command.stdout.contains("time stamps verified: 3"))

        // A stamp moved to another checkpoint does not cover it.
        try SQLiteDatabase(path: path, mode: .readWrite).execute(
            "UPDATE audit_timestamps SET token = (SELECT token FROM audit_timestamps WHERE seq = 6) WHERE seq = 3")
        let moved = try AuditLog.verify(path: path, trust: trust, timestampAnchors: anchors)
        #expect(moved.firstBad?.failure == .timestamp)
        #expect(moved.firstBad?.seq == 3)
        server.shutdown()
        try await running.value
    }
}
