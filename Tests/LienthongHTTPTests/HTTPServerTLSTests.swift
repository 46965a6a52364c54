import Foundation
import LienthongHTTP
import Testing

@Suite struct HTTPServerTLSTests {
    let certs = TestCertificates.shared

    func configuration(clientCA: Bool = true) -> HTTPServerConfiguration {
        HTTPServerConfiguration(
            tls: TLSServerConfiguration(
                certificateChainPath: certs.serverCertificatePath,
                privateKeyPath: certs.serverKeyPath,
                clientCAPath: clientCA ? certs.caPath : nil),
            eventLoops: 2)
    }

    @Test func curlGetsOverTLSWithClientCertificate() async throws {
        try await withServer(configuration()) { _, port in
            let output = try await runTool("/usr/bin/curl", [
                "-s", "--cacert", certs.caPath, "--cert", certs.clientCertificatePath, "--key", certs.clientKeyPath,
                "https://127.0.0.1:\(port)/tls",
            ])
            #expect(output.status == 0, "\(output.stderr)")
            let json = try jsonObject(Array(output.stdout))
            #expect(json["isTLS"] as? Bool == true)
            #expect(json["chain"] as? Int == 2)  // leaf and root
        }
    }

    @Test func clientCertificateChainIsReportedInDER() async throws {
        let recorder = ChainRecorder()
        try await withServer(configuration(), handler: recorder) { _, port in
            let client = HTTPClient(
                tls: TLSClientConfiguration(
                    caFilePath: certs.caPath, certificatePath: certs.clientCertificatePath,
                    privateKeyPath: certs.clientKeyPath))
            let response = try await client.send(
                HTTPClientRequest(url: "https://127.0.0.1:\(port)/who", method: .post, body: Array("x".utf8)))
            #expect(response.status == 200)
        }
        let chain = try #require(recorder.chains.first)
        #expect(chain.count == 2)
        // The leaf is the client certificate: compare with the PEM converted by openssl.
        let der = try await runTool(
            "/usr/bin/openssl", ["x509", "-in", certs.clientCertificatePath, "-outform", "DER"])
        #expect(chain.first == Array(der.stdout))
    }

    @Test func noClientCertificateMeansEmptyChain() async throws {
        try await withServer(configuration()) { _, port in
            let client = HTTPClient(tls: TLSClientConfiguration(caFilePath: certs.caPath))
            let response = try await client.send(HTTPClientRequest(url: "https://127.0.0.1:\(port)/anon"))
            #expect(response.status == 200)
            let json = try jsonObject(response.body)
            #expect(json["isTLS"] as? Bool == true)
            #expect(json["chain"] as? Int == 0)
        }
    }

    @Test func certificateFromAnotherCAIsReportedUntrustedNotVerified() async throws {
        try await withServer(configuration()) { _, port in
            let client = HTTPClient(
                tls: TLSClientConfiguration(
                    caFilePath: certs.caPath, certificatePath: certs.strangerCertificatePath,
                    privateKeyPath: certs.strangerKeyPath))
            // The handshake completes so the application can answer 401 with a problem body, but the
            // certificate is neither reported as a verified chain nor silently dropped.
            let response = try await client.send(HTTPClientRequest(url: "https://127.0.0.1:\(port)/stranger"))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            #expect(json["chain"] as? Int == 0)
            #expect(json["rejected"] as? Bool == true)
        }
    }

    @Test func clientRejectsServerNotSignedByItsCA() async throws {
        try await withServer(configuration()) { _, port in
            let client = HTTPClient(tls: TLSClientConfiguration(caFilePath: certs.strangerCertificatePath))
            await #expect(throws: HTTPClientError(code: .tls, detail: "")) {
                try await client.send(HTTPClientRequest(url: "https://127.0.0.1:\(port)/"))
            }
        }
    }

    @Test func tlsKeepAliveAndLimitsStillApply() async throws {
        var configuration = configuration()
        configuration.maxHeaderBytes = 1024
        try await withServer(configuration) { _, port in
            let client = HTTPClient(tls: TLSClientConfiguration(caFilePath: certs.caPath))
            for _ in 0..<3 {
                let ok = try await client.send(HTTPClientRequest(url: "https://127.0.0.1:\(port)/ok"))
                #expect(ok.status == 200)
            }
            let big = try await client.send(
                HTTPClientRequest(url: "https://127.0.0.1:\(port)/big", headers: ["X-Big": String(repeating: "b", count: 4000)]))
            #expect(big.status == 431)
            #expect(big.headers["content-type"] == "application/problem+json")
        }
    }

    @Test(arguments: ["GET", "POST", "HEAD"])
    func plainHTTPToTheTLSPortGetsA400SayingSo(method: String) async throws {
        try await withServer(configuration()) { _, port in
            let connection = try RawConnection(port: port)
            connection.send("\(method) / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n")
            let (text, closed) = connection.readToEnd()
            let response = try #require(RawResponse(text), "\(text.debugDescription)")
            #expect(response.status == 400)
            #expect(response.code == "plain-http-to-tls-port")
            #expect(response.body.contains("The plain HTTP request was sent to HTTPS port"))
            #expect(closed)
        }
    }

    @Test func badKeyPathFailsToStart() async throws {
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(
                tls: TLSServerConfiguration(certificateChainPath: certs.serverCertificatePath, privateKeyPath: "/nonexistent")),
            handler: EchoHandler())
        await #expect(throws: HTTPServerError(code: .tlsConfiguration, detail: "")) {
            try await server.start()
        }
    }
}

/// Records the verified client chains it sees.
final class ChainRecorder: HTTPHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [[[UInt8]]] = []
    var chains: [[[UInt8]]] { lock.withLock { recorded } }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        lock.withLock { recorded.append(request.clientCertificateChain) }
        return HTTPResponse(status: 200)
    }
}
