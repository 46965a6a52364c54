import COpenSSL
public import Foundation

extension CertificateRevocationList {
    /// Whether `issuer` signed this list: its subject is the list's issuer and its key verifies the signature.
    public func isIssued(by issuer: Certificate) -> Bool {
        defer { ERR_clear_error() }
        guard X509_NAME_cmp(X509_CRL_get_issuer(crl.pointer), X509_get_subject_name(issuer.x509.pointer)) == 0,
            let key = X509_get0_pubkey(issuer.x509.pointer)
        else { return false }
        return X509_CRL_verify(crl.pointer, key) == 1
    }

    /// Whether this list's issuer is the name `certificate` names as its issuer (names only, no signature check).
    func isFromIssuer(of certificate: Certificate) -> Bool {
        X509_NAME_cmp(X509_CRL_get_issuer(crl.pointer), X509_get_issuer_name(certificate.x509.pointer)) == 0
    }

    /// Whether this list revokes `certificate` (an entry with reason `removeFromCRL` does not).
    public func revokes(_ certificate: Certificate) -> Bool {
        var entry: OpaquePointer?
        return X509_CRL_get0_by_cert(crl.pointer, &entry, certificate.x509.pointer) == 1
    }

    /// Whether the list is past its `nextUpdate` at `time`; a list without one never expires.
    public func isExpired(at time: Date) -> Bool {
        guard let nextUpdate else { return false }
        return nextUpdate < time
    }
}
