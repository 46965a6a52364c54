import Foundation
import LienthongTesting

/// A throwaway PKI made with the `openssl` CLI: a root CA, a server certificate for 127.0.0.1, a client
/// certificate from that root, and a client certificate from an unrelated CA.
struct TestCertificates: Sendable {
    let directory: URL
    var caPath: String { directory.appendingPathComponent("ca.pem").path }
    var serverCertificatePath: String { directory.appendingPathComponent("server.pem").path }
    var serverKeyPath: String { directory.appendingPathComponent("server.key").path }
    /// A second server certificate for 127.0.0.1 from the same CA: what a rotation replaces the first with.
    var nextServerCertificatePath: String { directory.appendingPathComponent("server-next.pem").path }
    var nextServerKeyPath: String { directory.appendingPathComponent("server-next.key").path }
    var clientCertificatePath: String { directory.appendingPathComponent("client.pem").path }
    var clientKeyPath: String { directory.appendingPathComponent("client.key").path }
    var strangerCertificatePath: String { directory.appendingPathComponent("stranger.pem").path }
    var strangerKeyPath: String { directory.appendingPathComponent("stranger.key").path }

    /// Generated once per test process.
    static let shared: TestCertificates = {
        do { return try TestCertificates.generate() } catch { fatalError("openssl failed: \(error)") }
    }()

    private static func generate() throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certs = TestCertificates(directory: directory)
        func openssl(_ arguments: [String]) throws {
            guard try ChildProcess.run(tool: "openssl", arguments, currentDirectory: directory).status == 0 else {
                throw CocoaError(.executableLoad, userInfo: ["arguments": arguments.joined(separator: " ")])
            }
        }
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for (name, subject) in [("ca", "/CN=Lienthong Test Root"), ("other-ca", "/CN=Unrelated Root")] {
            try openssl(["req", "-x509"] + key + [
                "-keyout", "\(name).key", "-out", "\(name).pem", "-days", "2", "-subj", subject,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        }
        let leaves = [
            ("server", "ca", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth"),
            ("server-next", "ca", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth"),
            ("client", "ca", "/CN=VN-GOV-BTC-DKKD", "extendedKeyUsage=clientAuth"),
            ("stranger", "other-ca", "/CN=Stranger", "extendedKeyUsage=clientAuth"),
        ]
        for (name, issuer, subject, extensions) in leaves {
            try openssl(["req", "-new"] + key + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject])
            try "basicConstraints=CA:FALSE\n\(extensions)\n".write(
                to: directory.appendingPathComponent("\(name).ext"), atomically: true, encoding: .utf8)
            try openssl([
                "x509", "-req", "-in", "\(name).csr", "-CA", "\(issuer).pem", "-CAkey", "\(issuer).key",
                "-CAcreateserial", "-out", "\(name).pem", "-days", "2", "-extfile", "\(name).ext",
            ])
        }
        return certs
    }
}
