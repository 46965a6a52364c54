/// A native date format such as `dd/MM/yyyy`, `yyyyMMdd`, `MM/yyyy` or `yyyy-MM-dd'T'HH:mm:ss`, read into an ISO
/// `YYYY-MM-DD` day.
///
/// Letters: `yyyy` year, `MM` month, `dd` day, `HH` hour, `mm` minute, `ss` second (time fields are checked and
/// dropped). Other characters, and text in single quotes, must appear literally. Without `dd` the day is the
/// first of the month.
public struct DatePattern: Sendable, Hashable, CustomStringConvertible {
    enum Token: Hashable {
        case year, month, day, hour, minute, second
        case literal(Character)

        var width: Int { self == .year ? 4 : 2 }

        /// A field, or a literal of one ASCII byte (which only that byte matches in ASCII text).
        var isASCIIByteOrField: Bool {
            guard case .literal(let character) = self else { return true }
            return character.utf8.count == 1
        }
    }

    /// The pattern as configured.
    public let pattern: String
    let tokens: [Token]

    /// Compiles a pattern; `nil` if it uses an unknown letter or has no year or month.
    public init?(_ pattern: String) {
        var tokens: [Token] = []
        var characters = Substring(pattern)
        while let first = characters.first {
            if first == "'" {
                characters.removeFirst()
                guard let close = characters.firstIndex(of: "'") else { return nil }
                tokens += characters[..<close].map { Token.literal($0) }
                characters = characters[characters.index(after: close)...]
                continue
            }
            let fields: [(String, Token)] = [
                ("yyyy", .year), ("MM", .month), ("dd", .day), ("HH", .hour), ("mm", .minute), ("ss", .second),
            ]
            if let (text, token) = fields.first(where: { characters.hasPrefix($0.0) }) {
                guard !tokens.contains(token) else { return nil }
                tokens.append(token)
                characters.removeFirst(text.count)
            } else if first.isLetter {
                return nil
            } else {
                tokens.append(.literal(first))
                characters.removeFirst()
            }
        }
        guard tokens.contains(.year), tokens.contains(.month) else { return nil }
        self.pattern = pattern
        self.tokens = tokens
    }

    /// The ISO day of `text`, or `nil` if `text` does not match the pattern or is not a real date.
    public func isoDate(from text: String) -> String? {
        var text = text
        // ASCII text without CR (every character one byte) against a pattern whose literals are ASCII bytes: read
        // byte by byte. Otherwise character by character (a literal or a digit may carry combining marks).
        let fast: String?? = text.withUTF8 { bytes in
            guard bytes.allSatisfy({ $0 < 0x80 && $0 != 0x0D }), tokens.allSatisfy(\.isASCIIByteOrField) else {
                return nil
            }
            return .some(isoDate(ascii: bytes))
        }
        if let fast { return fast }
        return isoDate(characters: text)
    }

    private func isoDate(ascii bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var fields = Fields()
        var position = 0
        for token in tokens {
            if case .literal(let character) = token {
                guard position < bytes.count, bytes[position] == character.utf8.first else { return nil }
                position += 1
                continue
            }
            guard bytes.count - position >= token.width else { return nil }
            var value = 0
            for byte in bytes[position..<position + token.width] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            fields.set(token, value)
            position += token.width
        }
        guard position == bytes.count else { return nil }
        return fields.isoDay()
    }

    private func isoDate(characters text: String) -> String? {
        var fields = Fields()
        var rest = Substring(text)
        for token in tokens {
            if case .literal(let character) = token {
                guard rest.first == character else { return nil }
                rest.removeFirst()
                continue
            }
            let digits = rest.prefix(token.width)
            guard digits.count == token.width, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(digits)
            else { return nil }
            fields.set(token, value)
            rest = rest.dropFirst(token.width)
        }
        guard rest.isEmpty else { return nil }
        return fields.isoDay()
    }

    /// The fields read so far.
    private struct Fields {
        var year: Int?
        var month: Int?
        var day: Int?
        var hour = 0
        var minute = 0
        var second = 0

        mutating func set(_ token: Token, _ value: Int) {
            switch token {
            case .year: year = value
            case .month: month = value
            case .day: day = value
            case .hour: hour = value
            case .minute: minute = value
            case .second: second = value
            case .literal: break
            }
        }

        /// `YYYY-MM-DD` if the fields name a real day and time (without a day, the first of the month).
        func isoDay() -> String? {
            guard let year, let month, (1...12).contains(month) else { return nil }
            let day = day ?? 1
            guard year >= 1, (1...DatePattern.days(in: month, of: year)).contains(day), hour < 24, minute < 60,
                second < 60
            else { return nil }
            // Four digits for the year (a pattern reads at most four), two for month and day.
            return String(unsafeUninitializedCapacity: 10) { buffer in
                func digits(_ value: Int, endingAt end: Int, width: Int) {
                    var rest = value
                    for position in stride(from: end - 1, through: end - width, by: -1) {
                        buffer[position] = UInt8(0x30 + rest % 10)
                        rest /= 10
                    }
                }
                digits(year, endingAt: 4, width: 4)
                buffer[4] = 0x2D
                digits(month, endingAt: 7, width: 2)
                buffer[7] = 0x2D
                digits(day, endingAt: 10, width: 2)
                return 10
            }
        }
    }

    public var description: String { pattern }

    static func days(in month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
