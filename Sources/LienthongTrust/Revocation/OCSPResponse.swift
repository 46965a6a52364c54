import CLienthongShims
import COpenSSL
public import Foundation

/// Reads and verifies a DER OCSP response (RFC 6960 §4.2) to an ``OCSPRequest`` with OpenSSL's OCSP API.
public enum OCSPResponse {
    /// The status the response gives for `request`'s certificate.
    ///
    /// The response must be `successful`, signed by the issuer or by a responder the issuer delegated to
    /// (`OCSP_basic_verify` against `trustStore`, with the issuer as an untrusted helper), answer for this
    /// certificate and be current at `time` within `clockSkew`.
    /// - Throws: ``TrustError/Code/revocationUnavailable`` for any response that cannot be relied on.
    public static func status(
        of der: [UInt8], for request: OCSPRequest, trustStore: TrustStore, at time: Date, clockSkew: TimeInterval = 300
    ) throws(TrustError) -> OCSPStatus {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_OCSP_RESPONSE(nil, &cursor, buffer.count)
        }
        guard let response = parsed else { throw OpenSSL.error(.revocationUnavailable, "not an OCSP response") }
        defer { OCSP_RESPONSE_free(response) }
        let responseStatus = OCSP_response_status(response)
        guard responseStatus == OCSP_RESPONSE_STATUS_SUCCESSFUL else {
            let text = String(cString: OCSP_response_status_str(Int(responseStatus)))
            throw TrustError(.revocationUnavailable, "OCSP responder answered \(text)")
        }
        guard let basic = OCSP_response_get1_basic(response) else {
            throw OpenSSL.error(.revocationUnavailable, "OCSP response without a basic response")
        }
        defer { OCSP_BASICRESP_free(basic) }
        try verifySignature(basic, issuer: request.issuer, trustStore: trustStore)
        var status: Int32 = -1
        var reason: Int32 = -1
        var revokedAt: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        var thisUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        var nextUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        guard OCSP_resp_find_status(
            basic, request.certificateID.pointer, &status, &reason, &revokedAt, &thisUpdate, &nextUpdate) == 1
        else { throw TrustError(.revocationUnavailable, "OCSP response does not answer for the certificate") }
        // OCSP_check_validity reads the clock itself; compare against `time` here so tests and callers agree.
        let from = ASN1Time.date(thisUpdate.map { UnsafePointer($0) })
        let until = nextUpdate.map { ASN1Time.date(UnsafePointer($0)) }
        if from > time.addingTimeInterval(clockSkew) {
            throw TrustError(.revocationUnavailable, "OCSP response is not yet valid")
        }
        if let until, until < time.addingTimeInterval(-clockSkew) {
            throw TrustError(.revocationUnavailable, "OCSP response expired")
        }
        let kind: OCSPStatus.Kind
        switch status {
        case V_OCSP_CERTSTATUS_GOOD: kind = .good
        case V_OCSP_CERTSTATUS_REVOKED: kind = .revoked(at: ASN1Time.date(revokedAt.map { UnsafePointer($0) }))
        default: kind = .unknown
        }
        return OCSPStatus(kind: kind, thisUpdate: from, nextUpdate: until)
    }

    /// `OCSP_basic_verify`: the signer chains to an anchor and is the issuer or a responder it authorised.
    private static func verifySignature(
        _ basic: OpaquePointer, issuer: Certificate, trustStore: TrustStore
    ) throws(TrustError) {
        guard let helpers = lt_sk_X509_new_null() else { throw OpenSSL.error(.cryptoFailure, "certificate stack") }
        defer { lt_sk_X509_pop_free(helpers) }
        guard lt_sk_X509_push_up_ref(helpers, issuer.x509.pointer) == 1 else {
            throw OpenSSL.error(.cryptoFailure, "certificate stack")
        }
        guard OCSP_basic_verify(basic, helpers, trustStore.store.pointer, 0) == 1 else {
            throw OpenSSL.error(.revocationUnavailable, "OCSP response signature does not verify")
        }
        ERR_clear_error()
    }
}
