import Foundation
import LienthongJSON

/// Certificate chains a ``CertificateVerifier`` validated, so that a signature from a chain seen before costs its
/// signature check, not another X.509 path validation (which verifies every certificate's signature again).
///
/// Each ``TrustStore`` owns one: a store with other anchors or CRLs (a trust reload, a new CRL, a new global
/// configuration) starts with an empty cache, so an entry never outlives what it was validated against. An entry
/// is used only at times inside the validity of every certificate of its chain and of the CRLs covering it; outside
/// them the chain is validated again, and it is dropped once the time passes the earliest end. Bounded: at
/// ``capacity`` the entry that ends first makes room. Lookups take a mutex, never an actor hop, because every
/// verified signature passes here.
public final class ChainCache: Sendable {
    /// How many chains a store keeps by default: more than the signers a national federation has.
    public static let defaultCapacity = 1024

    /// A chain's identity: SHA-256 over its DER certificates in order (each length-prefixed), or a JWS header's
    /// `x5c` text as sent (compared by code points: the same text is the same DER, and a signature from a known signer
    /// then costs no base64 decoding and no digest of its chain); and the revocation checking it was validated with.
    struct Key: Hashable, Sendable {
        enum Chain: Hashable, Sendable {
            case digest([UInt8])
            case x5c([JSONKey])
        }

        let chain: Chain
        let revocation: CertificateVerifier.RevocationCheck

        init(x5c texts: [String], revocation: CertificateVerifier.RevocationCheck) {
            chain = .x5c(texts.map { JSONKey($0) })
            self.revocation = revocation
        }

        init(der chain: [[UInt8]], revocation: CertificateVerifier.RevocationCheck) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(chain.reduce(0) { $0 + $1.count + 4 })
            for der in chain {
                let count = UInt32(der.count)
                bytes += [UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]
                bytes += der
            }
            self.chain = .digest(Digest.sha256(bytes))
            self.revocation = revocation
        }
    }

    /// A validated chain with what checking a signature against it needs, parsed once.
    struct Entry: Sendable {
        /// The end-entity certificate.
        let leaf: Certificate
        /// The chain OpenSSL built: leaf first, trust anchor last.
        let chain: [Certificate]
        /// The leaf's public key, or why it cannot be used.
        let publicKey: Result<PublicKey, TrustError>
        /// Verifying contexts for that key, one per algorithm it fits.
        let verifiers: [JWSAlgorithm: PreparedVerifier]
        /// The leaf's `kid` (``Certificate/sha256Thumbprint``).
        let thumbprint: String
        /// The leaf's member (its one subject `CN`).
        let member: String?
        /// Whether the leaf allows `digitalSignature`.
        let allowsDigitalSignature: Bool
        /// From when the validation holds: the latest `notBefore` (and CRL `thisUpdate`).
        let validFrom: Date
        /// Until when it holds (exclusive, as OpenSSL treats `notAfter`): the earliest `notAfter` (and CRL
        /// `nextUpdate`).
        let validUntil: Date

        /// Whether a validation at `time` would pass the same way: every validity period covers it.
        func covers(_ time: Date) -> Bool {
            // OpenSSL compares whole seconds: `notBefore <= t < notAfter`.
            let seconds = Date(timeIntervalSince1970: time.timeIntervalSince1970.rounded(.down))
            return validFrom <= seconds && seconds < validUntil
        }
    }

    /// The most chains kept.
    public var capacity: Int { entries.capacity }
    private let entries: ValidityBoundedCache<Key, Entry>

    /// An empty cache holding at most `capacity` chains.
    public init(capacity: Int = ChainCache.defaultCapacity) {
        entries = ValidityBoundedCache(capacity: capacity)
    }

    /// How many chains are held.
    public var count: Int { entries.count }

    /// The entry for `key` if it holds at `time`; an entry whose validity ended by `time` is dropped.
    func entry(for key: Key, at time: Date) -> Entry? { entries.entry(for: key, at: time) }

    /// Keeps `entry` for `key`; when full, first drops the entry whose validity ends first.
    func store(_ entry: Entry, for key: Key) { entries.store(entry, for: key) }
}

extension ChainCache.Entry: ValidityBounded {}
