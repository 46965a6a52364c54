import LienthongCore

/// The syntax tree of a pattern in the ``LinearPattern`` subset.
indirect enum PatternNode: Sendable {
    case empty
    case scalar(PatternCharClass)
    case start
    case end
    case sequence([PatternNode])
    case alternation([PatternNode])
    case repeated(PatternNode, min: Int, max: Int?)
}

/// Parses the ECMA-262 subset ``LinearPattern`` runs; `nil` for anything else (ICU takes it).
struct PatternParser {
    private var scalars: ArraySlice<Unicode.Scalar>
    private var depth = 0

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars[...] }

    /// The whole pattern, or `nil` if it is outside the subset or malformed.
    mutating func parse() -> PatternNode? {
        guard let node = alternation(), scalars.isEmpty else { return nil }
        return node
    }

    private mutating func alternation() -> PatternNode? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= 64 else { return nil }
        var branches: [PatternNode] = []
        while true {
            guard let branch = sequence() else { return nil }
            branches.append(branch)
            guard scalars.first == "|" else { break }
            scalars.removeFirst()
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func sequence() -> PatternNode? {
        var parts: [PatternNode] = []
        while let c = scalars.first, c != "|", c != ")" {
            scalars.removeFirst()
            var atom: PatternNode
            switch c {
            case "^":
                parts.append(.start)
                continue
            case "$":
                parts.append(.end)
                continue
            case "(":
                if scalars.first == "?" {
                    // Only the non-capturing group; look-around and named groups go to ICU.
                    guard scalars.dropFirst().first == ":" else { return nil }
                    scalars.removeFirst(2)
                }
                guard let inner = alternation(), scalars.popFirst() == ")" else { return nil }
                atom = inner
            case "\\":
                guard let escaped = escape() else { return nil }
                atom = .scalar(escaped.charClass)
            case "[":
                guard let set = charClass() else { return nil }
                atom = .scalar(set)
            case ".":
                atom = .scalar(PatternCharClass(ranges: PatternCharClass.lineTerminators, negated: true))
            case "{", "}", "*", "+", "?", "]":
                // A quantifier without an atom, or Annex B literal braces: ICU decides.
                return nil
            default:
                atom = .scalar(PatternCharClass(c.value))
            }
            guard let quantified = quantifier(atom) else { return nil }
            parts.append(quantified)
        }
        switch parts.count {
        case 0: return .empty
        case 1: return parts[0]
        default: return .sequence(parts)
        }
    }

    /// The quantifier after `atom`, if any (a lazy `?` suffix does not change whether a match exists).
    private mutating func quantifier(_ atom: PatternNode) -> PatternNode? {
        var minimum = 1
        var maximum: Int? = 1
        switch scalars.first {
        case "?":
            (minimum, maximum) = (0, 1)
        case "*":
            (minimum, maximum) = (0, nil)
        case "+":
            (minimum, maximum) = (1, nil)
        case "{":
            guard let close = scalars.firstIndex(of: "}") else { return nil }
            let body = String(String.UnicodeScalarView(scalars[scalars.index(after: scalars.startIndex)..<close]))
            let parts = body.split(separator: ",", omittingEmptySubsequences: false)
            // Decimal digits only: `Int` would also take a sign, and `{-2}` then reached the emitter as a negative
            // count (a trap found by the schema fuzz target).
            func count(_ digits: Substring) -> Int? {
                guard digits.count <= 4, digits.isASCIIDigits else { return nil }
                return Int(digits)
            }
            guard (1...2).contains(parts.count), let low = count(parts[0]), low <= 1_000 else { return nil }
            minimum = low
            if parts.count == 1 {
                maximum = low
            } else if parts[1].isEmpty {
                maximum = nil
            } else {
                guard let high = count(parts[1]), high >= low, high <= 1_000 else {
                    return nil
                }
                maximum = high
            }
            scalars = scalars[close...]
        default:
            return atom
        }
        scalars.removeFirst()
        if scalars.first == "?" { scalars.removeFirst() }
        // A quantified quantifier (`a**`) is a syntax error in ECMA-262.
        if let next = scalars.first, "*+?{".unicodeScalars.contains(next) { return nil }
        return .repeated(atom, min: minimum, max: maximum)
    }

    /// What an escape stands for: one scalar, or a class (`\d`, `\W`, …).
    private enum Escaped {
        case single(UInt32)
        case set([ClosedRange<UInt32>], negated: Bool)

        var charClass: PatternCharClass {
            switch self {
            case .single(let v): PatternCharClass(v)
            case .set(let ranges, let negated): PatternCharClass(ranges: ranges, negated: negated)
            }
        }
    }

    /// An escape after `\` (class escapes, control escapes, `\uXXXX`, `\xHH`, escaped punctuation).
    private mutating func escape() -> Escaped? {
        guard let e = scalars.popFirst() else { return nil }
        switch e {
        case "d": return .set(PatternCharClass.digit, negated: false)
        case "D": return .set(PatternCharClass.digit, negated: true)
        case "w": return .set(PatternCharClass.word, negated: false)
        case "W": return .set(PatternCharClass.word, negated: true)
        case "s": return .set(PatternCharClass.space, negated: false)
        case "S": return .set(PatternCharClass.space, negated: true)
        case "t": return .single(0x09)
        case "n": return .single(0x0A)
        case "r": return .single(0x0D)
        case "f": return .single(0x0C)
        case "v": return .single(0x0B)
        case "u", "x":
            let count = e == "u" ? 4 : 2
            let hex = scalars.prefix(count)
            guard hex.count == count, hex.allSatisfy({ $0.properties.isASCIIHexDigit }),
                let value = UInt32(String(String.UnicodeScalarView(hex)), radix: 16), !(0xD800...0xDFFF).contains(value)
            else { return nil }
            scalars.removeFirst(count)
            return .single(value)
        default:
            // Only escaped punctuation is a plain literal; letters and digits are special escapes.
            guard e.isASCII, !e.properties.isAlphabetic, !("0"..."9").contains(e) else { return nil }
            return .single(e.value)
        }
    }

    private mutating func charClass() -> PatternCharClass? {
        var negated = false
        if scalars.first == "^" {
            negated = true
            scalars.removeFirst()
        }
        var ranges: [ClosedRange<UInt32>] = []
        while let c = scalars.popFirst() {
            if c == "]" { return PatternCharClass(ranges: ranges, negated: negated) }
            var low: UInt32
            if c == "\\" {
                // `\b` (backspace in a class) and negated class escapes inside a class go to ICU.
                guard let first = scalars.first, !"bB".unicodeScalars.contains(first) else { return nil }
                switch escape() {
                case .single(let value)?:
                    low = value
                case .set(let set, negated: false)?:
                    // `[\d-x]` would be a syntax error with the `u` flag and a literal `-` without it.
                    if scalars.first == "-" && scalars.dropFirst().first != "]" { return nil }
                    ranges += set
                    continue
                default:
                    return nil
                }
            } else if c == "[" {
                return nil
            } else {
                low = c.value
            }
            if scalars.first == "-", let after = scalars.dropFirst().first, after != "]" {
                scalars.removeFirst()
                var high = scalars.removeFirst().value
                if high == 0x5C {
                    guard let first = scalars.first, !"bB".unicodeScalars.contains(first),
                        case .single(let value)? = escape()
                    else { return nil }
                    high = value
                }
                guard high >= low else { return nil }
                ranges.append(low...high)
            } else {
                ranges.append(low...low)
            }
        }
        return nil
    }
}
