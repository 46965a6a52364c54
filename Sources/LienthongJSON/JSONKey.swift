import Foundation

/// A string that compares and hashes by its Unicode code points (its UTF-8 bytes), as JSON compares member
/// names and strings (RFC 8259 §8.3, RFC 8785, JSON Schema equality).
///
/// Swift's `String ==` compares canonical equivalence: NFC "é" (U+00E9) and NFD "e" U+0301 are equal
/// `String`s, but two different `JSONKey`s. ``JSONObject`` stores its members under `JSONKey`s, and
/// ``Swift/String/hasSameCodePoints(as:)`` compares two strings the same way, e.g. a signed id with an expected one.
public struct JSONKey: Hashable, Comparable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The name as given: never normalised.
    public let string: String

    /// A key for `string`, exactly as it is.
    @inlinable
    public init(_ string: String) {
        self.string = string
    }

    /// A key for a literal name.
    public init(stringLiteral value: String) {
        self.string = value
    }

    /// The name.
    public var description: String { string }

    /// Whether both keys have the same code points.
    @inlinable
    public static func == (lhs: JSONKey, rhs: JSONKey) -> Bool {
        lhs.string.hasSameCodePoints(as: rhs.string)
    }

    /// Hashes the UTF-8 bytes, consistent with ``==(_:_:)``.
    @inlinable
    public func hash(into hasher: inout Hasher) {
        let hashed: Void? = string.utf8.withContiguousStorageIfAvailable { bytes in
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        }
        if hashed == nil {
            var copy = string
            copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
        // A terminator, so that keys hashed one after another cannot run together.
        hasher.combine(0xFF as UInt8)
    }

    /// RFC 8785 order: lexicographic over UTF-16 code units (a total order consistent with ``==(_:_:)``).
    ///
    /// Compared on the UTF-8 bytes, without transcoding (walking the UTF-16 view was a fifth of canonicalising a
    /// message): UTF-8 orders code points as UTF-16 does, except that UTF-16 puts a code point above U+FFFF (a
    /// surrogate pair, D800–DBFF first) before one in U+E000–U+FFFF.
    public static func < (lhs: JSONKey, rhs: JSONKey) -> Bool {
        var left = lhs.string
        var right = rhs.string
        return left.withUTF8 { a in right.withUTF8 { b in utf16Precedes(a, b) } }
    }

    /// Whether valid UTF-8 `a` precedes `b` in UTF-16 code unit order.
    static func utf16Precedes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        for index in 0..<min(a.count, b.count) where a[index] != b[index] {
            // After an equal prefix both bytes begin a scalar, or both continue scalars of the same lead byte (same
            // range, where byte order is UTF-16 order). Lead bytes F0–F4 start scalars above U+FFFF; EE and EF,
            // scalars in U+E000–U+FFFF, which UTF-16 sorts after them.
            let x = a[index]
            let y = b[index]
            if x >= 0xF0 && (y == 0xEE || y == 0xEF) { return true }
            if y >= 0xF0 && (x == 0xEE || x == 0xEF) { return false }
            return x < y
        }
        return a.count < b.count
    }
}

extension String {
    /// Whether `self` and `other` are the same sequence of Unicode code points (the same UTF-8 bytes).
    ///
    /// Use it wherever JSON text or a signed value is compared with an expected one: `==` would also accept a
    /// canonically equivalent string (NFD for NFC, U+212A KELVIN SIGN for "K").
    public func hasSameCodePoints(as other: String) -> Bool {
        let lhs = utf8
        let rhs = other.utf8
        guard lhs.count == rhs.count else { return false }
        let contiguous: Bool?? = lhs.withContiguousStorageIfAvailable { left in
            rhs.withContiguousStorageIfAvailable { right in
                // memcmp: `elementsEqual` walks byte by byte, and a signature's `x5c` or header text is kilobytes.
                guard let first = left.baseAddress, let second = right.baseAddress else { return true }
                return memcmp(first, second, left.count) == 0
            }
        }
        if let contiguous, let equal = contiguous { return equal }
        return lhs.elementsEqual(rhs)
    }
}
