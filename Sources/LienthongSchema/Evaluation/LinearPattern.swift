/// A fast, linear-time matcher for the simple patterns schemas mostly use: a sequence of literals,
/// `.`, classes (`[A-Z0-9_-]`, `[^…]`, `\d`, `\w`, `\s` and their negations) with `?`, `*`, `+`,
/// `{n}`, `{n,m}` quantifiers, optionally anchored with `^` and `$`. No groups, alternation,
/// back-references or look-around: ``init(_:)`` returns `nil` for those and ``ECMARegex`` uses ICU.
///
/// Matching simulates the automaton (a set of positions in the atom list per input scalar), so time
/// is O(input length × atoms) whatever the pattern: no backtracking blow-up.
struct LinearPattern: Sendable {
    private struct CharClass: Sendable {
        var ranges: [ClosedRange<UInt32>]
        var negated: Bool

        func contains(_ v: UInt32) -> Bool {
            var found = false
            for range in ranges where range.contains(v) {
                found = true
                break
            }
            return found != negated
        }
    }

    private enum Repeat: Sendable { case one, optional, star }

    private struct Atom: Sendable {
        var set: CharClass
        var repeatKind: Repeat
    }

    private let atoms: [Atom]
    private let anchoredStart: Bool
    private let anchoredEnd: Bool

    private static let digit: [ClosedRange<UInt32>] = [0x30...0x39]
    private static let word: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
    private static let space: [ClosedRange<UInt32>] = [
        0x09...0x0D, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A, 0x2028...0x2029,
        0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000, 0xFEFF...0xFEFF,
    ]
    private static let lineTerminators: [ClosedRange<UInt32>] = [0x0A...0x0A, 0x0D...0x0D, 0x2028...0x2029]

    /// Parses `pattern`, or `nil` when it is outside the supported subset.
    init?(_ pattern: String) {
        var scalars = Array(pattern.unicodeScalars)[...]
        var start = false
        var end = false
        if scalars.first == "^" {
            start = true
            scalars = scalars.dropFirst()
        }
        if scalars.last == "$" {
            // `\$` is a literal dollar; count the backslashes before it.
            let backslashes = scalars.dropLast().reversed().prefix(while: { $0 == "\\" }).count
            guard backslashes % 2 == 0 else { return nil }
            end = true
            scalars = scalars.dropLast()
        }
        var atoms: [Atom] = []
        while let c = scalars.popFirst() {
            var set: CharClass
            switch c {
            case "\\":
                guard let e = scalars.popFirst(), let escaped = LinearPattern.escapeClass(e) else { return nil }
                set = escaped
            case "[":
                guard let parsed = LinearPattern.parseClass(&scalars) else { return nil }
                set = parsed
            case ".":
                set = CharClass(ranges: LinearPattern.lineTerminators, negated: true)
            case "(", ")", "|", "{", "}", "*", "+", "?", "^", "$", "]":
                return nil
            default:
                set = CharClass(ranges: [c.value...c.value], negated: false)
            }
            // Quantifier (a lazy `?` suffix does not change whether a match exists).
            var minimum = 1
            var maximum: Int? = 1
            switch scalars.first {
            case "?":
                scalars.removeFirst()
                (minimum, maximum) = (0, 1)
            case "*":
                scalars.removeFirst()
                (minimum, maximum) = (0, nil)
            case "+":
                scalars.removeFirst()
                (minimum, maximum) = (1, nil)
            case "{":
                guard let close = scalars.firstIndex(of: "}") else { return nil }
                let body = String(String.UnicodeScalarView(scalars[scalars.index(after: scalars.startIndex)..<close]))
                scalars = scalars[scalars.index(after: close)...]
                let parts = body.split(separator: ",", omittingEmptySubsequences: false)
                guard (1...2).contains(parts.count), let low = Int(parts[0]), low <= 64 else { return nil }
                minimum = low
                if parts.count == 1 {
                    maximum = low
                } else if parts[1].isEmpty {
                    maximum = nil
                } else {
                    guard let high = Int(parts[1]), high >= low, high <= 64 else { return nil }
                    maximum = high
                }
            default:
                break
            }
            if scalars.first == "?" && (minimum, maximum) != (1, 1) { scalars.removeFirst() }
            for _ in 0..<minimum { atoms.append(Atom(set: set, repeatKind: .one)) }
            if let maximum {
                for _ in minimum..<maximum { atoms.append(Atom(set: set, repeatKind: .optional)) }
            } else {
                atoms.append(Atom(set: set, repeatKind: .star))
            }
        }
        guard atoms.count <= 256 else { return nil }
        self.atoms = atoms
        anchoredStart = start
        anchoredEnd = end
    }

    private static func escapeClass(_ e: Unicode.Scalar) -> CharClass? {
        switch e {
        case "d": CharClass(ranges: digit, negated: false)
        case "D": CharClass(ranges: digit, negated: true)
        case "w": CharClass(ranges: word, negated: false)
        case "W": CharClass(ranges: word, negated: true)
        case "s": CharClass(ranges: space, negated: false)
        case "S": CharClass(ranges: space, negated: true)
        case "t": CharClass(ranges: [0x09...0x09], negated: false)
        case "n": CharClass(ranges: [0x0A...0x0A], negated: false)
        case "r": CharClass(ranges: [0x0D...0x0D], negated: false)
        default:
            // Only escaped punctuation is a plain literal; letters and digits are special escapes.
            (e.isASCII && !e.properties.isAlphabetic && !("0"..."9").contains(e))
                ? CharClass(ranges: [e.value...e.value], negated: false) : nil
        }
    }

    private static func parseClass(_ scalars: inout ArraySlice<Unicode.Scalar>) -> CharClass? {
        var negated = false
        if scalars.first == "^" {
            negated = true
            scalars.removeFirst()
        }
        var ranges: [ClosedRange<UInt32>] = []
        var first = true
        while let c = scalars.popFirst() {
            if c == "]" && !first { return CharClass(ranges: ranges, negated: negated) }
            first = false
            var low: UInt32
            if c == "\\" {
                guard let e = scalars.popFirst() else { return nil }
                if let set = escapeClass(e), !set.negated, set.ranges.count > 1 || "dws".unicodeScalars.contains(e) {
                    ranges += set.ranges
                    continue
                }
                guard let set = escapeClass(e), !set.negated, set.ranges.count == 1 else { return nil }
                low = set.ranges[0].lowerBound
            } else if c == "[" {
                return nil
            } else {
                low = c.value
            }
            if scalars.first == "-", scalars.dropFirst().first != "]", scalars.count >= 2 {
                scalars.removeFirst()
                var high = scalars.removeFirst()
                if high == "\\" {
                    guard let e = scalars.popFirst(), let set = escapeClass(e), !set.negated, set.ranges.count == 1,
                        !"dws".unicodeScalars.contains(e)
                    else { return nil }
                    high = Unicode.Scalar(set.ranges[0].lowerBound)!
                }
                guard high.value >= low else { return nil }
                ranges.append(low...high.value)
            } else {
                ranges.append(low...low)
            }
        }
        return nil
    }

    /// Whether the pattern matches somewhere in `string` (anywhere unless anchored).
    func matches(_ string: String) -> Bool {
        atoms.count < 64 ? matchesWithBitSet(string) : matchesWithArray(string)
    }

    /// The same simulation with the state set in one machine word (patterns of fewer than 64 atoms).
    private func matchesWithBitSet(_ string: String) -> Bool {
        let n = atoms.count
        let accept: UInt64 = 1 << UInt64(n)
        func close(_ states: UInt64) -> UInt64 {
            var states = states
            for i in 0..<n where states & (1 << UInt64(i)) != 0 && atoms[i].repeatKind != .one {
                states |= 1 << UInt64(i + 1)
            }
            return states
        }
        var current = close(1)
        if current & accept != 0 && !anchoredEnd { return true }
        for scalar in string.unicodeScalars {
            let v = scalar.value
            var next: UInt64 = 0
            var live = current & (accept - 1)
            while live != 0 {
                let i = live.trailingZeroBitCount
                live &= live - 1
                if atoms[i].set.contains(v) { next |= atoms[i].repeatKind == .star ? 1 << UInt64(i) : 1 << UInt64(i + 1) }
            }
            if !anchoredStart { next |= 1 }
            if next == 0 { return false }
            current = close(next)
            if current & accept != 0 && !anchoredEnd { return true }
        }
        return current & accept != 0
    }

    private func matchesWithArray(_ string: String) -> Bool {
        let n = atoms.count
        // States: positions 0...n in the atom list; n is accepting.
        var current = [Bool](repeating: false, count: n + 1)
        var next = current
        func close(_ states: inout [Bool]) {
            // Epsilon moves: an optional or starred atom may be skipped.
            for i in 0..<n where states[i] && atoms[i].repeatKind != .one { states[i + 1] = true }
        }
        current[0] = true
        close(&current)
        if current[n] && !anchoredEnd { return true }
        for scalar in string.unicodeScalars {
            let v = scalar.value
            for i in 0...n { next[i] = false }
            var any = false
            for i in 0..<n where current[i] && atoms[i].set.contains(v) {
                if atoms[i].repeatKind == .star { next[i] = true } else { next[i + 1] = true }
                any = true
            }
            if !anchoredStart {
                next[0] = true
                any = true
            }
            if !any { return false }
            close(&next)
            if next[n] && !anchoredEnd { return true }
            swap(&current, &next)
        }
        return current[n]
    }
}
