import COpenSSL
public import Foundation

/// RFC 3161 time-stamp tokens over a SHA-256 digest, with OpenSSL's TS API: the request a time-stamping
/// authority (TSA) answers, the token out of its response, and the token's check against the TSA's anchors.
///
/// ```swift
/// let query = try TimestampToken.request(sha256: digest)      // POST as application/timestamp-query
/// let token = try TimestampToken.token(fromResponse: reply)   // application/timestamp-reply
/// let time = try TimestampToken.verify(token, sha256: digest, anchors: tsaRoots)
/// ```
public enum TimestampToken {
    /// A DER `TimeStampReq` for a SHA-256 `digest` that asks for the TSA's certificate in the token.
    /// - Throws: ``TrustError/Code/cryptoFailure`` if the digest is not 32 bytes or OpenSSL fails.
    public static func request(sha256 digest: [UInt8]) throws(TrustError) -> [UInt8] {
        guard digest.count == 32 else { throw TrustError(.cryptoFailure, "a time-stamp digest has 32 bytes") }
        guard let request = TS_REQ_new(), let imprint = TS_MSG_IMPRINT_new(), let algorithm = X509_ALGOR_new() else {
            throw OpenSSL.error(.cryptoFailure, "TS_REQ_new")
        }
        // The setters copy their argument: each object is freed here.
        defer {
            TS_REQ_free(request)
            TS_MSG_IMPRINT_free(imprint)
            X509_ALGOR_free(algorithm)
        }
        var bytes = digest
        guard X509_ALGOR_set0(algorithm, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nil) == 1,
            TS_MSG_IMPRINT_set_algo(imprint, algorithm) == 1,
            TS_MSG_IMPRINT_set_msg(imprint, &bytes, Int32(bytes.count)) == 1,
            TS_REQ_set_version(request, 1) == 1, TS_REQ_set_msg_imprint(request, imprint) == 1,
            TS_REQ_set_cert_req(request, 1) == 1
        else { throw OpenSSL.error(.cryptoFailure, "building the time-stamp request") }
        return try OpenSSL.der("time-stamp request") { i2d_TS_REQ(request, $0) }
    }

    /// The DER token (a CMS `SignedData`) out of a DER `TimeStampResp` whose status is granted.
    /// - Throws: ``TrustError/Code/malformedSignature`` if it is not a response or the TSA refused.
    public static func token(fromResponse response: [UInt8]) throws(TrustError) -> [UInt8] {
        let parsed = response.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor = buffer.baseAddress
            return d2i_TS_RESP(nil, &cursor, buffer.count)
        }
        guard let parsed else { throw OpenSSL.error(.malformedSignature, "not a time-stamp response") }
        defer { TS_RESP_free(parsed) }
        // PKIStatus 0 is granted, 1 granted with modifications; anything else carries no token.
        let status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(parsed)))
        guard status == 0 || status == 1, let token = TS_RESP_get_token(parsed) else {
            throw TrustError(.malformedSignature, "the time-stamping authority refused (status \(status))")
        }
        return try OpenSSL.der("time-stamp token") { i2d_PKCS7(token, $0) }
    }

    /// Checks a DER `token` over a SHA-256 `digest`: its signature, by a TSA certificate for time stamping that
    /// chains to `anchors`, and its message imprint. Returns the time the TSA vouches for.
    /// - Throws: ``TrustError/Code/malformedSignature`` if it is not a token; ``TrustError/Code/badSignature``
    ///   if it does not verify.
    public static func verify(_ token: [UInt8], sha256 digest: [UInt8], anchors: [Certificate]) throws(TrustError)
        -> Date
    {
        let parsed = token.withUnsafeBufferPointer { buffer -> UnsafeMutablePointer<PKCS7>? in
            var cursor = buffer.baseAddress
            return d2i_PKCS7(nil, &cursor, buffer.count)
        }
        guard let parsed else { throw OpenSSL.error(.malformedSignature, "not a time-stamp token") }
        defer { PKCS7_free(parsed) }
        guard digest.count == 32, let context = TS_VERIFY_CTX_new(), let store = X509_STORE_new(),
            let imprint = CRYPTO_malloc(32, nil, 0)?.assumingMemoryBound(to: UInt8.self)
        else { throw OpenSSL.error(.cryptoFailure, "TS_VERIFY_CTX_new") }
        // The context owns the store and the imprint from here on and frees them with itself.
        defer { TS_VERIFY_CTX_free(context) }
        imprint.initialize(from: digest, count: 32)
        _ = TS_VERIFY_CTX_set_imprint(context, imprint, 32)
        _ = TS_VERIFY_CTX_set_store(context, store)
        for anchor in anchors where X509_STORE_add_cert(store, anchor.x509.pointer) != 1 {
            throw OpenSSL.error(.malformedCertificate, "time-stamping anchor")
        }
        _ = TS_VERIFY_CTX_set_flags(context, Int32(TS_VFY_VERSION | TS_VFY_SIGNATURE | TS_VFY_IMPRINT))
        guard TS_RESP_verify_token(context, parsed) == 1 else {
            throw OpenSSL.error(.badSignature, "the time-stamp token does not verify")
        }
        guard let info = PKCS7_to_TS_TST_INFO(parsed) else {
            throw OpenSSL.error(.malformedSignature, "the time-stamp token has no TSTInfo")
        }
        defer { TS_TST_INFO_free(info) }
        return ASN1Time.date(TS_TST_INFO_get_time(info))
    }
}
