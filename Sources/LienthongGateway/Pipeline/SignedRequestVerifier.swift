import Foundation
import LienthongCore
import LienthongNodeStore
import LienthongTrust

/// Admits a ``SignedRequest`` for the authenticated consumer: it must be the consumer's own request, signed by the
/// consumer's certificate (countersignatures by forwarding hops verified too), and new within the replay window.
struct SignedRequestVerifier: Sendable {
    /// The node's trust anchors (and CRLs).
    let trust: CertificateVerifier
    /// The persisted replay window, shared with unsigned lookups' request ids.
    let replay: any ReplayAdmitter
    let now: @Sendable () -> Date

    /// Checks `request` for `consumer`, in order: message `consumer` is the caller (else 403 `consumer-mismatch`),
    /// every signature verifies with the origin naming the consumer (else the ``TrustError`` code, 401 or 400),
    /// `issuedAt` and each signature's `iat` lie within the window (else 400 `stale-request`), and neither the
    /// request id nor any signature (in its canonical form) was seen within it (else 409 `replay-detected`).
    /// - Returns: `nil` if admitted (its ids are then remembered), else the problem.
    func admit(_ request: SignedRequest, consumer: Consumer) async -> Problem? {
        guard request.consumer.hasSameCodePoints(as: consumer.id.description) else { return GatewayProblems.consumerMismatch }
        let time = now()
        do throws(TrustError) {
            let verified = try EnvelopeVerifier.verify(request.envelope, trust: trust, at: time)
            // The request id shares the per-consumer space of `Lienthong-Request-Id`; a signature is remembered in its
            // canonical form, since an ECDSA value and its malleated twin are the same signature.
            var ids: [(id: String, issuedAt: Date?)] = [("\(consumer.id)|\(request.replayID)", request.issuedAt)]
            for signature in verified.signatures {
                ids.append(("jws|\(signature.canonicalValue)", signature.issuedAt))
            }
            try await replay.admit(ids, now: time)
            return nil
        } catch {
            return error.problem
        }
    }
}
