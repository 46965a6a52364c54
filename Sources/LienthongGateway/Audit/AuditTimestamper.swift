import Foundation
import LienthongAudit
import LienthongHTTP
import LienthongTrust

/// Gets an RFC 3161 time stamp for each audit checkpoint from the configured time-stamping authority
/// (`node.json` `audit.timestampAuthority`) and stores it beside the checkpoint, off the commit path: a stamp that
/// fails is logged and the checkpoint stays unstamped (`audit verify --tsa-anchor` counts the stamps).
struct AuditTimestamper: Sendable {
    /// The TSA's URL (RFC 3161 over HTTP: POST `application/timestamp-query`).
    let url: String
    let client: HTTPClient
    /// The audit database the stamps are stored in.
    let logPath: String

    /// Stamps `checkpoint` and stores the token.
    /// - Throws: ``TrustError`` for a refused or malformed reply, ``HTTPClientError``, ``AuditError``.
    func stamp(_ checkpoint: AuditCheckpoint) async throws {
        let query = try TimestampToken.request(sha256: checkpoint.timestampDigest)
        let response = try await client.send(
            HTTPClientRequest(
                url: url, method: .post, headers: ["Content-Type": "application/timestamp-query"], body: query))
        guard response.status == 200 else {
            throw TrustError(.malformedSignature, "the time-stamping authority answered \(response.status)")
        }
        try AuditLog.storeTimestamp(
            path: logPath, seq: checkpoint.seq, token: try TimestampToken.token(fromResponse: response.body))
    }

    /// The log's checkpoint hook: each checkpoint is stamped in a task of its own, so the writer never waits.
    var afterCheckpoint: @Sendable (AuditCheckpoint) -> Void {
        { checkpoint in
            Task {
                do {
                    try await stamp(checkpoint)
                } catch {
                    Console.warn("lienthong: no time stamp for audit checkpoint \(checkpoint.seq): \(error)")
                }
            }
        }
    }
}
