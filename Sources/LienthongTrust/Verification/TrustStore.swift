import COpenSSL
public import Foundation

/// Owns one `X509_STORE`. `@unchecked Sendable` because the store is filled once in
/// ``TrustStore/init(anchors:revocationLists:)`` and only read afterwards; OpenSSL locks the store around its own lookups and caches, so concurrent
/// verifications may share it.
final class X509StoreBox: @unchecked Sendable {
    let pointer: OpaquePointer
    init(owning pointer: OpaquePointer) { self.pointer = pointer }
    deinit { X509_STORE_free(pointer) }
}

/// The trust anchors (root CAs) and CRLs a ``CertificateVerifier`` checks chains against, with the chains it
/// validated against them (``ChainCache``).
///
/// Anchors and CRLs are fixed for a store's life: a reload, a new CRL or a new global configuration builds a new
/// store, which starts with no validated chain.
public struct TrustStore: Sendable {
    let store: X509StoreBox
    /// The chains validated against this store.
    public let chains: ChainCache
    /// The signatures' protected headers read, with their chains validated against this store.
    public let headers: HeaderCache
    /// The trust anchors.
    public let anchors: [Certificate]
    /// The configured CRLs.
    public let revocationLists: [CertificateRevocationList]

    /// A store trusting `anchors` and, if given, rejecting what `revocationLists` revoke; it keeps up to
    /// ``ChainCache/defaultCapacity`` validated chains.
    /// - Throws: ``TrustError/Code/untrustedCertificate`` without anchors.
    public init(anchors: [Certificate], revocationLists: [CertificateRevocationList] = []) throws(TrustError) {
        try self.init(anchors: anchors, revocationLists: revocationLists, cachedChains: ChainCache.defaultCapacity)
    }

    /// A store like ``init(anchors:revocationLists:)`` that keeps up to `cachedChains` validated chains (and as many
    /// signature headers).
    /// - Throws: ``TrustError/Code/untrustedCertificate`` without anchors.
    public init(
        anchors: [Certificate], revocationLists: [CertificateRevocationList], cachedChains: Int
    ) throws(TrustError) {
        guard !anchors.isEmpty else { throw TrustError(.untrustedCertificate, "no trust anchors configured") }
        guard let store = X509_STORE_new() else { throw OpenSSL.error(.cryptoFailure, "X509_STORE_new") }
        self.store = X509StoreBox(owning: store)
        for anchor in anchors {
            // X509_STORE_add_cert takes its own reference.
            guard X509_STORE_add_cert(store, anchor.x509.pointer) == 1 else {
                throw OpenSSL.error(.malformedCertificate, "trust anchor \(anchor.subjectCommonName ?? "-")")
            }
        }
        for list in revocationLists {
            guard X509_STORE_add_crl(store, list.crl.pointer) == 1 else {
                throw OpenSSL.error(.malformedCertificate, "CRL of \(list.issuerCommonName ?? "-")")
            }
        }
        self.anchors = anchors
        self.revocationLists = revocationLists
        self.chains = ChainCache(capacity: cachedChains)
        self.headers = HeaderCache(capacity: cachedChains)
    }

    /// A store from PEM files: every certificate in `anchorFiles` is an anchor; each of `revocationListFiles` is a CRL.
    public static func load(anchorFiles: [URL], revocationListFiles: [URL] = []) throws(TrustError) -> TrustStore {
        var anchors: [Certificate] = []
        for file in anchorFiles { anchors += try Certificate.loadChain(from: file) }
        var lists: [CertificateRevocationList] = []
        for file in revocationListFiles { lists.append(try CertificateRevocationList.load(from: file)) }
        return try TrustStore(anchors: anchors, revocationLists: lists)
    }
}
