public import LienthongCore

extension TrustError: ProblemConvertible {
    /// The problem this error becomes at the API: 400 for malformed input, 500 for local key, file or OpenSSL
    /// failures (with no detail, as they describe the node, not the caller), 403 for every failed trust check.
    public var problem: Problem {
        switch code {
        case .malformedJWS, .malformedEnvelope, .malformedBase64, .malformedCertificate, .malformedKey:
            return Problem(
                status: 400, code: code.wireCode, title: "Malformed signature or certificate", detail: detail)
        case .fileAccess, .cryptoFailure, .keyMismatch:
            return Problem(status: 500, code: "internal-error", title: "Internal error", detail: "")
        default:
            return Problem(status: 403, code: code.wireCode, title: "Signature not trusted", detail: detail)
        }
    }
}
