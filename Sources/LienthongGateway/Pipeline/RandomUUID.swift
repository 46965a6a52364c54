import LienthongTrust

/// New request and message ids: random (version 4) UUIDs in lowercase text, e.g.
/// `0f8e1c2a-3b4d-4e5f-8a6b-7c8d9e0f1a2b`.
enum RandomUUID {
    /// A fresh id from OpenSSL's DRBG (Foundation's `UUID()` opens and reads `/dev/urandom` for each one).
    static func lowercased() -> String {
        var bytes = SecureRandom.bytes(16)
        bytes[6] = bytes[6] & 0x0f | 0x40  // version 4
        bytes[8] = bytes[8] & 0x3f | 0x80  // the RFC 9562 variant
        var text = ""
        text.reserveCapacity(36)
        for (offset, digit) in Hex.encode(bytes).enumerated() {
            if offset == 8 || offset == 12 || offset == 16 || offset == 20 { text.append("-") }
            text.append(digit)
        }
        return text
    }
}
