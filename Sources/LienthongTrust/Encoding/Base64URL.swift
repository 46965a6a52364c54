/// Base64url without padding (RFC 7515 §2, RFC 4648 §5), as used for JWS header, payload and signature parts.
///
/// ```swift
/// let text = Base64URL.encode([0xfb, 0xff])         // "-_8"
/// let bytes = try Base64URL.decode("-_8")           // [0xfb, 0xff]
/// ```
public enum Base64URL {
    /// For each byte, its standard base64 character, or 0 outside the URL-safe alphabet.
    private static let standard: [UInt8] = (0...255).map { byte -> UInt8 in
        switch UInt8(byte) {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            UInt8(byte)
        case UInt8(ascii: "-"): UInt8(ascii: "+")
        case UInt8(ascii: "_"): UInt8(ascii: "/")
        default: 0
        }
    }

    /// Encodes `bytes` with the URL-safe alphabet and no padding.
    public static func encode(_ bytes: [UInt8]) -> String {
        var text = Base64.encodedBytes(bytes)
        while text.last == UInt8(ascii: "=") { text.removeLast() }
        for index in text.indices {
            switch text[index] {
            case UInt8(ascii: "+"): text[index] = UInt8(ascii: "-")
            case UInt8(ascii: "/"): text[index] = UInt8(ascii: "_")
            default: break
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Decodes unpadded base64url.
    /// - Throws: ``TrustError/Code/malformedBase64`` for padding, characters outside the URL-safe alphabet,
    ///   a truncated final group (length ≡ 1 mod 4) or non-zero pad bits.
    public static func decode(_ text: String) throws(TrustError) -> [UInt8] {
        // Mapped in place to the standard alphabet through a table: a header of a few kilobytes is decoded per
        // signature checked, and matching each byte against character ranges was half of reading the header.
        var input = Array(text.utf8)
        let invalid = input.withUnsafeMutableBufferPointer { buffer in
            Self.standard.withUnsafeBufferPointer { table -> Int? in
                for index in buffer.indices {
                    let mapped = table[Int(buffer[index])]
                    if mapped == 0 { return index }
                    buffer[index] = mapped
                }
                return nil
            }
        }
        if let invalid { throw TrustError(.malformedBase64, "invalid base64url character at offset \(invalid)") }
        let remainder = input.count % 4
        guard remainder != 1 else { throw TrustError(.malformedBase64, "truncated base64url input") }
        let padding = remainder == 0 ? 0 : 4 - remainder
        input.append(contentsOf: repeatElement(UInt8(ascii: "="), count: padding))
        return try Base64.decodeValidated(input, padding: padding)
    }
}
