import LienthongTrust
import Synchronization

/// New request and message ids: random (version 4) UUIDs in lowercase text, e.g.
/// `0f8e1c2a-3b4d-4e5f-8a6b-7c8d9e0f1a2b`.
enum RandomUUID {
    private static let digits = Array("0123456789abcdef".utf8)
    /// Bytes from OpenSSL's DRBG, drawn 4 KiB at a time: each draw has a fixed cost (a fork check, the generator's
    /// setup) well above the 16 bytes an id takes, and every lookup makes two ids.
    private static let pool = Mutex(RandomBytes())

    /// A fresh id from OpenSSL's DRBG (Foundation's `UUID()` opens and reads `/dev/urandom` for each one).
    static func lowercased() -> String {
        var bytes = pool.withLock { $0.take16() }
        return withUnsafeMutableBytes(of: &bytes) { bytes in
            bytes[6] = bytes[6] & 0x0f | 0x40  // version 4
            bytes[8] = bytes[8] & 0x3f | 0x80  // the RFC 9562 variant
            // Written as bytes: appending the hex text's Characters one by one cost a grapheme walk per digit.
            return String(unsafeUninitializedCapacity: 36) { text in
                var position = 0
                for (offset, byte) in bytes.enumerated() {
                    if offset == 4 || offset == 6 || offset == 8 || offset == 10 {
                        text[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    text[position] = digits[Int(byte >> 4)]
                    text[position + 1] = digits[Int(byte & 0x0f)]
                    position += 2
                }
                return position
            }
        }
    }

    /// The undrawn part of the last 4 KiB drawn; each byte is handed out once.
    private struct RandomBytes {
        var buffer: [UInt8] = []
        var next = 0

        mutating func take16() -> (UInt64, UInt64) {
            if next + 16 > buffer.count {
                buffer = SecureRandom.bytes(4096)
                next = 0
            }
            defer { next += 16 }
            return buffer.withUnsafeBytes { raw in
                (raw.loadUnaligned(fromByteOffset: next, as: UInt64.self),
                 raw.loadUnaligned(fromByteOffset: next + 8, as: UInt64.self))
            }
        }
    }
}
