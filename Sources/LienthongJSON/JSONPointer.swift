/// A JSON Pointer (RFC 6901): a path of reference tokens into a ``JSONValue``, e.g. `/a/b~1c/0`.
///
/// ```swift
/// let pointer = try JSONPointer("/records/0/name")
/// let name = pointer.resolve(in: document)
/// ```
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The unescaped reference tokens; empty for the whole document. They match member names by code points.
    public private(set) var tokens: [String]

    /// Pointers are equal when their tokens have the same code points, as member names compare.
    public static func == (lhs: JSONPointer, rhs: JSONPointer) -> Bool {
        lhs.tokens.count == rhs.tokens.count
            && zip(lhs.tokens, rhs.tokens).allSatisfy { $0.hasSameCodePoints(as: $1) }
    }

    /// Hashes the tokens' UTF-8 bytes, consistent with ``==(_:_:)``.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(tokens.count)
        for token in tokens { hasher.combine(JSONKey(token)) }
    }

    /// The pointer to the whole document (`""`).
    public static let root = JSONPointer(tokens: [])

    /// A pointer from unescaped tokens.
    public init(tokens: [String]) {
        self.tokens = tokens
    }

    /// Parses pointer text: empty, or `/`-separated tokens with `~0` for `~` and `~1` for `/`.
    /// - Throws: ``JSONError/Code/pointerSyntax`` if the text does not start with `/` or has a bad `~` escape.
    public init(_ text: String) throws(JSONError) {
        guard !text.isEmpty else {
            self.tokens = []
            return
        }
        guard text.utf8.first == UInt8(ascii: "/") else {
            throw JSONError(code: .pointerSyntax, detail: "a JSON Pointer must be empty or start with '/'")
        }
        var tokens: [String] = []
        for raw in text.utf8.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            var token: [UInt8] = []
            token.reserveCapacity(raw.count)
            var iterator = raw.makeIterator()
            while let byte = iterator.next() {
                guard byte == UInt8(ascii: "~") else {
                    token.append(byte)
                    continue
                }
                switch iterator.next() {
                case UInt8(ascii: "0"): token.append(UInt8(ascii: "~"))
                case UInt8(ascii: "1"): token.append(UInt8(ascii: "/"))
                default: throw JSONError(code: .pointerSyntax, detail: "'~' must be followed by '0' or '1'")
                }
            }
            tokens.append(String(decoding: token, as: UTF8.self))
        }
        self.tokens = tokens
    }

    /// The pointer text, tokens escaped (`~` as `~0`, `/` as `~1`).
    public var description: String {
        var text: [UInt8] = []
        for token in tokens {
            text.append(UInt8(ascii: "/"))
            for byte in token.utf8 {
                switch byte {
                case UInt8(ascii: "~"): text += [UInt8(ascii: "~"), UInt8(ascii: "0")]
                case UInt8(ascii: "/"): text += [UInt8(ascii: "~"), UInt8(ascii: "1")]
                default: text.append(byte)
                }
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// This pointer with one more token; escaping happens in ``description``.
    public func appending(_ token: String) -> JSONPointer {
        JSONPointer(tokens: tokens + [token])
    }

    /// This pointer with an array index appended.
    public func appending(index: Int) -> JSONPointer {
        appending(String(index))
    }

    /// Appends one token in place.
    public mutating func append(_ token: String) {
        tokens.append(token)
    }

    /// The pointer one level up, or `nil` for the root.
    public var parent: JSONPointer? {
        tokens.isEmpty ? nil : JSONPointer(tokens: Array(tokens.dropLast()))
    }

    /// The value this pointer references, or `nil` if a member or index is absent.
    ///
    /// An array index must be `0` or a decimal without leading zeros; `-` (past the end) never resolves.
    public func resolve(in document: JSONValue) -> JSONValue? {
        var current = document
        for token in tokens {
            switch current {
            case .object(let members):
                guard let member = members[token] else { return nil }
                current = member
            case .array(let elements):
                guard let index = Self.arrayIndex(token), index < elements.count else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    /// `0` or `[1-9][0-9]*` as an index; anything else (including `-`, `+1`, `01`) is `nil`.
    static func arrayIndex(_ token: String) -> Int? {
        let utf8 = token.utf8
        guard let first = utf8.first, utf8.count <= 18,
            utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            first != UInt8(ascii: "0") || utf8.count == 1
        else { return nil }
        return Int(token)
    }
}
