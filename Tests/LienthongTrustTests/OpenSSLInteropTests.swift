import COpenSSL
import Foundation
import Testing

@testable import LienthongTrust

/// Lienthong signatures verify with the `openssl` command-line tool, so any JOSE/OpenSSL stack can check them.
struct OpenSSLInteropTests {
    /// DER `ECDSA-Sig-Value` from JOSE `r || s`, converted with OpenSSL's own ECDSA_SIG functions.
    private func derSignature(fromJOSE raw: [UInt8]) throws -> [UInt8] {
        try #require(raw.count == 64)
        let signature = try #require(ECDSA_SIG_new())
        defer { ECDSA_SIG_free(signature) }
        let r = BN_bin2bn(raw, 32, nil)
        let s = Array(raw[32...]).withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, 32, nil) }
        try #require(ECDSA_SIG_set0(signature, r, s) == 1)
        let length = i2d_ECDSA_SIG(signature, nil)
        var der = [UInt8](repeating: 0, count: Int(length))
        der.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            _ = i2d_ECDSA_SIG(signature, &cursor)
        }
        return der
    }

    private struct Files {
        let directory: URL
        var publicKey: URL { directory.appendingPathComponent("pub.pem") }
        var input: URL { directory.appendingPathComponent("input.bin") }
        var signature: URL { directory.appendingPathComponent("sig.der") }
    }

    /// Signs an envelope-style JWS and writes the public key, the signing input and the signature for `openssl`.
    private func prepare(_ type: KeyType, _ algorithm: JWSAlgorithm) throws -> (Files, [UInt8], JWSSignature) {
        let pki = try TestPKI()
        let (key, chain) = try pki.member("VN/GOV/BCA/DANCU", keyType: type)
        let payload = Array(#"{"message":"xin chào"}"#.utf8)
        let signature = try JWSSigner.sign(
            payload: payload, key: key, chain: chain, algorithm: algorithm, issuedAt: pki.now)
        let files = Files(directory: try temporaryDirectory())
        try Data(try chain[0].publicKey.pemString.utf8).write(to: files.publicKey)
        let input = JWSSignature.signingInput(protected: signature.protected, payload: payload)
        try Data(input).write(to: files.input)
        return (files, input, signature)
    }

    @Test func es256SignatureVerifiesWithOpenSSLDgst() throws {
        let (files, input, signature) = try prepare(.p256, .es256)
        defer { try? FileManager.default.removeItem(at: files.directory) }
        try Data(try derSignature(fromJOSE: Base64URL.decode(signature.signature))).write(to: files.signature)
        let arguments = ["dgst", "-sha256", "-verify", files.publicKey.path, "-signature", files.signature.path]
        let ok = try run("openssl", arguments + [files.input.path])
        #expect(ok.status == 0, "\(ok.output)")
        #expect(ok.output.contains("Verified OK"))
        // And openssl rejects the same signature over other bytes.
        try Data(input + [0x20]).write(to: files.input)
        #expect(try run("openssl", arguments + [files.input.path]).status != 0)
    }

    @Test func ps256SignatureVerifiesWithOpenSSLDgst() throws {
        let (files, _, signature) = try prepare(.rsa(bits: 2048), .ps256)
        defer { try? FileManager.default.removeItem(at: files.directory) }
        try Data(try Base64URL.decode(signature.signature)).write(to: files.signature)
        let result = try run(
            "openssl",
            [
                "dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32", "-sigopt",
                "rsa_mgf1_md:sha256", "-verify", files.publicKey.path, "-signature", files.signature.path,
                files.input.path,
            ])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func edDSASignatureVerifiesWithOpenSSLPkeyutl() throws {
        let (files, _, signature) = try prepare(.ed25519, .edDSA)
        defer { try? FileManager.default.removeItem(at: files.directory) }
        try Data(try Base64URL.decode(signature.signature)).write(to: files.signature)
        let result = try run(
            "openssl",
            [
                "pkeyutl", "-verify", "-pubin", "-inkey", files.publicKey.path, "-rawin", "-in", files.input.path,
                "-sigfile", files.signature.path,
            ])
        #expect(result.status == 0, "\(result.output)")
    }
}
