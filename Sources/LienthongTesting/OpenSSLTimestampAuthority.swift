public import Foundation
import Synchronization

/// A throwaway RFC 3161 time-stamping authority for tests: a root CA and a TSA certificate made with the
/// `openssl` tool, answering queries with `openssl ts -reply`.
public final class OpenSSLTimestampAuthority: Sendable {
    /// The directory holding the keys, certificates, configuration and serial file.
    public let directory: URL
    /// The TSA's root certificate (PEM): the anchor a token must chain to.
    public var rootCertificate: URL { directory.appendingPathComponent("tsa-root.pem") }
    /// `openssl ts -reply` rewrites the serial file: one reply at a time.
    private let replying = Mutex(())

    /// Creates the root, the TSA certificate (extended key usage `timeStamping`, critical) and the configuration.
    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "01\n".write(to: directory.appendingPathComponent("serial"), atomically: true, encoding: .utf8)
        try "extendedKeyUsage = critical,timeStamping\n"
            .write(to: directory.appendingPathComponent("tsa-ext.cnf"), atomically: true, encoding: .utf8)
        try """
            [ tsa ]
            default_tsa = test_tsa
            [ test_tsa ]
            serial = \(directory.appendingPathComponent("serial").path)
            signer_cert = \(directory.appendingPathComponent("tsa.pem").path)
            signer_key = \(directory.appendingPathComponent("tsa.key").path)
            signer_digest = sha256
            default_policy = 1.3.6.1.4.1.99999.1
            digests = sha256
            ess_cert_id_alg = sha256
            accuracy = secs:1
            ordering = no
            tsa_name = no
            ess_cert_id_chain = no

            """.write(to: directory.appendingPathComponent("ts.cnf"), atomically: true, encoding: .utf8)
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        try Self.openssl(
            ["req", "-x509"] + curve + [
                "-keyout", "tsa-root.key", "-out", "tsa-root.pem", "-subj", "/CN=Test TSA Root", "-days", "3",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
            ], in: directory)
        try Self.openssl(
            ["req"] + curve + ["-keyout", "tsa.key", "-out", "tsa.csr", "-subj", "/CN=Test TSA"], in: directory)
        try Self.openssl(
            [
                "x509", "-req", "-in", "tsa.csr", "-CA", "tsa-root.pem", "-CAkey", "tsa-root.key", "-set_serial", "2",
                "-days", "2", "-extfile", "tsa-ext.cnf", "-out", "tsa.pem",
            ], in: directory)
    }

    /// The DER `TimeStampResp` to a DER `TimeStampReq`.
    public func reply(to query: [UInt8]) throws -> [UInt8] {
        try replying.withLock { _ in
            let name = UUID().uuidString
            let queryFile = directory.appendingPathComponent("\(name).tsq")
            let replyFile = directory.appendingPathComponent("\(name).tsr")
            try Data(query).write(to: queryFile)
            try Self.openssl(
                ["ts", "-reply", "-config", "ts.cnf", "-queryfile", queryFile.path, "-out", replyFile.path],
                in: directory)
            return Array(try Data(contentsOf: replyFile))
        }
    }

    private static func openssl(_ arguments: [String], in directory: URL) throws {
        let result = try ChildProcess.run(tool: "openssl", arguments, currentDirectory: directory)
        guard result.status == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "openssl: \(result.stderr)"])
        }
    }
}
