import Foundation
import LienthongAudit
import LienthongHTTP
import LienthongJSON
import LienthongTrust
import Testing
import LienthongTesting

/// The built `lienthong serve`, asked for a citizen's record with the demo client certificate: a signed
/// envelope that verifies with our verifier and with the `openssl` tool, and an audit record for it.
@Suite(.serialized)
struct EndToEndTests {
    @Test func signedPersonLookupVerifiesTwiceAndIsAudited() async throws {
        let gateway = try SharedGateway.get()
        let person = try Seeds.personWithNFDName()
        let personalID = try #require(person["so_dinh_danh"])
        let requestID = UUID().uuidString.lowercased()
        let client = gateway.client(certificate: gateway.clientCertificate("VN/GOV/HCM/MOTCUA"))
        let response = try await gateway.get(
            "/v1/records/population/\(personalID)",
            headers: ["Lienthong-Purpose": "residence-verification", "Lienthong-Request-Id": requestID],
            client: client
        )
        #expect(response.status == 200)
        #expect(response.headers["Lienthong-Request-Id"] == requestID)
        let envelope = response.json
        let message = try #require(envelope["message"])
        #expect(message["type"] == "record")
        #expect(message["requestId"]?.stringValue == requestID)
        #expect(message["provider"] == "VN/GOV/BCA/DANCU")
        #expect(message["consumer"] == "VN/GOV/HCM/MOTCUA")
        #expect(message["schema"] == "person.v1")
        let record = try #require(message["record"])
        #expect(record["personalId"]?.stringValue == personalID)
        // Mapped from the native row: NFC name, ISO date, sex code.
        let nativeName = try #require(person["ho_ten"])
        let fullName = try #require(record["fullName"]?.stringValue)
        #expect(fullName.unicodeScalars.elementsEqual(nativeName.precomposedStringWithCanonicalMapping.unicodeScalars))
        #expect(!fullName.unicodeScalars.elementsEqual(nativeName.unicodeScalars))
        let nativeDate = try #require(person["ngay_sinh"]).split(separator: "/")
        #expect(record["dateOfBirth"]?.stringValue == "\(nativeDate[2])-\(nativeDate[1])-\(nativeDate[0])")
        #expect(record["sex"]?.stringValue == (person["gioi_tinh"] == "Nam" ? "male" : "female"))

        // 1. Our own verifier, against the development root only.
        let trust = CertificateVerifier(
            trustStore: try TrustStore.load(anchorFiles: [URL(fileURLWithPath: gateway.rootCA)])
        )
        let verified = try EnvelopeVerifier.verify(envelope, trust: trust, at: Date())
        #expect(verified.member == "VN/GOV/BCA/DANCU")
        #expect(verified.signatures.count == 1)

        // 2. The openssl tool over the recomputed signing input: ASCII(protected) || "." || JCS(message).
        let signature = try #require(envelope["signatures"]?[0])
        let protected = try #require(signature["protected"]?.stringValue)
        let signingInput = Array(protected.utf8) + Array(".".utf8) + (try JCS.canonicalize(message))
        let header = try JSONValue.parse(try Base64URL.decode(protected))
        #expect(header["alg"] == "ES256")
        #expect(header["b64"] == false)
        let leaf = try Base64.decode(try #require(header["x5c"]?[0]?.stringValue))
        let raw = try Base64URL.decode(try #require(signature["signature"]?.stringValue))
        #expect(try OpenSSLTool.verifyES256(signingInput: signingInput, rawSignature: raw, certificateDER: leaf))
        // A changed message no longer verifies with the tool either.
        var tampered = signingInput
        tampered[tampered.count - 2] ^= 1
        #expect(try !OpenSSLTool.verifyES256(signingInput: tampered, rawSignature: raw, certificateDER: leaf))

        // 3. The audit record is durable before the response left.
        let records = try AuditLog.allRecords(path: gateway.auditPath).filter { $0.requestID == requestID }
        let audit = try #require(records.first)
        #expect(records.count == 1)
        #expect(audit.outcome == .allowed)
        #expect(audit.status == 200)
        #expect(audit.consumer == "VN/GOV/HCM/MOTCUA")
        #expect(audit.service == "VN/GOV/BCA/DANCU/person")
        #expect(audit.purpose == "residence-verification")
        #expect(audit.messageSHA256 == Base64URL.encode(Digest.sha256(try JCS.canonicalize(message))))
        #expect(audit.subjectHMAC != nil && audit.subjectHMAC != personalID)
        #expect(try AuditLog.verify(path: gateway.auditPath).isValid)
    }

    @Test func everyRegistryAnswersThroughItsConnector() async throws {
        let gateway = try SharedGateway.get()
        let client = gateway.client()
        let token = try gateway.token("motcua.token")
        for lookup in try Seeds.demoLookups() {
            let response = try await gateway.get(
                lookup.path, headers: ["Authorization": "Bearer \(token)", "Lienthong-Purpose": lookup.purpose],
                client: client
            )
            #expect(response.status == 200, "\(lookup.path)")
            #expect(response.json["message"]?["schema"]?.stringValue == lookup.schema)
        }
    }

    @Test func projectionReturnsOnlyGrantedFields() async throws {
        let gateway = try SharedGateway.get()
        let personalID = try #require(try Seeds.rows("population.csv").first?["so_dinh_danh"])
        let response = try await gateway.get(
            "/v1/records/population/\(personalID)",
            headers: ["Authorization": "Bearer \(try gateway.token("thue.token"))", "Lienthong-Purpose": "tax-administration"],
            client: gateway.client()
        )
        #expect(response.status == 200)
        let fields = Set(response.json["message"]?["record"]?.objectValue?.keys.map { $0 } ?? [])
        #expect(fields == ["personalId", "fullName", "permanentAddress"])
    }
}

/// The `openssl` command-line tool, as an independent verifier.
enum OpenSSLTool {
    /// Verifies a JOSE ES256 signature (r || s) over `signingInput` with the certificate's public key.
    static func verifyES256(signingInput: [UInt8], rawSignature: [UInt8], certificateDER: [UInt8]) throws -> Bool {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-openssl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("input.bin")
        let signature = directory.appendingPathComponent("signature.der")
        let certificate = directory.appendingPathComponent("leaf.der")
        let publicKey = directory.appendingPathComponent("public.pem")
        try Data(signingInput).write(to: input)
        try Data(derSignature(rawSignature)).write(to: signature)
        try Data(certificateDER).write(to: certificate)
        guard try run(["x509", "-inform", "DER", "-in", certificate.path, "-pubkey", "-noout", "-out", publicKey.path]) == 0
        else { return false }
        return try run(["dgst", "-sha256", "-verify", publicKey.path, "-signature", signature.path, input.path]) == 0
    }

    /// JOSE r || s as the DER `ECDSA-Sig-Value` the tool expects (each integer minimal and positive).
    static func derSignature(_ raw: [UInt8]) -> [UInt8] {
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var value = Array(bytes.drop(while: { $0 == 0 }))
            if value.isEmpty || value[0] & 0x80 != 0 { value.insert(0, at: 0) }
            return [0x02, UInt8(value.count)] + value
        }
        let body = integer(raw[0..<32]) + integer(raw[32..<64])
        return [0x30, UInt8(body.count)] + body
    }

    private static func run(_ arguments: [String]) throws -> Int32 {
        try ChildProcess.run(tool: "openssl", arguments).status
    }
}
