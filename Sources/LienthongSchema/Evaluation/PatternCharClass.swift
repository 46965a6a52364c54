/// A set of Unicode scalars for the linear-time matcher: a bitmap for ASCII (negation folded in)
/// and sorted ranges for the rest.
struct PatternCharClass: Sendable {
    private let asciiLow: UInt64
    private let asciiHigh: UInt64
    private let ranges: [ClosedRange<UInt32>]
    private let negated: Bool

    init(ranges: [ClosedRange<UInt32>], negated: Bool) {
        var low: UInt64 = 0
        var high: UInt64 = 0
        for v in UInt32(0)..<128 where ranges.contains(where: { $0.contains(v) }) != negated {
            if v < 64 { low |= 1 << UInt64(v) } else { high |= 1 << UInt64(v - 64) }
        }
        asciiLow = low
        asciiHigh = high
        self.ranges = ranges.filter { $0.upperBound >= 128 }
        self.negated = negated
    }

    /// A class of one scalar.
    init(_ scalar: UInt32) { self.init(ranges: [scalar...scalar], negated: false) }

    /// Whether the class contains the scalar `v`.
    @inline(__always)
    func contains(_ v: UInt32) -> Bool {
        if v < 64 { return asciiLow & (1 << UInt64(v)) != 0 }
        if v < 128 { return asciiHigh & (1 << UInt64(v - 64)) != 0 }
        for range in ranges where range.contains(v) { return !negated }
        return negated
    }

    static let digit: [ClosedRange<UInt32>] = [0x30...0x39]
    static let word: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
    static let space: [ClosedRange<UInt32>] = [
        0x09...0x0D, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A, 0x2028...0x2029,
        0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000, 0xFEFF...0xFEFF,
    ]
    static let lineTerminators: [ClosedRange<UInt32>] = [0x0A...0x0A, 0x0D...0x0D, 0x2028...0x2029]
}
