public import LienthongCore

extension TrustError: ProblemConvertible {
    /// The problem this error becomes at the API: 400 for malformed input, 500 for local key, file, replay store or
    /// OpenSSL failures (with no detail, as they describe the node, not the caller), 401 for every failed trust
    /// check (a signed request whose signature does not authenticate its consumer: bad signature, untrusted,
    /// expired or revoked certificate, wrong member); 409 `replay-detected` for a replayed request, 400
    /// `stale-request` for an `iat` outside the replay window and 413 for an envelope over the size limit.
    public var problem: Problem {
        switch code {
        case .malformedJWS, .malformedEnvelope, .malformedBase64, .malformedCertificate, .malformedKey,
            .duplicateKey, .chainOrder, .malformedSignature, .unknownMember, .unknownSignatureMember,
            .duplicateSignature, .tooManySignatures:
            return Problem(
                status: 400, code: code.wireCode, title: "Malformed signature or certificate", detail: detail)
        case .replayDetected:
            return Problem(status: 409, code: "replay-detected", title: "Request replayed", detail: detail)
        case .staleRequest:
            return Problem(
                status: 400, code: "stale-request", title: "Request outside the replay window", detail: detail)
        case .envelopeTooLarge:
            return Problem(status: 413, code: code.wireCode, title: "Envelope too large", detail: detail)
        case .fileAccess, .cryptoFailure, .keyMismatch, .replayStore:
            return Problem(status: 500, code: "internal-error", title: "Internal error", detail: "")
        default:
            return Problem(status: 401, code: code.wireCode, title: "Signature not trusted", detail: detail)
        }
    }
}
