import CLienthongShims
import COpenSSL
public import Foundation

/// Checks that a certificate chain leads to a trust anchor and that its leaf may sign for a member.
///
/// Path validation is OpenSSL's `X509_verify_cert` at a fixed verification time; then the leaf must allow
/// `digitalSignature` and its subject `CN` must equal the expected member. A validated chain is kept in the
/// store's ``ChainCache`` and not validated again while its validity periods cover the verification time.
///
/// ```swift
/// let verifier = CertificateVerifier(trustStore: try TrustStore(anchors: [root]))
/// let verified = try verifier.verify(chain: x5c, expectedMember: "VN/GOV/BCA/DANCU", at: .now)
/// ```
public struct CertificateVerifier: Sendable {
    /// Which certificates must be covered by a CRL.
    public enum RevocationCheck: Sendable, Hashable {
        /// No CRL checks.
        case none
        /// The leaf must be covered by a current CRL from its issuer (`X509_V_FLAG_CRL_CHECK`).
        case leaf
        /// Every certificate below the anchor must be covered (`X509_V_FLAG_CRL_CHECK_ALL`).
        case fullChain
    }

    /// The anchors and CRLs.
    public var trustStore: TrustStore
    /// How far validity may be off: a certificate that expired or starts within this interval is accepted.
    public var clockSkew: TimeInterval
    /// Revocation checking; by default ``RevocationCheck/leaf`` when the store has CRLs, else ``RevocationCheck/none``.
    public var revocationCheck: RevocationCheck

    /// A verifier over `trustStore`.
    public init(trustStore: TrustStore, clockSkew: TimeInterval = 300, revocationCheck: RevocationCheck? = nil) {
        self.trustStore = trustStore
        self.clockSkew = clockSkew
        self.revocationCheck = revocationCheck ?? (trustStore.revocationLists.isEmpty ? .none : .leaf)
    }

    /// Verifies `chain` (leaf first, then untrusted intermediates, as in a JWS `x5c`) at `time`.
    /// - Parameters:
    ///   - expectedMember: the member id the leaf's `CN` must equal, or `nil` to accept any member.
    ///   - requireDigitalSignature: whether the leaf's key usage must allow `digitalSignature`.
    /// - Throws: a ``TrustError`` whose code says what failed: expired, not yet valid, revoked, untrusted,
    ///   missing intermediate, revocation unavailable, key usage, wrong member.
    public func verify(
        chain: [Certificate], expectedMember: String?, at time: Date, requireDigitalSignature: Bool = true
    ) throws(TrustError) -> VerifiedChain {
        guard !chain.isEmpty else { throw TrustError(.untrustedCertificate, "empty certificate chain") }
        let key = ChainCache.Key(der: chain.map(\.derBytes), revocation: revocationCheck)
        let entry: ChainCache.Entry
        if let cached = trustStore.chains.entry(for: key, at: time) {
            entry = cached
        } else {
            entry = try validate(chain, key: key, at: time)
        }
        return try accept(entry, expectedMember: expectedMember, requireDigitalSignature: requireDigitalSignature)
    }

    /// ``verify(chain:expectedMember:at:requireDigitalSignature:)`` for a chain as DER (a TLS peer's, leaf first): a
    /// chain already in the store's ``ChainCache`` is not even parsed, since parsing a certificate costs more than the
    /// rest of the check (OpenSSL 3 looks up its key decoder every time).
    /// - Throws: ``TrustError/Code/untrustedCertificate`` for an empty chain, what ``Certificate/init(derBytes:)``
    ///   throws for one not yet cached, then what ``verify(chain:expectedMember:at:requireDigitalSignature:)`` throws.
    public func verify(
        chainDER: [[UInt8]], expectedMember: String?, at time: Date, requireDigitalSignature: Bool = true
    ) throws(TrustError) -> VerifiedChain {
        guard !chainDER.isEmpty else { throw TrustError(.untrustedCertificate, "empty certificate chain") }
        let key = ChainCache.Key(der: chainDER, revocation: revocationCheck)
        let entry: ChainCache.Entry
        if let cached = trustStore.chains.entry(for: key, at: time) {
            entry = cached
        } else {
            var chain: [Certificate] = []
            for der in chainDER { chain.append(try Certificate(derBytes: der)) }
            entry = try validate(chain, key: key, at: time)
        }
        return try accept(entry, expectedMember: expectedMember, requireDigitalSignature: requireDigitalSignature)
    }

    /// Runs `X509_verify_cert` at `time`; returns the built chain or the mapped error.
    /// - Parameters:
    ///   - checkTime: `false` skips every validity-period check (for ``EnvelopeInspector``'s separate lines).
    ///   - revocation: the CRL checking to apply; by default ``revocationCheck``.
    func validatePath(
        _ chain: [Certificate], at time: Date, checkTime: Bool = true, revocation: RevocationCheck? = nil
    ) throws(TrustError) -> [Certificate] {
        guard let context = X509_STORE_CTX_new(), let untrusted = lt_sk_X509_new_null() else {
            throw OpenSSL.error(.cryptoFailure, "X509_STORE_CTX_new")
        }
        defer {
            X509_STORE_CTX_free(context)
            lt_sk_X509_pop_free(untrusted)
        }
        for certificate in chain.dropFirst() {
            guard lt_sk_X509_push_up_ref(untrusted, certificate.x509.pointer) == 1 else {
                throw OpenSSL.error(.cryptoFailure, "certificate stack")
            }
        }
        guard X509_STORE_CTX_init(context, trustStore.store.pointer, chain[0].x509.pointer, untrusted) == 1 else {
            throw OpenSSL.error(.cryptoFailure, "X509_STORE_CTX_init")
        }
        let parameters = X509_STORE_CTX_get0_param(context)
        // A set time (X509_V_FLAG_USE_CHECK_TIME) wins over X509_V_FLAG_NO_CHECK_TIME, so set one or the other.
        if checkTime {
            X509_VERIFY_PARAM_set_time(parameters, ASN1Time.seconds(time))
        } else {
            X509_VERIFY_PARAM_set_flags(parameters, UInt(X509_V_FLAG_NO_CHECK_TIME))
        }
        switch revocation ?? revocationCheck {
        case .none: break
        case .leaf: X509_VERIFY_PARAM_set_flags(parameters, UInt(X509_V_FLAG_CRL_CHECK))
        case .fullChain:
            X509_VERIFY_PARAM_set_flags(parameters, UInt(X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL))
        }
        let result = X509_verify_cert(context)
        defer { ERR_clear_error() }
        guard result == 1 else { throw Self.mapError(context) }
        var built: [Certificate] = []
        if let stack = X509_STORE_CTX_get0_chain(context) {
            for index in 0..<lt_sk_X509_num(stack) {
                guard let certificate = lt_sk_X509_value(stack, index), X509_up_ref(certificate) == 1 else { continue }
                built.append(try Certificate(owning: certificate))
            }
        }
        return built
    }

    /// Turns the verification error of `context` into a ``TrustError`` naming the failing certificate.
    private static func mapError(_ context: OpaquePointer) -> TrustError {
        let error = X509_STORE_CTX_get_error(context)
        let depth = X509_STORE_CTX_get_error_depth(context)
        let current = X509_STORE_CTX_get_current_cert(context)
        let subject = Certificate.entry(current.flatMap { X509_get_subject_name($0) }, NID_commonName) ?? "-"
        let reason = String(cString: X509_verify_cert_error_string(Int(error)))
        let detail = "certificate \(subject) at depth \(depth): \(reason)"
        let code: TrustError.Code
        switch error {
        case X509_V_ERR_CERT_HAS_EXPIRED: code = .expiredCertificate
        case X509_V_ERR_CERT_NOT_YET_VALID: code = .notYetValidCertificate
        case X509_V_ERR_CERT_REVOKED: code = .revokedCertificate
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
            // At depth 0 the leaf's own issuer is unknown: the x5c chain lacks the intermediate (or names a CA
            // that is not ours at all: the two are indistinguishable). Further up, a CA chain was sent that ends
            // at an anchor we do not trust.
            code = depth == 0 ? .missingIntermediate : .untrustedCertificate
        case X509_V_ERR_UNABLE_TO_GET_CRL, X509_V_ERR_CRL_HAS_EXPIRED, X509_V_ERR_CRL_NOT_YET_VALID,
            X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER, X509_V_ERR_CRL_SIGNATURE_FAILURE,
            X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE, X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD,
            X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
            code = .revocationUnavailable
        case X509_V_ERR_KEYUSAGE_NO_CERTSIGN, X509_V_ERR_INVALID_PURPOSE, X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
            code = .keyUsage
        default:
            code = .untrustedCertificate
        }
        return TrustError(code, detail)
    }
}
