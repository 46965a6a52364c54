public import Foundation

extension CertificateVerifier {
    /// Verifies the `x5c` chain of a JWS header like ``verify(chain:expectedMember:at:requireDigitalSignature:)``;
    /// a chain already in the store's ``ChainCache`` (by its `x5c` text) is not even decoded.
    /// - Throws: what ``JWSHeader/certificateChain()`` throws for a chain not yet cached, then what
    ///   ``verify(chain:expectedMember:at:requireDigitalSignature:)`` throws.
    public func verify(signer header: JWSHeader, expectedMember: String?, at time: Date) throws(TrustError)
        -> VerifiedChain
    {
        let key = ChainCache.Key(x5c: header.encodedChain, revocation: revocationCheck)
        let entry: ChainCache.Entry
        if let cached = trustStore.chains.entry(for: key, at: time) {
            try header.checkKeyID(thumbprint: cached.thumbprint)
            entry = cached
        } else {
            entry = try validate(header.certificateChain(), key: key, at: time)
        }
        return try accept(entry, expectedMember: expectedMember, requireDigitalSignature: true)
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
            verifiers: (try? publicKey.get()).map(PreparedVerifier.all(for:)) ?? [:], thumbprint: leaf.sha256Thumbprint, member: leaf.member,
            allowsDigitalSignature: leaf.allowsDigitalSignature, validFrom: from, validUntil: until)
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
        return VerifiedChain(leaf: entry.leaf, chain: entry.chain, member: member, leafKey: entry.publicKey, verifiers: entry.verifiers)
    }
}
