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
        var values: [Token: Int] = [:]
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
            values[token] = value
            rest = rest.dropFirst(token.width)
        }
        guard rest.isEmpty, let year = values[.year], let month = values[.month], (1...12).contains(month) else {
            return nil
        }
        let day = values[.day] ?? 1
        guard year >= 1, (1...Self.days(in: month, of: year)).contains(day),
            (values[.hour] ?? 0) < 24, (values[.minute] ?? 0) < 60, (values[.second] ?? 0) < 60
        else { return nil }
        return "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))"
    }

    public var description: String { pattern }

    static func days(in month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
