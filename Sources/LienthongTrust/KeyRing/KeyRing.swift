public import Foundation

/// The node's signing keys, one current key per provider, as loaded from a ``KeyDirectory``.
///
/// ```swift
/// let ring = try KeyRing.load(directory: KeyDirectory.defaultURL(), at: .now)
/// let envelope = try ring["VN/GOV/BCA/DANCU"]?.sign(message: message, issuedAt: .now)
/// ```
/// After `lienthong keys rotate`, a reloaded ring signs with the new key; the previous certificates stay in
/// ``ProviderKeys/previous`` until they expire, and envelopes they signed keep verifying until then.
public struct KeyRing: Sendable {
    /// Keys by provider id.
    public let providers: [String: ProviderKeys]

    /// A ring over already-loaded keys.
    public init(providers: [String: ProviderKeys]) { self.providers = providers }

    /// The keys of `provider`, if the ring has a current key for it.
    public subscript(provider: String) -> ProviderKeys? { providers[provider] }

    /// The certificate whose thumbprint is `keyID`, among every provider's current and previous leaves.
    public func certificate(keyID: String) -> Certificate? {
        for keys in providers.values {
            if let found = keys.verificationCertificates.first(where: { $0.sha256Thumbprint.hasSameCodePoints(as: keyID) }) { return found }
        }
        return nil
    }

    /// Loads every provider of `directory` that has a `current` key; providers without one are skipped.
    /// - Parameters:
    ///   - directory: the keys directory (`keys/<provider-file-name>/…`).
    ///   - now: certificates that expired before `now` are not kept as previous.
    /// - Throws: ``TrustError/Code/fileAccess`` if `current` names missing files, a key or certificate error if
    ///   they cannot be read, ``TrustError/Code/keyMismatch`` if the current key is not its certificate's.
    public static func load(directory: URL, at now: Date = Date()) throws(TrustError) -> KeyRing {
        try load(KeyDirectory(url: directory), at: now)
    }

    /// Loads every provider of `keys` that has a `current` key, token keys through ``KeyDirectory/token``.
    /// - Throws: the errors of ``load(directory:at:)``, and ``TrustError/Code/tokenFailure`` if a current key is in
    ///   a token that cannot be reached.
    public static func load(_ keys: KeyDirectory, at now: Date = Date()) throws(TrustError) -> KeyRing {
        var providers: [String: ProviderKeys] = [:]
        for provider in try keys.providers() {
            let versions = try keys.versions(of: provider)
            guard let current = versions.first(where: \.isCurrent) else { continue }
            guard let chain = current.chain else {
                throw TrustError(.fileAccess, "current key \(current.name) of \(provider) has no certificate")
            }
            let key = try keys.privateKey(of: current)
            guard try chain[0].publicKey == key.publicKey else {
                throw TrustError(.keyMismatch, "current key \(current.name) of \(provider) is not its certificate's")
            }
            let previous = versions.reversed().filter { !$0.isCurrent }.compactMap(\.chain).filter {
                $0[0].notAfter > now
            }
            providers[provider] = ProviderKeys(
                provider: provider, version: current.name, key: key, chain: chain, algorithm: current.algorithm,
                previous: previous)
        }
        return KeyRing(providers: providers)
    }
}
