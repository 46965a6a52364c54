import Foundation
import LienthongCore
import LienthongTrust

/// The keys a node signs envelopes with: the current key of each provider in the key store of its data directory
/// (`keys/`), the store `lienthong keys generate|csr|import|rotate` manages.
///
/// A provider with no key in the store yet gets its first one from where earlier nodes took it: the credential
/// named in `node.json` `signing`, else the development PKI's certificate. That credential is copied into the
/// store once; from then on the store alone decides, so an imported and rotated certificate is what the node signs
/// with after a reload or a restart.
struct NodeSigningKeys: Sendable {
    /// Every provider's current key and the unexpired certificates of its earlier keys.
    let ring: KeyRing
    /// The identity each provider of the configuration signs with.
    let signers: [ExchangeID: JWSSigningIdentity]

    /// The key store of a data directory, with the token of `node.json` `pkcs11` if there is one.
    /// - Throws: a ``TrustError`` with code ``TrustError/Code/tokenFailure`` if the token's PIN cannot be read.
    static func directory(_ configuration: GatewayConfiguration) throws -> KeyDirectory {
        KeyDirectory(url: configuration.dataPath("keys"), token: try token(configuration))
    }

    /// The token of `node.json` `pkcs11`, with its PIN read from the file or environment variable it names.
    static func token(
        _ configuration: GatewayConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> PKCS11Token? {
        guard let settings = configuration.node.pkcs11 else { return nil }
        let source: PKCS11Token.PINSource
        if let file = settings.pinFile {
            source = .file(configuration.dataPath(file))
        } else if let variable = settings.pinEnvironment {
            source = .environment(variable)
        } else {
            throw ConfigurationError(
                file: "node.json", pointer: "/pkcs11", message: "name the PIN's source: pinFile or pinEnvironment")
        }
        return PKCS11Token(
            module: settings.module ?? PKCS11Token.defaultModule, label: settings.tokenLabel,
            pin: try source.read(environment: environment))
    }

    /// Seeds the store where a provider has no key, then loads the current key of every provider the configuration's
    /// registries sign for.
    /// - Throws: ``ConfigurationError`` if a provider has no key anywhere, or a ``TrustError`` if the store cannot
    ///   be read or a key does not match its certificate.
    static func load(
        _ configuration: GatewayConfiguration, developmentPKI: DevelopmentPKI.Files?, now: Date
    ) throws -> NodeSigningKeys {
        let store = try directory(configuration)
        let providers = Set(configuration.registries.map(\.provider)).sorted { $0.description < $1.description }
        var ring = try KeyRing.load(store, at: now)
        var seeded = false
        if let developmentPKI {
            seeded = try renew(ring, providers, in: store, from: developmentPKI, now: now)
            if seeded { ring = try KeyRing.load(store, at: now) }
        }
        for provider in providers where ring[provider.description] == nil {
            guard let (key, certificate) = seed(provider, configuration, developmentPKI: developmentPKI) else {
                throw ConfigurationError(
                    file: "node.json", pointer: "/signing",
                    message: "no signing key for provider \(provider): run 'lienthong keys generate' (then csr, "
                        + "import) with --keys-dir \(store.url.path), or name one under signing"
                )
            }
            try store.install(
                provider: provider.description, key: try SigningKey.load(from: key),
                chain: try Certificate.loadChain(from: certificate), now: now
            )
            seeded = true
        }
        if seeded { ring = try KeyRing.load(store, at: now) }
        var signers: [ExchangeID: JWSSigningIdentity] = [:]
        for provider in providers {
            // Seeded above, so every provider is in the ring unless the store changed in between.
            guard let keys = ring[provider.description] else {
                throw ConfigurationError(file: "node.json", pointer: "/signing", message: "no key for \(provider)")
            }
            signers[provider] = try keys.identity()
        }
        return NodeSigningKeys(ring: ring, signers: signers)
    }

    /// Makes the development PKI's certificate current again where the store's current one was issued by an earlier
    /// development intermediate (the PKI directory was deleted and created anew): otherwise the node would sign with
    /// a certificate that no longer chains to its development root. Keys certified by the current development
    /// intermediate, or by any other CA, are left as they are.
    /// - Returns: whether the store changed.
    private static func renew(
        _ ring: KeyRing, _ providers: [ExchangeID], in store: KeyDirectory, from pki: DevelopmentPKI.Files, now: Date
    ) throws -> Bool {
        let intermediate = try Certificate.loadChain(from: pki.intermediate.certificate)[0]
        var renewed = false
        for provider in providers {
            guard let current = ring[provider.description]?.chain[0],
                current.issuerCommonName == DevelopmentPKI.intermediateCommonName, !current.isIssued(by: intermediate),
                let issued = pki.signing[provider.description]
            else { continue }
            try store.install(
                provider: provider.description, key: try SigningKey.load(from: issued.key),
                chain: try Certificate.loadChain(from: issued.certificate), now: now
            )
            try store.rotate(provider: provider.description, now: now)
            renewed = true
        }
        return renewed
    }

    /// The credential that becomes `provider`'s first key: `node.json` `signing`, else the development PKI's.
    private static func seed(
        _ provider: ExchangeID, _ configuration: GatewayConfiguration, developmentPKI: DevelopmentPKI.Files?
    ) -> (key: URL, certificate: URL)? {
        if let configured = configuration.node.signing?[provider.description] {
            return (configuration.dataPath(configured.privateKey), configuration.dataPath(configured.certificate))
        }
        if let issued = developmentPKI?.signing[provider.description] { return (issued.key, issued.certificate) }
        return nil
    }
}
