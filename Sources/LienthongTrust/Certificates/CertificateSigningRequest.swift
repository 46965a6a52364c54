import COpenSSL

/// Owns one `X509_REQ`. `@unchecked Sendable` because a request is immutable once created or parsed.
final class X509ReqBox: @unchecked Sendable {
    let pointer: OpaquePointer
    init(owning pointer: OpaquePointer) { self.pointer = pointer }
    deinit { X509_REQ_free(pointer) }
}

/// A PKCS#10 certificate signing request, for `lienthong keys csr` against a real CA.
public struct CertificateSigningRequest: Sendable {
    let request: X509ReqBox

    /// Creates a request for `subject`, signed with `key` (proof of possession).
    public init(subject: DistinguishedName, key: SigningKey) throws(TrustError) {
        guard let request = X509_REQ_new() else { throw OpenSSL.error(.cryptoFailure, "X509_REQ_new") }
        self.request = X509ReqBox(owning: request)
        let name = try subject.makeX509Name()
        defer { X509_NAME_free(name) }
        guard X509_REQ_set_version(request, 0) == 1, X509_REQ_set_subject_name(request, name) == 1,
            X509_REQ_set_pubkey(request, key.key.pointer) == 1,
            X509_REQ_sign(request, key.key.pointer, CertificateIssuer.digest(for: key)) > 0
        else { throw OpenSSL.error(.cryptoFailure, "CSR signing") }
    }

    /// Parses a PEM `CERTIFICATE REQUEST` and checks its self-signature.
    public init(pem: String) throws(TrustError) {
        let parsed = OpenSSL.withReadBIO(Array(pem.utf8)) { PEM_read_bio_X509_REQ($0, nil, nil, nil) }
        guard let parsed else { throw OpenSSL.error(.malformedCertificate, "not a PEM CSR") }
        self.request = X509ReqBox(owning: parsed)
        guard let key = X509_REQ_get0_pubkey(parsed), X509_REQ_verify(parsed, key) == 1 else {
            throw OpenSSL.error(.badSignature, "CSR self-signature does not verify")
        }
    }

    /// The PEM encoding (`-----BEGIN CERTIFICATE REQUEST-----`).
    public var pemString: String {
        guard let pem = try? OpenSSL.writeBIO(.cryptoFailure, "PEM", { PEM_write_bio_X509_REQ($0, request.pointer) })
        else { preconditionFailure("a CSR is always encodable") }
        return String(decoding: pem, as: UTF8.self)
    }

    /// The requested subject `CN`.
    public var subjectCommonName: String? {
        Certificate.entry(X509_REQ_get_subject_name(request.pointer), NID_commonName)
    }
    /// The requested subject `O`.
    public var subjectOrganization: String? {
        Certificate.entry(X509_REQ_get_subject_name(request.pointer), NID_organizationName)
    }
    /// The requested subject `C`.
    public var subjectCountry: String? {
        Certificate.entry(X509_REQ_get_subject_name(request.pointer), NID_countryName)
    }

    /// The public key to certify.
    public var publicKey: PublicKey {
        get throws(TrustError) {
            guard let key = X509_REQ_get_pubkey(request.pointer) else {
                throw OpenSSL.error(.malformedKey, "CSR public key cannot be read")
            }
            return try PublicKey(key: EVPKey(owning: key))
        }
    }
}
