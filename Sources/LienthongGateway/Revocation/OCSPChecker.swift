import Foundation
import LienthongHTTP
import LienthongTrust

/// Asks a certificate's OCSP responder (RFC 6960 over HTTP POST) through the node's ``HTTPClient`` and keeps the
/// verified answer in an ``OCSPResponseCache`` until its `nextUpdate`.
struct OCSPChecker: Sendable {
    let cache: OCSPResponseCache
    let client: HTTPClient
    /// The anchors the responder's signature must chain to.
    let trustStore: TrustStore
    /// The configured responder, which wins over the certificate's own.
    let responder: String?
    let timeout: Duration
    /// How long an answer without `nextUpdate` is kept.
    let cacheSeconds: TimeInterval

    /// The status of `certificate` at `now`, from the cache or the responder.
    /// - Throws: ``TrustError/Code/revocationUnavailable`` when there is no responder, it cannot be reached or its
    ///   answer cannot be relied on.
    func status(of certificate: Certificate, issuer: Certificate, at now: Date) async throws(TrustError) -> OCSPStatus {
        let request = try OCSPRequest(certificate: certificate, issuer: issuer)
        if let cached = cache.status(for: request.cacheKey, at: now) { return cached }
        guard let url = responder ?? certificate.ocspResponderURL else {
            throw TrustError(.revocationUnavailable, "no OCSP responder for the certificate")
        }
        let response: HTTPClientResponse
        do {
            response = try await client.send(
                HTTPClientRequest(
                    url: url, method: .post, headers: ["Content-Type": "application/ocsp-request"],
                    body: request.derBytes, connectTimeout: timeout, totalTimeout: timeout,
                    maxResponseBytes: 64 * 1024
                ))
        } catch {
            throw TrustError(.revocationUnavailable, "OCSP responder \(url): \(error.code)")
        }
        guard response.status == 200 else {
            throw TrustError(.revocationUnavailable, "OCSP responder \(url) answered HTTP \(response.status)")
        }
        let status = try OCSPResponse.status(of: response.body, for: request, trustStore: trustStore, at: now)
        cache.store(
            status, for: request.cacheKey, until: status.nextUpdate ?? now.addingTimeInterval(cacheSeconds), now: now)
        return status
    }
}
