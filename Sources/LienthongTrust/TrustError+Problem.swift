public import LienthongCore

extension TrustError: ProblemConvertible {
    /// The problem this error becomes at the API: 400 for malformed input, 500 for local key, file or OpenSSL
    /// failures (with no detail, as they describe the node, not the caller), 503 `replay-store-unavailable` when the
    /// replay window cannot be reached, 401 for every failed trust
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
        case .replayStore:
            // A replay window that cannot be reached (PostgreSQL stopped, the SQLite file unwritable) is the node's
            // store being away, as `audit-unavailable` is for the audit log: nothing was released, the request may
            // be sent again with the same id once the store is back (nothing was remembered), so 503, not 500. A
            // code of its own tells the operator which store is away; the detail names no id.
            return Problem(
                status: 503, code: "replay-store-unavailable", title: "Replay window unavailable",
                detail: "The request id could not be checked against the replay window, so no data was released.")
        case .fileAccess, .cryptoFailure, .keyMismatch:
            return Problem(status: 500, code: "internal-error", title: "Internal error", detail: "")
        default:
            return Problem(status: 401, code: code.wireCode, title: "Signature not trusted", detail: detail)
        }
    }
}
