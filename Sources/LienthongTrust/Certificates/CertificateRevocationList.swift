import COpenSSL
public import Foundation

/// Owns one `X509_CRL` reference. `@unchecked Sendable` because a CRL is never mutated after it is parsed or
/// signed, and the X509_STORE that reads it locks around its own lookups.
final class X509CRLBox: @unchecked Sendable {
    let pointer: OpaquePointer
    init(owning pointer: OpaquePointer) { self.pointer = pointer }
    deinit { X509_CRL_free(pointer) }
}

/// A certificate revocation list (RFC 5280 §5), loaded into a ``TrustStore`` to reject revoked certificates.
public struct CertificateRevocationList: Sendable, CustomStringConvertible {
    let crl: X509CRLBox

    init(owning pointer: OpaquePointer) { self.crl = X509CRLBox(owning: pointer) }

    /// Parses a PEM `X509 CRL`.
    public init(pem: String) throws(TrustError) {
        let parsed = OpenSSL.withReadBIO(Array(pem.utf8)) { PEM_read_bio_X509_CRL($0, nil, nil, nil) }
        guard let parsed else { throw OpenSSL.error(.malformedCertificate, "not a PEM CRL") }
        self.init(owning: parsed)
    }

    /// Parses a DER CRL.
    public init(derBytes: [UInt8]) throws(TrustError) {
        let parsed: OpaquePointer? = derBytes.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_X509_CRL(nil, &cursor, buffer.count)
        }
        guard let parsed else { throw OpenSSL.error(.malformedCertificate, "not a DER CRL") }
        self.init(owning: parsed)
    }

    /// Loads a PEM CRL file.
    public static func load(from url: URL) throws(TrustError) -> CertificateRevocationList {
        do {
            return try CertificateRevocationList(pem: String(decoding: try FileIO.read(url), as: UTF8.self))
        } catch {
            throw TrustError(error.code, "\(url.lastPathComponent): \(error.detail)")
        }
    }

    /// The PEM encoding.
    public var pemString: String {
        guard let pem = try? OpenSSL.writeBIO(.cryptoFailure, "PEM", { PEM_write_bio_X509_CRL($0, crl.pointer) })
        else { preconditionFailure("a parsed CRL is always encodable") }
        return String(decoding: pem, as: UTF8.self)
    }

    /// The issuer common name.
    public var issuerCommonName: String? { Certificate.entry(X509_CRL_get_issuer(crl.pointer), NID_commonName) }
    /// When this list was issued.
    public var thisUpdate: Date { ASN1Time.date(X509_CRL_get0_lastUpdate(crl.pointer)) }
    /// When the next list is due.
    public var nextUpdate: Date? {
        X509_CRL_get0_nextUpdate(crl.pointer).map { ASN1Time.date($0) }
    }

    /// `CertificateRevocationList(issuer CN=…)`.
    public var description: String { "CertificateRevocationList(issuer CN=\(issuerCommonName ?? "-"))" }
}
