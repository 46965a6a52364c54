public import Foundation
import LienthongJSON

extension CertificateVerifier {
    /// A protected header as read for a signature: from the store's ``HeaderCache`` with its validated chain, or
    /// freshly parsed (its chain not yet checked).
    struct Signer {
        /// The header.
        let header: JWSHeader
        /// Its validated chain, if the same header text was read and its chain validated before and that still holds.
        let cached: ChainCache.Entry?
        /// Where the header is kept once its chain is validated.
        let key: HeaderCache.Key
    }

    /// Reads the protected header `protected`: from the store's ``HeaderCache`` if the same text (by code points) was
    /// read and its chain validated before and that validation holds at `time`, else with
    /// ``JWSHeader/init(protected:)``.
    /// - Throws: what ``JWSHeader/init(protected:)`` throws.
    func signer(protected: String, at time: Date) throws(TrustError) -> Signer {
        let key = HeaderCache.Key(protected: JSONKey(protected), revocation: revocationCheck)
        if let entry = trustStore.headers.entry(for: key, at: time) {
            return Signer(header: entry.header, cached: entry.chain, key: key)
        }
        return Signer(header: try JWSHeader(protected: protected), cached: nil, key: key)
    }

    /// Verifies the `x5c` chain of a header read by ``signer(protected:at:)``: a header found in the store's
    /// ``HeaderCache`` has its chain already; otherwise as ``verify(signer:expectedMember:at:)``.
    /// - Returns: the verified chain and the cache entry to ``keep(_:chain:)`` once the signature verified.
    func verify(
        _ signer: Signer, expectedMember: String?, at time: Date
    ) throws(TrustError) -> (verified: VerifiedChain, entry: ChainCache.Entry) {
        let entry: ChainCache.Entry
        if let cached = signer.cached {
            entry = cached
        } else {
            entry = try chainEntry(for: signer.header, at: time)
        }
        return (try accept(entry, expectedMember: expectedMember, requireDigitalSignature: true), entry)
    }

    /// Keeps a header read from its text in the store's ``HeaderCache`` with its validated chain: called once a
    /// signature under it verified, so that only headers that signed something are kept.
    func keep(_ signer: Signer, chain entry: ChainCache.Entry) {
        guard signer.cached == nil else { return }
        trustStore.headers.store(HeaderCache.Entry(header: signer.header, chain: entry), for: signer.key)
    }

    /// Verifies the `x5c` chain of a JWS header like ``verify(chain:expectedMember:at:requireDigitalSignature:)``;
    /// a chain already in the store's ``ChainCache`` (by its `x5c` text) is not even decoded.
    /// - Throws: what ``JWSHeader/certificateChain()`` throws for a chain not yet cached, then what
    ///   ``verify(chain:expectedMember:at:requireDigitalSignature:)`` throws.
    public func verify(signer header: JWSHeader, expectedMember: String?, at time: Date) throws(TrustError)
        -> VerifiedChain
    {
        try accept(chainEntry(for: header, at: time), expectedMember: expectedMember, requireDigitalSignature: true)
    }

    /// The validated chain of `header`'s `x5c`, from the ``ChainCache`` (after checking the `kid` against it) or
    /// validated now.
    private func chainEntry(for header: JWSHeader, at time: Date) throws(TrustError) -> ChainCache.Entry {
        let key = ChainCache.Key(x5c: header.encodedChain, revocation: revocationCheck)
        if let cached = trustStore.chains.entry(for: key, at: time) {
            try header.checkKeyID(thumbprint: cached.thumbprint)
            return cached
        }
        return try validate(header.certificateChain(), key: key, at: time)
    }

    /// Validates `chain` (trying again `clockSkew` earlier or later for an expired or not yet valid certificate)
    /// and keeps the result under `key`.
    func validate(_ chain: [Certificate], key: ChainCache.Key, at time: Date) throws(TrustError) -> ChainCache.Entry {
        var built: [Certificate]
        do {
            built = try validatePath(chain, at: time)
        } catch let error where clockSkew > 0 && error.code == .expiredCertificate {
            built = try validatePath(chain, at: time.addingTimeInterval(-clockSkew))
        } catch let error where clockSkew > 0 && error.code == .notYetValidCertificate {
            built = try validatePath(chain, at: time.addingTimeInterval(clockSkew))
        }
        if built.isEmpty { built = chain }
        let leaf = chain[0]
        var from = built.map(\.notBefore).max() ?? .distantPast
        var until = built.map(\.notAfter).min() ?? .distantFuture
        if revocationCheck != .none {
            // The CRLs OpenSSL may have consulted; past its nextUpdate a list makes validation fail.
            for list in trustStore.revocationLists where built.contains(where: list.isFromIssuer(of:)) {
                from = max(from, list.thisUpdate)
                if let next = list.nextUpdate { until = min(until, next) }
            }
        }
        let publicKey: Result<PublicKey, TrustError>
        do {
            publicKey = .success(try leaf.publicKey)
        } catch {
            publicKey = .failure(error)
        }
        let entry = ChainCache.Entry(
            leaf: leaf, chain: built, publicKey: publicKey,
            verifiers: (try? publicKey.get()).map(PreparedVerifier.all(for:)) ?? [:],
            thumbprint: leaf.sha256Thumbprint, member: leaf.member, allowsDigitalSignature: leaf.allowsDigitalSignature,
            validFrom: from, validUntil: until)
        trustStore.chains.store(entry, for: key)
        return entry
    }

    /// The checks on the leaf of a validated chain: key usage and the member it names.
    func accept(
        _ entry: ChainCache.Entry, expectedMember: String?, requireDigitalSignature: Bool
    ) throws(TrustError) -> VerifiedChain {
        let subject = entry.member ?? entry.leaf.subjectCommonName ?? "-"
        if requireDigitalSignature, !entry.allowsDigitalSignature {
            throw TrustError(.keyUsage, "certificate \(subject) does not allow digitalSignature")
        }
        guard let member = entry.member else {
            throw TrustError(.wrongMember, "certificate subject has no single CN")
        }
        if let expectedMember, !member.hasSameCodePoints(as: expectedMember) {
            throw TrustError(.wrongMember, "certificate names \(member), expected \(expectedMember)")
        }
        return VerifiedChain(
            leaf: entry.leaf, chain: entry.chain, member: member, leafKey: entry.publicKey, verifiers: entry.verifiers)
    }
}
