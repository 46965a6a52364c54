import COpenSSL
public import Foundation

/// A CA certificate with its private key, which issues certificates and CRLs.
///
/// ```swift
/// let root = try CertificateIssuer.selfSignedRoot(
///     subject: DistinguishedName(commonName: "Lienthong Development Root CA — NOT FOR PRODUCTION"),
///     key: try SigningKey.generate(), notAfter: .now.addingTimeInterval(10 * 365 * 86400))
/// let leaf = try root.issue(.nodeSigning, subject: DistinguishedName(commonName: "VN/GOV/BCA/DANCU"),
///     publicKey: nodeKey.publicKey, notAfter: .now.addingTimeInterval(365 * 86400))
/// ```
public struct CertificateIssuer: Sendable {
    /// The CA certificate.
    public let certificate: Certificate
    /// The CA's private key.
    public let key: SigningKey

    /// An issuer from a CA certificate and its private key.
    /// - Throws: ``TrustError/Code/keyMismatch`` if the key does not belong to the certificate,
    ///   ``TrustError/Code/keyUsage`` if the certificate is not a CA.
    public init(certificate: Certificate, key: SigningKey) throws(TrustError) {
        guard X509_check_private_key(certificate.x509.pointer, key.key.pointer) == 1 else {
            ERR_clear_error()
            throw TrustError(.keyMismatch, "key does not match CA \(certificate.subjectCommonName ?? "-")")
        }
        guard certificate.isCertificateAuthority else {
            throw TrustError(.keyUsage, "\(certificate.subjectCommonName ?? "-") is not a CA")
        }
        self.certificate = certificate
        self.key = key
    }

    /// Creates a self-signed root CA (`CA:TRUE`, `keyCertSign, cRLSign`).
    public static func selfSignedRoot(
        subject: DistinguishedName, key: SigningKey, notBefore: Date = Date(), notAfter: Date
    ) throws(TrustError) -> CertificateIssuer {
        let extensions: [(nid: Int32, value: String)] = [
            (NID_basic_constraints, "critical,CA:TRUE"),
            (NID_key_usage, "critical,keyCertSign,cRLSign"),
            (NID_subject_key_identifier, "hash"),
        ]
        let certificate = try build(
            subject: subject, publicKey: key.publicKey, issuer: nil, signer: key, notBefore: notBefore,
            notAfter: notAfter, extensions: extensions)
        return try CertificateIssuer(certificate: certificate, key: key)
    }

    /// Issues a certificate for `publicKey`.
    /// - Parameters:
    ///   - profile: what the certificate may be used for.
    ///   - subject: its subject; for member certificates the `CN` is the member or subsystem id.
    ///   - notBefore: start of validity (default: now).
    ///   - notAfter: end of validity.
    public func issue(
        _ profile: CertificateProfile, subject: DistinguishedName, publicKey: PublicKey, notBefore: Date = Date(),
        notAfter: Date
    ) throws(TrustError) -> Certificate {
        var rsa = false
        if case .rsa = publicKey.type { rsa = true }
        let extensions =
            profile.extensions(rsa: rsa) + [
                (NID_subject_key_identifier, "hash"), (NID_authority_key_identifier, "keyid:always"),
            ]
        return try Self.build(
            subject: subject, publicKey: publicKey, issuer: certificate, signer: key, notBefore: notBefore,
            notAfter: notAfter, extensions: extensions)
    }

    /// Issues a certificate for the subject and key of a verified CSR.
    public func issue(
        _ profile: CertificateProfile, for request: CertificateSigningRequest, notBefore: Date = Date(), notAfter: Date
    ) throws(TrustError) -> Certificate {
        guard let commonName = request.subjectCommonName else {
            throw TrustError(.malformedCertificate, "CSR has no subject CN")
        }
        let subject = DistinguishedName(
            commonName: commonName, organization: request.subjectOrganization, country: request.subjectCountry)
        return try issue(
            profile, subject: subject, publicKey: try request.publicKey, notBefore: notBefore, notAfter: notAfter)
    }

    /// Signs a CRL listing `revoked` (certificates this CA issued) as revoked since `revokedAt`.
    public func revocationList(
        revoking revoked: [Certificate], revokedAt: Date = Date(), thisUpdate: Date = Date(), nextUpdate: Date
    ) throws(TrustError) -> CertificateRevocationList {
        guard let crl = X509_CRL_new() else { throw OpenSSL.error(.cryptoFailure, "X509_CRL_new") }
        let result = CertificateRevocationList(owning: crl)
        guard X509_CRL_set_version(crl, 1) == 1,  // v2
            X509_CRL_set_issuer_name(crl, X509_get_subject_name(certificate.x509.pointer)) == 1,
            let last = ASN1_TIME_set(nil, ASN1Time.seconds(thisUpdate)),
            let next = ASN1_TIME_set(nil, ASN1Time.seconds(nextUpdate))
        else { throw OpenSSL.error(.cryptoFailure, "CRL fields") }
        defer {
            ASN1_TIME_free(last)
            ASN1_TIME_free(next)
        }
        guard X509_CRL_set1_lastUpdate(crl, last) == 1, X509_CRL_set1_nextUpdate(crl, next) == 1 else {
            throw OpenSSL.error(.cryptoFailure, "CRL dates")
        }
        guard let revokedTime = ASN1_TIME_set(nil, ASN1Time.seconds(revokedAt)) else {
            throw OpenSSL.error(.cryptoFailure, "CRL revocation date")
        }
        defer { ASN1_TIME_free(revokedTime) }
        for certificate in revoked {
            guard let entry = X509_REVOKED_new() else { throw OpenSSL.error(.cryptoFailure, "X509_REVOKED_new") }
            // Both setters copy; X509_CRL_add0_revoked takes the entry.
            guard X509_REVOKED_set_serialNumber(entry, X509_get_serialNumber(certificate.x509.pointer)) == 1,
                X509_REVOKED_set_revocationDate(entry, revokedTime) == 1,
                X509_CRL_add0_revoked(crl, entry) == 1
            else {
                X509_REVOKED_free(entry)
                throw OpenSSL.error(.cryptoFailure, "CRL entry")
            }
        }
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, certificate.x509.pointer, nil, nil, crl, 0)
        guard let akid = X509V3_EXT_conf_nid(nil, &context, NID_authority_key_identifier, "keyid:always") else {
            throw OpenSSL.error(.cryptoFailure, "CRL authority key identifier")
        }
        defer { X509_EXTENSION_free(akid) }
        guard X509_CRL_add_ext(crl, akid, -1) == 1, X509_CRL_sort(crl) == 1,
            X509_CRL_sign(crl, key.key.pointer, Self.digest(for: key)) > 0
        else { throw OpenSSL.error(.cryptoFailure, "CRL signing") }
        return result
    }

    /// The digest to sign certificates with: SHA-256, or none for Ed25519 (which hashes internally).
    static func digest(for key: SigningKey) -> OpaquePointer? { key.type == .ed25519 ? nil : OpenSSL.sha256 }

    /// A random positive 127-bit serial number (RFC 5280 allows up to 20 octets).
    private static func randomSerial(into target: UnsafeMutablePointer<ASN1_INTEGER>) throws(TrustError) {
        var bytes = SecureRandom.bytes(16)
        bytes[0] = (bytes[0] & 0x7f) | 0x01  // positive and never zero
        guard let number = BN_bin2bn(bytes, Int32(bytes.count), nil) else {
            throw OpenSSL.error(.cryptoFailure, "serial number")
        }
        defer { BN_free(number) }
        guard BN_to_ASN1_INTEGER(number, target) != nil else { throw OpenSSL.error(.cryptoFailure, "serial number") }
    }

    /// Builds and signs a v3 certificate; `issuer == nil` makes it self-signed.
    private static func build(
        subject: DistinguishedName, publicKey: PublicKey, issuer: Certificate?, signer: SigningKey, notBefore: Date,
        notAfter: Date, extensions: [(nid: Int32, value: String)]
    ) throws(TrustError) -> Certificate {
        guard notAfter > notBefore else { throw TrustError(.malformedCertificate, "notAfter is not after notBefore") }
        guard let x509 = X509_new() else { throw OpenSSL.error(.cryptoFailure, "X509_new") }
        let box = X509Box(owning: x509)  // frees on every exit path
        let name = try subject.makeX509Name()
        defer { X509_NAME_free(name) }
        try randomSerial(into: X509_get_serialNumber(x509))
        guard X509_set_version(x509, 2) == 1,  // v3
            X509_set_subject_name(x509, name) == 1,
            X509_set_issuer_name(x509, issuer.map { X509_get_subject_name($0.x509.pointer) } ?? name) == 1,
            X509_set_pubkey(x509, publicKey.key.pointer) == 1,
            ASN1_TIME_set(X509_getm_notBefore(x509), ASN1Time.seconds(notBefore)) != nil,
            ASN1_TIME_set(X509_getm_notAfter(x509), ASN1Time.seconds(notAfter)) != nil
        else { throw OpenSSL.error(.cryptoFailure, "certificate fields") }
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer?.x509.pointer ?? x509, x509, nil, nil, 0)
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                throw OpenSSL.error(.malformedCertificate, "extension \(String(cString: OBJ_nid2sn(nid)))=\(value)")
            }
            defer { X509_EXTENSION_free(ext) }
            guard X509_add_ext(x509, ext, -1) == 1 else { throw OpenSSL.error(.cryptoFailure, "X509_add_ext") }
        }
        guard X509_sign(x509, signer.key.pointer, digest(for: signer)) > 0 else {
            throw OpenSSL.error(.cryptoFailure, "certificate signing")
        }
        // The Certificate takes its own reference; `box` drops ours.
        guard X509_up_ref(box.pointer) == 1 else { throw OpenSSL.error(.cryptoFailure, "X509_up_ref") }
        return try Certificate(owning: box.pointer)
    }
}
