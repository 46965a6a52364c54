import LienthongJSON
import LienthongTrust

/// The entity tag of a published global configuration: its SHA-256, hex, quoted. The authority sends it as `ETag`;
/// a node sends the tag of the document it holds as `If-None-Match` and gets 304, not the document, until the
/// authority publishes another one.
struct GlobalConfigurationTag: Sendable, Equatable {
    /// The SHA-256 of the document's bytes.
    let digest: [UInt8]

    /// The tag of the document `bytes`.
    init(of bytes: [UInt8]) {
        digest = Digest.sha256(bytes)
    }

    /// The tag of a document whose SHA-256 is `digest`.
    init(digest: [UInt8]) {
        self.digest = digest
    }

    /// The `ETag` / `If-None-Match` value.
    var header: String { "\"" + Hex.encode(digest) + "\"" }

    /// Whether an `If-None-Match` value (`*`, or a list of tags) names this tag; a weak tag (`W/"…"`) compares by its
    /// value, as RFC 9110 §13.1.2 has it.
    func isNamed(by ifNoneMatch: String) -> Bool {
        let value = header
        for item in ifNoneMatch.split(separator: ",") {
            var tag = item.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            if tag.hasSameCodePoints(as: value) { return true }
        }
        return false
    }
}
