/// Allocation-free access to a string's UTF-8 bytes for the format checks and the matcher.
enum UTF8Bytes {
    /// Runs `body` on the UTF-8 bytes of `string`: in place for native strings (no copy, no
    /// allocation); a bridged or foreign string is made contiguous first.
    @inline(__always)
    static func with<R>(_ string: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = string.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = string
        return copy.withUTF8(body)
    }

    /// Whether every byte of `bytes[range]` is an ASCII digit (and the range is not empty).
    @inline(__always)
    static func allDigits(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard !range.isEmpty, range.upperBound <= bytes.count else { return false }
        for i in range where bytes[i] < 0x30 || bytes[i] > 0x39 { return false }
        return true
    }

    /// The decimal value of `bytes[range]`, or `nil` if empty or not all digits.
    @inline(__always)
    static func digits(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard allDigits(bytes, range) else { return nil }
        var value = 0
        for i in range { value = value * 10 + Int(bytes[i] - 0x30) }
        return value
    }

    /// The number of Unicode scalars (code points) in `string`: its UTF-8 bytes that are not
    /// continuation bytes.
    @inline(__always)
    static func scalarCount(_ string: String) -> Int {
        with(string) { bytes in
            var count = 0
            for byte in bytes where byte & 0xC0 != 0x80 { count += 1 }
            return count
        }
    }
}
