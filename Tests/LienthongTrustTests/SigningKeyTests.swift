import Foundation
import Testing

@testable import LienthongTrust

struct SigningKeyTests {
    static let cases: [(KeyType, JWSAlgorithm)] = [
        (.p256, .es256), (.ed25519, .edDSA), (.rsa3072, .rs256), (.rsa3072, .ps256),
    ]

    @Test(arguments: cases)
    func signThenVerifyRoundTripsAndRejectsTampering(type: KeyType, algorithm: JWSAlgorithm) throws {
        let key = try SigningKey.generate(type)
        #expect(key.type == type)
        let data = Array("eyJhbGciOiJFUzI1NiJ9.payload".utf8)
        let signature = try key.sign(data, algorithm: algorithm)
        if algorithm == .es256 { #expect(signature.count == 64) }
        if algorithm == .edDSA { #expect(signature.count == 64) }
        if algorithm == .rs256 || algorithm == .ps256 { #expect(signature.count == 384) }
        let publicKey = key.publicKey
        #expect(publicKey.verify(signature: signature, data: data, algorithm: algorithm))

        var flippedData = data
        flippedData[3] ^= 0x01
        #expect(!publicKey.verify(signature: signature, data: flippedData, algorithm: algorithm))
        var flippedSignature = signature
        flippedSignature[signature.count / 2] ^= 0x80
        #expect(!publicKey.verify(signature: flippedSignature, data: data, algorithm: algorithm))
        #expect(!publicKey.verify(signature: Array(signature.dropLast()), data: data, algorithm: algorithm))
        #expect(!publicKey.verify(signature: [], data: data, algorithm: algorithm))
        let other = try SigningKey.generate(type).publicKey
        #expect(!other.verify(signature: signature, data: data, algorithm: algorithm))
    }

    @Test func rsaPaddingsAreNotInterchangeable() throws {
        let key = try SigningKey.generate(.rsa(bits: 2048))
        let data = Array("input".utf8)
        let pss = try key.sign(data, algorithm: .ps256)
        let pkcs1 = try key.sign(data, algorithm: .rs256)
        #expect(!key.publicKey.verify(signature: pss, data: data, algorithm: .rs256))
        #expect(!key.publicKey.verify(signature: pkcs1, data: data, algorithm: .ps256))
        // PSS is randomised; PKCS#1 v1.5 is deterministic.
        #expect(try key.sign(data, algorithm: .ps256) != pss)
        #expect(try key.sign(data, algorithm: .rs256) == pkcs1)
    }

    @Test func keyRefusesAnAlgorithmOfAnotherFamily() throws {
        let key = try SigningKey.generate(.p256)
        #expect(throws: TrustError(.unsupportedAlgorithm, "")) { try key.sign([1], algorithm: .edDSA) }
        #expect(throws: TrustError(.unsupportedAlgorithm, "")) { try key.sign([1], algorithm: .rs256) }
        let signature = try key.sign([1], algorithm: .es256)
        #expect(!key.publicKey.verify(signature: signature, data: [1], algorithm: .edDSA))
    }

    @Test func algorithmAllowListRejectsNoneAndHMAC() throws {
        for name in ["none", "HS256", "ES384", "es256", ""] {
            #expect(throws: TrustError(.unsupportedAlgorithm, "")) { try JWSAlgorithm(header: name) }
        }
        #expect(try JWSAlgorithm(header: "EdDSA") == .edDSA)
    }

    /// RFC 7515 Appendix A.3: the ES256 example verifies with a key built from the JWK's x and y.
    @Test func rfc7515AppendixA3ES256ExampleVerifies() throws {
        let key = try PublicKey.p256(
            x: Base64URL.decode("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"),
            y: Base64URL.decode("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"))
        let input = Array(
            ("eyJhbGciOiJFUzI1NiJ9"
                + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ")
                .utf8)
        let signature = try Base64URL.decode(
            "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q")
        #expect(key.verify(signature: signature, data: input, algorithm: .es256))
        var tampered = input
        tampered[tampered.count - 1] ^= 1
        #expect(!key.verify(signature: signature, data: tampered, algorithm: .es256))
    }

    /// RFC 8037 Appendix A.4: the Ed25519 example verifies.
    @Test func rfc8037AppendixA4Ed25519ExampleVerifies() throws {
        let key = try PublicKey.ed25519(Base64URL.decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"))
        let input = Array("eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc".utf8)
        let signature = try Base64URL.decode(
            "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg")
        #expect(key.verify(signature: signature, data: input, algorithm: .edDSA))
        #expect(!key.verify(signature: signature, data: input + [0x20], algorithm: .edDSA))
    }

    @Test func pointOffTheCurveIsRejected() throws {
        let x = try Base64URL.decode("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU")
        var y = try Base64URL.decode("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0")
        y[31] ^= 1
        #expect(throws: TrustError(.malformedKey, "")) { try PublicKey.p256(x: x, y: y) }
    }

    @Test(arguments: [KeyType.p256, .ed25519, .rsa(bits: 2048)])
    func pemSaveAndLoadRoundTripsWithPrivateFileMode(type: KeyType) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lt-keys-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = try SigningKey.generate(type)
        let url = directory.appendingPathComponent("node.key.pem")
        try key.save(to: url)
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let pem = try String(contentsOf: url, encoding: .utf8)
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let loaded = try SigningKey.load(from: url)
        #expect(loaded.type == type)
        #expect(loaded.publicKey == key.publicKey)
        let signature = try loaded.sign([1, 2, 3], algorithm: type.defaultAlgorithm)
        #expect(key.publicKey.verify(signature: signature, data: [1, 2, 3], algorithm: type.defaultAlgorithm))
        // Saving again replaces the file atomically and leaves no temporary file behind.
        try key.save(to: url)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["node.key.pem"])
        // The public key round-trips through PEM and DER too.
        #expect(try PublicKey(pem: key.publicKey.pemString) == key.publicKey)
        #expect(try PublicKey(derBytes: key.publicKey.derBytes) == key.publicKey)
        #expect(!String(describing: key).contains("PRIVATE"))
    }

    @Test func garbageIsNotAKey() {
        #expect(throws: TrustError(.malformedKey, "")) { try SigningKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n") }
        #expect(throws: TrustError(.malformedKey, "")) { try PublicKey(derBytes: [0x30, 0x00]) }
    }
}
