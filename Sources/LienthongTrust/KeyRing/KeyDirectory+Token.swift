import Foundation

extension KeyDirectory {
    /// Generates a key pair in `token` and records only references to it: the `pkcs11:` URI and the public key.
    func generate(
        in token: PKCS11Token, provider: String, type: KeyType, algorithm: JWSAlgorithm, now: Date
    ) throws(TrustError) -> KeyVersion {
        let name = try newVersion(provider: provider, now: now)
        let directory = directory(of: provider)
        // The label names provider and version, so an operator listing the token sees whose key it is. The random id
        // keeps the key apart from those of other nodes, or of a key directory made anew, that share the token.
        var random = SystemRandomNumberGenerator()
        let id = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
        let object = "\(DevelopmentPKI.fileName(for: provider)).\(name)"
        try token.generateKey(object: object, id: id, type: type)
        let uri = token.uri(object: object, id: id)
        let key = try token.loadKey(uri: uri)
        // A key whose public half is not its own would have every certificate and signature refused; say so now.
        let probe = Array("lienthong key check".utf8)
        guard
            key.publicKey.verify(
                signature: try key.sign(probe, algorithm: algorithm), data: probe, algorithm: algorithm)
        else { throw TrustError(.tokenFailure, "\(uri) does not sign for its own public key") }
        try FileIO.writeAtomically(
            Array(key.publicKey.pemString.utf8), to: directory.appendingPathComponent("\(name).pub.pem"),
            mode: 0o644)
        try writeAlgorithm(algorithm, of: name, in: directory, keyType: type)
        // The URI last: it is what makes the version exist for ``versions(of:)``.
        let keyFile = directory.appendingPathComponent("\(name).key.uri")
        try FileIO.writeAtomically(Array("\(uri)\n".utf8), to: keyFile, mode: 0o644)
        return KeyVersion(
            provider: provider, name: name, keyFile: keyFile,
            certificateFile: directory.appendingPathComponent("\(name).crt.pem"), keyType: type,
            algorithm: algorithm,
            chain: nil, isCurrent: false, tokenURI: uri)
    }

    /// The private key of `version`, from its file or from the token.
    /// - Throws: ``TrustError/Code/tokenFailure`` if the key is in a token and the directory has none or the token
    ///   refuses; the errors of ``SigningKey/load(from:)`` for a key file.
    public func privateKey(of version: KeyVersion) throws(TrustError) -> SigningKey {
        guard let uri = version.tokenURI else { return try SigningKey.load(from: version.keyFile) }
        guard let token else {
            throw TrustError(
                .tokenFailure,
                "key \(version.name) of \(version.provider) is in a PKCS#11 token; no token configured")
        }
        return try token.loadKey(uri: uri)
    }

    /// The public key of `version`; a token key's comes from its `.pub.pem`, so no token is needed.
    func publicKey(of version: KeyVersion) throws(TrustError) -> PublicKey {
        guard version.tokenURI != nil else {
            return try SigningKey.load(from: version.keyFile).publicKey
        }
        return try Self.loadPublicKey(
            directory(of: version.provider).appendingPathComponent("\(version.name).pub.pem"))
    }

    static func loadPublicKey(_ url: URL) throws(TrustError) -> PublicKey {
        do {
            return try PublicKey(pem: String(decoding: try FileIO.read(url), as: UTF8.self))
        } catch {
            throw TrustError(error.code, "\(url.lastPathComponent): \(error.detail)")
        }
    }

    /// A one-line file's text, trimmed.
    static func readLine(_ url: URL) throws(TrustError) -> String {
        String(decoding: try FileIO.read(url), as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines)
    }
}
