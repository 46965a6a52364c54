import COpenSSL
public import Foundation

/// A private key that signs JWS envelopes and certificates.
///
/// ```swift
/// let key = try SigningKey.generate()                    // P-256
/// let signature = try key.sign(input, algorithm: .es256) // r || s, 64 bytes
/// try key.save(to: directory.appendingPathComponent("node.key.pem"))
/// ```
/// Neither this type's description nor any error it throws contains key material.
public struct SigningKey: Sendable, CustomStringConvertible {
    let key: EVPKey
    /// The key's type.
    public let type: KeyType

    init(key: EVPKey) throws(TrustError) {
        self.key = key
        self.type = try key.requireType()
    }

    /// Generates a new key.
    /// - Parameter type: ``KeyType/p256`` (default), ``KeyType/ed25519`` or ``KeyType/rsa(bits:)`` (at least 2048).
    public static func generate(_ type: KeyType = .p256) throws(TrustError) -> SigningKey {
        let name: String
        switch type {
        case .p256: name = "EC"
        case .ed25519: name = "ED25519"
        case .rsa(let bits):
            guard bits >= 2048 else { throw TrustError(.unsupportedAlgorithm, "RSA keys need at least 2048 bits") }
            name = "RSA"
        }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, name, nil) else {
            throw OpenSSL.error(.cryptoFailure, "EVP_PKEY_CTX_new_from_name \(name)")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else { throw OpenSSL.error(.cryptoFailure, "keygen init") }
        switch type {
        case .p256:
            guard EVP_PKEY_CTX_set_group_name(context, "P-256") == 1 else {
                throw OpenSSL.error(.cryptoFailure, "set P-256")
            }
        case .rsa(let bits):
            guard EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(bits)) == 1 else {
                throw OpenSSL.error(.cryptoFailure, "set RSA bits")
            }
        case .ed25519: break
        }
        var generated: OpaquePointer?
        guard EVP_PKEY_generate(context, &generated) == 1, let generated else {
            throw OpenSSL.error(.cryptoFailure, "generate \(type) key")
        }
        return try SigningKey(key: EVPKey(owning: generated))
    }

    /// Parses a PEM private key (PKCS#8 `PRIVATE KEY`, or a traditional `EC`/`RSA PRIVATE KEY`; unencrypted).
    /// - Throws: ``TrustError/Code/malformedKey`` if the text is not a supported private key.
    public init(pem: String) throws(TrustError) {
        let parsed = OpenSSL.withReadBIO(Array(pem.utf8)) { PEM_read_bio_PrivateKey($0, nil, nil, nil) }
        guard let parsed else { throw OpenSSL.error(.malformedKey, "not a PEM private key") }
        try self.init(key: EVPKey(owning: parsed))
    }

    /// Loads a PEM private key file.
    public static func load(from url: URL) throws(TrustError) -> SigningKey {
        do {
            return try SigningKey(pem: String(decoding: try FileIO.read(url), as: UTF8.self))
        } catch {
            throw TrustError(error.code, "\(url.lastPathComponent): \(error.detail)")
        }
    }

    /// The key as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). Handle with care.
    public func pkcs8PEM() throws(TrustError) -> String {
        let bytes = try OpenSSL.writeBIO(.cryptoFailure, "PKCS#8 encoding") { bio in
            PEM_write_bio_PKCS8PrivateKey(bio, key.pointer, nil, nil, 0, nil, nil)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes the key as PKCS#8 PEM to `url`, created atomically with mode 0600.
    public func save(to url: URL) throws(TrustError) {
        try FileIO.writeAtomically(Array(try pkcs8PEM().utf8), to: url, mode: 0o600)
    }

    /// The matching public key.
    public var publicKey: PublicKey {
        // Re-encoding through SubjectPublicKeyInfo yields an EVP_PKEY without the private half.
        let der = try? OpenSSL.der("public key") { i2d_PUBKEY(key.pointer, $0) }
        guard let der, let publicKey = try? PublicKey(derBytes: der) else {
            preconditionFailure("a valid private key always has an encodable public key")
        }
        return publicKey
    }

    /// The JWS algorithm this key signs with by default (ES256, EdDSA or PS256).
    public var defaultAlgorithm: JWSAlgorithm { type.defaultAlgorithm }

    /// Signs `data` and returns the signature in JOSE form (ES256: `r || s`, 64 bytes).
    /// - Throws: ``TrustError/Code/unsupportedAlgorithm`` if the key cannot sign with `algorithm`.
    public func sign(_ data: [UInt8], algorithm: JWSAlgorithm) throws(TrustError) -> [UInt8] {
        try SignatureOperation.sign(data, key: key, type: type, algorithm: algorithm)
    }

    /// `SigningKey(P-256)`: the type only, never key material.
    public var description: String { "SigningKey(\(type))" }
}
