import COpenSSL

/// Owns one `OCSP_CERTID`. `@unchecked Sendable` because the id is never mutated after it is made.
final class OCSPCertificateIDBox: @unchecked Sendable {
    let pointer: OpaquePointer
    init(owning pointer: OpaquePointer) { self.pointer = pointer }
    deinit { OCSP_CERTID_free(pointer) }
}

/// An OCSP request (RFC 6960 §4.1) for one certificate, built with OpenSSL's OCSP API.
///
/// It carries no nonce: responses are cached until their `nextUpdate` and shared between lookups (the RFC 5019
/// profile), so a nonce would prove nothing and defeat responders that pre-sign their answers.
public struct OCSPRequest: Sendable {
    /// The DER request, the body of an `application/ocsp-request` POST.
    public let derBytes: [UInt8]
    /// The certificate the request asks about.
    public let certificate: Certificate
    /// Its issuer, which signs (or delegates the signing of) the answer.
    public let issuer: Certificate
    let certificateID: OCSPCertificateIDBox

    /// A request for the status of `certificate`, issued by `issuer` (SHA-1 certificate id, as RFC 5019 asks).
    public init(certificate: Certificate, issuer: Certificate) throws(TrustError) {
        guard let id = OCSP_cert_to_id(nil, certificate.x509.pointer, issuer.x509.pointer) else {
            throw OpenSSL.error(.cryptoFailure, "OCSP certificate id")
        }
        let box = OCSPCertificateIDBox(owning: id)
        guard let request = OCSP_REQUEST_new() else { throw OpenSSL.error(.cryptoFailure, "OCSP_REQUEST_new") }
        defer { OCSP_REQUEST_free(request) }
        // OCSP_request_add0_id takes the id it is given: add a copy, keep ours for reading the answer.
        guard let copy = OCSP_CERTID_dup(id), OCSP_request_add0_id(request, copy) != nil else {
            throw OpenSSL.error(.cryptoFailure, "OCSP request")
        }
        self.derBytes = try OpenSSL.der("OCSP request") { i2d_OCSP_REQUEST(request, $0) }
        self.certificate = certificate
        self.issuer = issuer
        self.certificateID = box
    }

    /// Identifies the certificate across requests: its issuer's thumbprint and its serial number.
    public var cacheKey: String { "\(issuer.sha256Thumbprint)/\(certificate.serialNumberHex)" }
}
