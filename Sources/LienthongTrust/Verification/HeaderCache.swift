import Foundation
import LienthongJSON

/// Protected headers a ``CertificateVerifier`` read and whose `x5c` chain it validated, so that a signature whose
/// header is byte for byte one seen before costs its signature check, not a base64url decoding and JSON parse of the
/// ~1.9 KB header (a signer's header is the same text for every signature it makes within one second of `iat`).
///
/// Each ``TrustStore`` owns one beside its ``ChainCache``, with the same rules: a store with other anchors or CRLs
/// (a trust reload, a new CRL, a new global configuration) starts empty; an entry is used only at times inside the
/// validity of its chain (``ChainCache/Entry/covers(_:)``) and dropped once the time passes its end; at ``capacity``
/// the entry that ends first makes room. A header is kept only once its chain was validated and a signature under
/// it verified; a changed or tampered header is other text, so it is never found here and goes through the full
/// check, and a cached one still needs its own good signature every time.
public final class HeaderCache: Sendable {
    /// A header's identity: its `protected` text as sent, compared by code points (the same text is the same
    /// header), and the revocation checking its chain was validated with.
    struct Key: Hashable, Sendable {
        let protected: JSONKey
        let revocation: CertificateVerifier.RevocationCheck
    }

    /// A header read from that text, with its validated chain.
    struct Entry: Sendable {
        /// The header, checked for shape and its `kid` against the chain's leaf.
        let header: JWSHeader
        /// The chain its `x5c` names, validated against the store.
        let chain: ChainCache.Entry
    }

    /// The most headers kept.
    public var capacity: Int { entries.capacity }
    private let entries: ValidityBoundedCache<Key, Entry>

    /// An empty cache holding at most `capacity` headers.
    public init(capacity: Int = ChainCache.defaultCapacity) {
        entries = ValidityBoundedCache(capacity: capacity)
    }

    /// How many headers are held.
    public var count: Int { entries.count }

    /// The entry for `key` if it holds at `time`; an entry whose validity ended by `time` is dropped.
    func entry(for key: Key, at time: Date) -> Entry? { entries.entry(for: key, at: time) }

    /// Keeps `entry` for `key`; when full, first drops the entry whose validity ends first.
    func store(_ entry: Entry, for key: Key) { entries.store(entry, for: key) }
}

extension HeaderCache.Entry: ValidityBounded {
    func covers(_ time: Date) -> Bool { chain.covers(time) }
    var validUntil: Date { chain.validUntil }
}
