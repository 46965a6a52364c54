import Foundation
import LienthongJSON
import Synchronization

/// The last protected header a ``JWSSigningIdentity`` made, by its `iat` second.
///
/// A node signs thousands of messages a second with one identity, and their headers differ only by `iat` (whole
/// seconds); building the header's JSON and base64url-encoding it, its `x5c` chain most of it, cost about as much as
/// the rest of the envelope around the signature.
final class ProtectedHeaderCache: Sendable {
    private let last = Mutex<(second: Int, protected: String)?>(nil)

    /// The base64url protected header of a signature made at `issuedAt`, made with `make` unless the last one made
    /// was for the same second.
    func header(issuedAt: Date, make: (Date) -> String) -> String {
        let second = Int(issuedAt.timeIntervalSince1970.rounded(.down))
        if let cached = last.withLock({ $0 }), cached.second == second { return cached.protected }
        let protected = make(issuedAt)
        last.withLock { $0 = (second, protected) }
        return protected
    }
}
