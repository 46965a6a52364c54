public import Foundation
import LienthongJSON

extension ReplayWindow {
    /// Refuses the ids of one request unless this window would admit them all: none seen already, none twice in the
    /// batch, every `iat` inside the window. Remembers nothing; the store admits them after.
    /// - Throws: ``TrustError/Code/replayDetected`` or ``TrustError/Code/staleRequest``, naming the first id refused.
    public func refuseUnlessAdmissible(_ entries: [(id: String, issuedAt: Date?)], at now: Date) throws(TrustError) {
        var seen: Set<JSONKey> = []
        for (id, issuedAt) in entries {
            switch decision(for: id, issuedAt: issuedAt, at: now) {
            case .fresh where seen.insert(JSONKey(id)).inserted:
                break
            case .fresh, .replay:
                throw TrustError(.replayDetected, "id \(id.prefix(64)) was already seen")
            case .tooOld:
                throw TrustError(.staleRequest, "iat of \(id.prefix(64)) is older than the replay window")
            case .tooNew:
                throw TrustError(.staleRequest, "iat of \(id.prefix(64)) is in the future")
            }
        }
    }
}
