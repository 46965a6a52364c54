import Foundation
import LienthongAudit
import LienthongHTTP
import LienthongJSON
import LienthongTesting
import Testing

@testable import LienthongTrust

/// Signed request envelopes at the API (`POST /v1/records/…`, `POST /v1/persons/…/profile`): verified for the
/// authenticated consumer, admitted once within the replay window, answered like a `GET` with the response bound to
/// the request by `requestHash`, and audited with the request's hash.
@Suite(.serialized)
struct SignedRequestTests {
    static let envelopeType = "application/lienthong-envelope+json"
    let personalID = (try? Seeds.rows("population.csv").first?["so_dinh_danh"]) ?? nil

    /// POSTs `envelope` to `path`, authenticated with `token` (the MOTCUA token by default).
    func send(
        _ gateway: GatewayProcess, _ path: String, _ envelope: JSONValue, token: String = "motcua.token",
        headers: [String: String] = [:]
    ) async throws -> HTTPClientResponse {
        var fields = headers
        fields["Authorization"] = "Bearer \(try gateway.token(token))"
        fields["Content-Type"] = fields["Content-Type"] ?? Self.envelopeType
        return try await gateway.post(path, body: envelope.serializedBytes(), headers: fields, client: gateway.client())
    }

    func expectProblem(
        _ response: HTTPClientResponse, _ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(response.status == status, sourceLocation: sourceLocation)
        #expect(response.problemCode == code, sourceLocation: sourceLocation)
        #expect(response.headers["Content-Type"] == "application/problem+json", sourceLocation: sourceLocation)
        let text = String(decoding: response.body, as: UTF8.self)
        // Neither the person nor key material is echoed back.
        #expect(!text.contains(personalID ?? "-"), sourceLocation: sourceLocation)
        #expect(!text.contains("BEGIN") && !text.contains("x5c"), sourceLocation: sourceLocation)
    }

    func trust(_ gateway: GatewayProcess) throws -> CertificateVerifier {
        CertificateVerifier(trustStore: try TrustStore.load(anchorFiles: [URL(fileURLWithPath: gateway.rootCA)]))
    }

    @Test func signedRequestIsAnsweredBoundToItsHashAndAudited() async throws {
        let gateway = try SharedGateway.get()
        let id = try #require(personalID)
        let consumer = try RequestSigner.demoClient(gateway, SignedRequestMessage.motcua)
        let message = SignedRequestMessage.population(id, fields: ["personalId", "fullName"])
        let requestID = try #require(message["id"]?.stringValue)
        // Authenticated with the same client certificate that signed the request.
        let response = try await gateway.post(
            "/v1/records/population/\(id)", body: try consumer.sign(message).serializedBytes(),
            headers: ["Content-Type": Self.envelopeType],
            client: gateway.client(certificate: gateway.clientCertificate(SignedRequestMessage.motcua)))
        #expect(response.status == 200)
        #expect(response.headers["Lienthong-Request-Id"] == requestID)
        let verified = try EnvelopeVerifier.verify(response.json, trust: try trust(gateway), at: Date())
        #expect(verified.member == "VN/GOV/BCA/DANCU")
        let answer = verified.message
        let requestHash = try RequestHash.signedRequest(message)
        #expect(answer["requestHash"]?.stringValue == requestHash)
        #expect(answer["requestId"]?.stringValue == requestID)
        #expect(answer["consumer"] == "VN/GOV/HCM/MOTCUA")
        #expect(answer["purpose"] == "residence-verification")
        #expect(Set(answer["record"]?.objectValue?.keys.map { $0 } ?? []) == ["personalId", "fullName"])

        let records = try AuditLog.allRecords(path: gateway.auditPath).filter { $0.requestID == requestID }
        #expect(records.count == 1)
        #expect(records.first?.outcome == .allowed)
        #expect(records.first?.requestSHA256 == requestHash)
        #expect(records.first?.fields == ["fullName", "personalId"])
        #expect(try AuditLog.verify(path: gateway.auditPath).isValid)
    }

    @Test func signedProfileRequestIsBoundToItsHash() async throws {
        let gateway = try SharedGateway.get()
        let id = try #require(personalID)
        let message = SignedRequestMessage.population(id, operation: "profile")
        let envelope = try RequestSigner.demoClient(gateway, SignedRequestMessage.motcua).sign(message)
        let response = try await send(gateway, "/v1/persons/\(id)/profile", envelope)
        #expect(response.status == 200)
        #expect(response.json["message"]?["type"] == "profile")
        #expect(response.json["message"]?["requestHash"]?.stringValue == (try RequestHash.signedRequest(message)))
        // A record request cannot be replayed as a profile request, nor the reverse.
        let asRecord = try await send(
            gateway, "/v1/records/population/\(id)",
            try RequestSigner.demoClient(gateway, SignedRequestMessage.motcua).sign(
                SignedRequestMessage.population(id, operation: "profile")))
        expectProblem(asRecord, 400, "request-mismatch")
        #expect(asRecord.json["member"] == "operation")
    }

    @Test func requestCountersignedByAForwardingHopIsAccepted() async throws {
        let gateway = try SharedGateway.get()
        let id = try #require(personalID)
        let consumer = try RequestSigner.demoClient(gateway, SignedRequestMessage.motcua)
        let hop = try RequestSigner.issued(gateway, member: "VN/GOV/BTC/LIENTHONG")
        let envelope = try hop.countersign(try consumer.sign(SignedRequestMessage.population(id)))
        let response = try await send(gateway, "/v1/records/population/\(id)", envelope)
        #expect(response.status == 200)

        // A hop's broken countersignature refuses the request with the bad-signature code.
        let broken = try hop.countersign(try consumer.sign(SignedRequestMessage.population(id)))
        expectProblem(
            try await send(gateway, "/v1/records/population/\(id)", try broken.flippingSignatureBit(at: 1)), 401,
            "trust.bad-signature")

        // `lienthong verify` names each signature's role and member.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-request-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(envelope.serializedBytes(pretty: true)).write(to: file)
        let result = try ChildProcess.run(
            GatewayProcess.binary, ["verify", file.path, "--trust-anchor", gateway.rootCA])
        #expect(result.status == 0, "\(result.stdout)")
        let lines = result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let expected = [
            "signature 0: origin", "member: VN/GOV/HCM/MOTCUA", "signature 1: countersignature",
            "member: VN/GOV/BTC/LIENTHONG", "result: valid",
        ]
        #expect(lines.filter { expected.contains($0) } == expected, "\(result.stdout)")
    }

    @Test func requestSignedWithTheCommandLineIsAccepted() async throws {
        // As the README shows: `lienthong sign` with the demo client certificate and key, then a POST.
        let gateway = try SharedGateway.get()
        let id = try #require(personalID)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-message-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(SignedRequestMessage.population(id).serializedBytes(pretty: true)).write(to: file)
        let credential = gateway.clientCertificate(SignedRequestMessage.motcua)
        let signed = try ChildProcess.run(
            GatewayProcess.binary, ["sign", file.path, "--key", credential.key, "--cert", credential.certificate])
        #expect(signed.status == 0, "\(signed.stderr)")
        let envelope = try JSONValue.parse(Array(signed.stdout.utf8))
        #expect(try await send(gateway, "/v1/records/population/\(id)", envelope).status == 200)
        // --countersign adds a second signature and keeps the first.
        try Data(envelope.serializedBytes()).write(to: file)
        let countersigned = try ChildProcess.run(
            GatewayProcess.binary,
            ["sign", file.path, "--countersign", "--key", credential.key, "--cert", credential.certificate])
        let twice = try JSONValue.parse(Array(countersigned.stdout.utf8))
        #expect(twice["signatures"]?.arrayValue?.count == 2)
        #expect(twice["signatures"]?[0] == envelope["signatures"]?[0])
    }

    @Test func requestsOutsideTheReplayWindowAreStale() async throws {
        let gateway = try SharedGateway.get()
        let id = try #require(personalID)
        let consumer = try RequestSigner.demoClient(gateway, SignedRequestMessage.motcua)
        let path = "/v1/records/population/\(id)"
        let requestID = SignedRequestMessage.newID()
        let now = Date()
        // issuedAt 20 minutes old (window: 10), a signature 20 minutes old, a message from an hour ahead.
        let cases: [(issuedAt: Date, iat: Date)] = [(now - 1200, now), (now, now - 1200), (now + 3600, now)]
        for (issuedAt, iat) in cases {
            let envelope = try consumer.sign(
                SignedRequestMessage.population(id, id: requestID, issuedAt: issuedAt), issuedAt: iat)
            expectProblem(try await send(gateway, path, envelope), 400, "stale-request")
        }
        // Nothing of a stale request was remembered: the same request id, on time, is accepted.
        let onTime = try consumer.sign(SignedRequestMessage.population(id, id: requestID))
        #expect(try await send(gateway, path, onTime).status == 200)
        let records = try AuditLog.allRecords(path: gateway.auditPath).filter { $0.requestID == requestID }
        #expect(records.map(\.status) == [400, 400, 400, 200])
        #expect(records.first?.problemCode == "stale-request")
    }

    @Test func requestSignedWithAnotherConsumersCertificateIsWrongMember() async throws {
        let gateway = try SharedGateway.get()
        let id = try #require(personalID)
        let thue = try RequestSigner.issued(gateway, member: "VN/GOV/BTC/THUE")
        // MOTCUA's message, signed by THUE.
        let response = try await send(
            gateway, "/v1/records/population/\(id)", try thue.sign(SignedRequestMessage.population(id)))
        expectProblem(response, 401, "trust.wrong-member")
    }

    @Test func requestOfAnotherConsumerIsRefusedToTheCaller() async throws {
        let gateway = try SharedGateway.get()
        let id = try #require(personalID)
        let thue = try RequestSigner.issued(gateway, member: "VN/GOV/BTC/THUE")
        // THUE's own, validly signed request, presented by MOTCUA.
        let message = SignedRequestMessage.population(id, consumer: "VN/GOV/BTC/THUE", purpose: "tax-administration")
        let response = try await send(gateway, "/v1/records/population/\(id)", try thue.sign(message))
        expectProblem(response, 403, "consumer-mismatch")
        // THUE itself may send it.
        let own = try await send(gateway, "/v1/records/population/\(id)", try thue.sign(message), token: "thue.token")
        #expect(own.status == 200)
    }

    @Test func flippedSignatureByteIsABadSignatureAndAudited() async throws {
        let gateway = try SharedGateway.get()
        let id = try #require(personalID)
        let message = SignedRequestMessage.population(id)
        let envelope = try RequestSigner.demoClient(gateway, SignedRequestMessage.motcua).sign(message)
        let response = try await send(
            gateway, "/v1/records/population/\(id)", try envelope.flippingSignatureBit(at: 0))
        expectProblem(response, 401, "trust.bad-signature")
        let requestID = try #require(message["id"]?.stringValue)
        let records = try AuditLog.allRecords(path: gateway.auditPath).filter { $0.requestID == requestID }
        #expect(records.map(\.outcome) == [.denied])
        #expect(records.first?.problemCode == "trust.bad-signature")
        #expect(records.first?.requestSHA256 == (try RequestHash.signedRequest(message)))
        // The intact envelope is still accepted: a forged copy does not use up the request id.
        #expect(try await send(gateway, "/v1/records/population/\(id)", envelope).status == 200)
    }

    @Test func pathOrHeadersDisagreeingWithTheMessageAre400() async throws {
        let gateway = try SharedGateway.get()
        let id = try #require(personalID)
        let consumer = try RequestSigner.demoClient(gateway, SignedRequestMessage.motcua)
        let other = try #require(try Seeds.rows("population.csv").dropFirst().first?["so_dinh_danh"])
        let envelope = try consumer.sign(SignedRequestMessage.population(id))
        let cases: [(path: String, headers: [String: String], member: String)] = [
            ("/v1/records/population/\(other)", [:], "key"),
            ("/v1/records/enterprise/\(id)", [:], "registry"),
            ("/v1/records/population/\(id)", ["Lienthong-Purpose": "tax-administration"], "purpose"),
            ("/v1/records/population/\(id)", ["Lienthong-Request-Id": SignedRequestMessage.newID()], "id"),
        ]
        for (path, headers, member) in cases {
            let response = try await send(gateway, path, envelope, headers: headers)
            expectProblem(response, 400, "request-mismatch")
            #expect(response.json["member"]?.stringValue == member)
        }
    }

    @Test func unsignedMalformedOrOversizedBodiesAreRefused() async throws {
        let gateway = try SharedGateway.get()
        let id = try #require(personalID)
        let path = "/v1/records/population/\(id)"
        let message = SignedRequestMessage.population(id)
        expectProblem(try await send(gateway, path, ["message": message, "signatures": []]), 400, "trust.malformed-envelope")
        expectProblem(try await send(gateway, path, message), 400, "trust.malformed-envelope")
        let consumer = try RequestSigner.demoClient(gateway, SignedRequestMessage.motcua)
        var extra = try #require(message.objectValue)
        extra["callback"] = "https://example.org"
        let invalid = try await send(gateway, path, try consumer.sign(.object(extra)))
        expectProblem(invalid, 400, "invalid-signed-request")
        #expect(invalid.json["pointer"] == "/callback")

        let text = String(decoding: try consumer.sign(message).serializedBytes(), as: UTF8.self)
        let duplicated = text.replacingOccurrences(of: "{\"message\":{", with: "{\"message\":{\"purpose\":\"x\",")
        let withDuplicate = try await gateway.post(
            path, body: Array(duplicated.utf8),
            headers: ["Authorization": "Bearer \(try gateway.token("motcua.token"))", "Content-Type": Self.envelopeType],
            client: gateway.client())
        expectProblem(withDuplicate, 400, "trust.duplicate-key")
        expectProblem(
            try await send(gateway, path, try consumer.sign(message), headers: ["Content-Type": "text/plain"]), 415,
            "unsupported-media-type")

        // Over the signed request limit (64 KiB), then over the node's body limit (1 MiB).
        var padded = try #require(try consumer.sign(message).objectValue)
        padded["padding"] = .string(String(repeating: "a", count: 100_000))
        expectProblem(try await send(gateway, path, .object(padded)), 413, "trust.envelope-too-large")
        padded["padding"] = .string(String(repeating: "a", count: 1_100_000))
        expectProblem(try await send(gateway, path, .object(padded)), 413, "payload-too-large")

        // Without a credential: 401, whatever the body.
        let anonymous = try await gateway.post(
            path, body: try consumer.sign(message).serializedBytes(), headers: ["Content-Type": Self.envelopeType],
            client: gateway.client())
        expectProblem(anonymous, 401, "unauthenticated")
    }
}

extension SignedRequestTests {
    @Test func unsignedMemberIs400AndTheHighSOrLowSTwinOfAnAdmittedSignatureIsAReplay() async throws {
        let gateway = try SharedGateway.get()
        let id = try #require(personalID)
        let path = "/v1/records/population/\(id)"
        let envelope = try RequestSigner.demoClient(gateway, SignedRequestMessage.motcua)
            .sign(SignedRequestMessage.population(id))
        var padded = try #require(envelope.objectValue)
        padded["note"] = "not signed by anyone"
        expectProblem(try await send(gateway, path, .object(padded)), 400, "trust.unknown-member")

        // (r, n − s): one of the two forms is high-S, as other JOSE libraries make them. It verifies...
        var object = try #require(envelope.objectValue)
        var signature = try #require(object["signatures"]?[0]?.objectValue)
        let raw = try Base64URL.decode(try #require(signature["signature"]?.stringValue))
        signature["signature"] = .string(Base64URL.encode(ECDSASignatureFormat.complement(p256: raw)))
        object["signatures"] = [.object(signature)]
        #expect(try await send(gateway, path, .object(object)).status == 200)
        // ...and the original is the same signature of the same request: a replay.
        expectProblem(try await send(gateway, path, envelope), 409, "replay-detected")
    }
}

/// A signed request is accepted once: the same envelope (or the same request id re-signed) again is a replay, also
/// after the gateway restarts.
@Suite(.serialized)
struct SignedRequestReplayTests {
    @Test func replayedSignedRequestIs409AlsoAfterRestart() async throws {
        let first = try GatewayProcess()
        let id = try #require(try Seeds.rows("population.csv").first?["so_dinh_danh"])
        let consumer = try RequestSigner.demoClient(first, SignedRequestMessage.motcua)
        let message = SignedRequestMessage.population(id)
        let envelope = try consumer.sign(message)
        func send(_ gateway: GatewayProcess, _ envelope: JSONValue) async throws -> HTTPClientResponse {
            try await gateway.post(
                "/v1/records/population/\(id)", body: envelope.serializedBytes(),
                headers: [
                    "Authorization": "Bearer \(try gateway.token("motcua.token"))",
                    "Content-Type": "application/lienthong-envelope+json",
                ],
                client: gateway.client())
        }
        #expect(try await send(first, envelope).status == 200)
        let replayed = try await send(first, envelope)
        #expect(replayed.status == 409)
        #expect(replayed.problemCode == "replay-detected")
        // The same message signed again (a new signature) is still the same request id.
        let resigned = try await send(first, try consumer.sign(message, issuedAt: Date() + 1))
        #expect(resigned.problemCode == "replay-detected")
        // The request id is shared with unsigned lookups: a GET with it is a replay too.
        let viaGet = try await first.get(
            "/v1/records/population/\(id)",
            headers: [
                "Authorization": "Bearer \(try first.token("motcua.token"))",
                "Lienthong-Purpose": "residence-verification",
                "Lienthong-Request-Id": try #require(message["id"]?.stringValue),
            ],
            client: first.client())
        #expect(viaGet.problemCode == "replay-detected")

        #expect(first.stop() == 0)
        let restarted = try GatewayProcess(configDirectory: first.configDirectory, dataDirectory: first.dataDirectory)
        defer { restarted.stop() }
        let afterRestart = try await send(restarted, envelope)
        #expect(afterRestart.status == 409)
        #expect(afterRestart.problemCode == "replay-detected")
        #expect(try await send(restarted, try consumer.sign(SignedRequestMessage.population(id))).status == 200)
    }
}
