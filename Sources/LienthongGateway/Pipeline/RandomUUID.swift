import LienthongTrust

/// New request and message ids: random (version 4) UUIDs in lowercase text, e.g.
/// `0f8e1c2a-3b4d-4e5f-8a6b-7c8d9e0f1a2b`.
enum RandomUUID {
    private static let digits = Array("0123456789abcdef".utf8)

    /// A fresh id from OpenSSL's DRBG (Foundation's `UUID()` opens and reads `/dev/urandom` for each one).
    static func lowercased() -> String {
        var bytes = SecureRandom.bytes(16)
        bytes[6] = bytes[6] & 0x0f | 0x40  // version 4
        bytes[8] = bytes[8] & 0x3f | 0x80  // the RFC 9562 variant
        // Written as bytes: appending the hex text's Characters one by one cost a grapheme walk per digit, and
        // every lookup makes two ids.
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (offset, byte) in bytes.enumerated() {
            if offset == 4 || offset == 6 || offset == 8 || offset == 10 { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
