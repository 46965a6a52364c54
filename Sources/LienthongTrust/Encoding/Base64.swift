import COpenSSL

/// Standard base64 (RFC 4648 §4, with padding) through OpenSSL, as used by the JWS `x5c` header.
///
/// Decoding is strict: no whitespace, no line breaks, correct padding, no non-zero pad bits.
public enum Base64 {
    /// Encodes `bytes` with padding.
    public static func encode(_ bytes: [UInt8]) -> String {
        String(decoding: encodedBytes(bytes), as: UTF8.self)
    }

    /// The padded base64 text of `bytes`, as ASCII bytes.
    static func encodedBytes(_ bytes: [UInt8]) -> [UInt8] {
        if bytes.isEmpty { return [] }
        var out = [UInt8](repeating: 0, count: 4 * ((bytes.count + 2) / 3) + 1)
        let length = out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { i in EVP_EncodeBlock(o.baseAddress, i.baseAddress, Int32(i.count)) }
        }
        out.removeSubrange(Int(length)...)
        return out
    }

    /// Decodes padded standard base64.
    /// - Throws: ``TrustError/Code/malformedBase64`` for characters outside the alphabet, a length that is not a
    ///   multiple of four, misplaced padding or non-zero pad bits.
    public static func decode(_ text: String) throws(TrustError) -> [UInt8] {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { throw TrustError(.malformedBase64, "length is not a multiple of 4") }
        var padding = 0
        for (index, byte) in input.enumerated() {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                guard padding == 0 else { throw TrustError(.malformedBase64, "data after padding") }
            case UInt8(ascii: "="):
                padding += 1
                guard padding <= 2, index >= input.count - 2 else {
                    throw TrustError(.malformedBase64, "misplaced padding")
                }
            default:
                throw TrustError(.malformedBase64, "invalid character at offset \(index)")
            }
        }
        return try decodeValidated(input, padding: padding)
    }

    /// Decodes input already checked to be padded base64 with `padding` trailing `=`.
    static func decodeValidated(_ input: [UInt8], padding: Int) throws(TrustError) -> [UInt8] {
        if input.isEmpty { return [] }
        var out = [UInt8](repeating: 0, count: input.count / 4 * 3)
        let length = out.withUnsafeMutableBufferPointer { o in
            input.withUnsafeBufferPointer { i in EVP_DecodeBlock(o.baseAddress, i.baseAddress, Int32(i.count)) }
        }
        // EVP_DecodeBlock counts the bytes that padding stands for; drop them.
        guard length == out.count else { throw TrustError(.malformedBase64, "undecodable input") }
        out.removeLast(padding)
        // Reject non-zero pad bits: only the canonical encoding of these bytes is accepted. The character before
        // the padding carries 2 (one `=`) or 4 (two) bits beyond the data, which must be zero.
        if padding > 0, sextet(input[input.count - padding - 1]) & (padding == 1 ? 0b11 : 0b1111) != 0 {
            throw TrustError(.malformedBase64, "non-canonical encoding")
        }
        return out
    }

    /// The 6-bit value of a character of the standard alphabet (already checked to be one).
    private static func sextet(_ character: UInt8) -> UInt8 {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        default: 63
        }
    }
}
