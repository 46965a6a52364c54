import Foundation
import LienthongHTTP
import Synchronization
import Testing

/// Server certificate pinning on the client (checked before each request is sent, on new and reused connections),
/// and the server's certificate replaced while it runs.
@Suite struct HTTPClientPinningTests {
    let certs = TestCertificates.shared

    /// The SHA-256 of the DER of the PEM certificate at `path`, by the openssl tool.
    func digest(_ path: String) async throws -> [UInt8] {
        let output = try await runTool("/usr/bin/openssl", ["x509", "-in", path, "-noout", "-fingerprint", "-sha256"])
        let text = String(decoding: output.stdout, as: UTF8.self)
        let hex = try #require(text.split(separator: "=").last).trimmingCharacters(in: .whitespacesAndNewlines)
        return try hex.split(separator: ":").map { try #require(UInt8($0, radix: 16)) }
    }

    var configuration: HTTPServerConfiguration {
        HTTPServerConfiguration(
            tls: TLSServerConfiguration(
                certificateChainPath: certs.serverCertificatePath, privateKeyPath: certs.serverKeyPath),
            eventLoops: 1)
    }

    @Test func aRequestIsSentOnlyToAPinnedCertificateEvenOnAReusedConnection() async throws {
        let counter = RequestCounter()
        let current = try await digest(certs.serverCertificatePath)
        let next = try await digest(certs.nextServerCertificatePath)
        try await withServer(configuration, handler: counter) { _, port in
            let client = HTTPClient(tls: TLSClientConfiguration(caFilePath: certs.caPath))
            defer { client.shutdown() }
            let url = "https://127.0.0.1:\(port)/"
            let pinned = try await client.send(HTTPClientRequest(url: url, pinnedCertificates: [next, current]))
            #expect(pinned.status == 200)
            // The same connection, kept alive, with a pin it does not match: refused before anything is sent.
            await #expect(throws: HTTPClientError(code: .certificateNotPinned, detail: "")) {
                try await client.send(HTTPClientRequest(url: url, pinnedCertificates: [next]))
            }
            #expect(counter.count == 1)
        }
    }

    @Test func aReplacedCertificateServesNewConnectionsWhileOpenOnesFinish() async throws {
        let current = try await digest(certs.serverCertificatePath)
        let next = try await digest(certs.nextServerCertificatePath)
        try await withServer(configuration) { server, port in
            let url = "https://127.0.0.1:\(port)/"
            let early = HTTPClient(tls: TLSClientConfiguration(caFilePath: certs.caPath))
            defer { early.shutdown() }
            #expect(try await early.send(HTTPClientRequest(url: url, pinnedCertificates: [current])).status == 200)
            try server.replaceTLS(
                TLSServerConfiguration(
                    certificateChainPath: certs.nextServerCertificatePath, privateKeyPath: certs.nextServerKeyPath))
            let late = HTTPClient(tls: TLSClientConfiguration(caFilePath: certs.caPath))
            defer { late.shutdown() }
            #expect(try await late.send(HTTPClientRequest(url: url, pinnedCertificates: [next])).status == 200)
            // The connection opened before goes on with the certificate it started with.
            #expect(try await early.send(HTTPClientRequest(url: url, pinnedCertificates: [current])).status == 200)
            // A bad key leaves the current certificate in place.
            #expect(throws: HTTPServerError.self) {
                try server.replaceTLS(
                    TLSServerConfiguration(
                        certificateChainPath: certs.serverCertificatePath, privateKeyPath: certs.nextServerKeyPath))
            }
            let again = HTTPClient(tls: TLSClientConfiguration(caFilePath: certs.caPath))
            defer { again.shutdown() }
            #expect(try await again.send(HTTPClientRequest(url: url, pinnedCertificates: [next])).status == 200)
        }
    }
}

/// Counts the requests that reached the handler.
final class RequestCounter: HTTPHandler, Sendable {
    private let seen = Mutex(0)
    var count: Int { seen.withLock { $0 } }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        seen.withLock { $0 += 1 }
        return HTTPResponse(status: 200)
    }
}
