/// A strict RFC 8259 / I-JSON parser over raw UTF-8 bytes.
///
/// Iterative (an explicit stack of open containers), so nesting depth is bounded by ``JSONLimits`` and never
/// by the thread's stack.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let limits: JSONLimits
    private var index = 0

    /// One open array or object; mutated in place through the stack so appends never copy.
    private struct Frame {
        var isObject: Bool
        var array: [JSONValue] = []
        var object: [JSONKey: JSONValue] = [:]
        var key = ""
        var keyOffset = 0
    }

    init(bytes: UnsafeBufferPointer<UInt8>, limits: JSONLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    mutating func parseDocument() throws(JSONError) -> JSONValue {
        guard bytes.count <= limits.maxBytes else {
            throw JSONError(code: .sizeLimit, detail: "input exceeds \(limits.maxBytes) bytes")
        }
        var stack: [Frame] = []
        var value: JSONValue
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw syntax("unexpected end of input") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                guard stack.count < limits.maxDepth else { throw depth() }
                index += 1
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    value = .object([:])
                } else {
                    var frame = Frame(isObject: true)
                    (frame.key, frame.keyOffset) = try parseKey()
                    stack.append(frame)
                    continue
                }
            case UInt8(ascii: "["):
                guard stack.count < limits.maxDepth else { throw depth() }
                index += 1
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    value = .array([])
                } else {
                    stack.append(Frame(isObject: false))
                    continue
                }
            case UInt8(ascii: "\""):
                value = .string(try parseString())
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                value = .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                value = .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                value = .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = .number(try parseNumber())
            default:
                throw syntax("unexpected character, expected a value")
            }

            // A value is complete: hand it to the enclosing containers, closing those that end here.
            closing: while true {
                guard !stack.isEmpty else {
                    skipWhitespace()
                    guard index == bytes.count else { throw syntax("trailing characters after the value") }
                    return value
                }
                let top = stack.count - 1
                skipWhitespace()
                let next: UInt8? = index < bytes.count ? bytes[index] : nil
                if stack[top].isObject {
                    // Names compare by code points (RFC 8259 §8.3): NFC and NFD forms are two members.
                    let key = JSONKey(stack[top].key)
                    if stack[top].object.updateValue(value, forKey: key) != nil {
                        throw JSONError(code: .duplicateKey, detail: "object has a duplicate key",
                                        offset: stack[top].keyOffset)
                    }
                    if next == UInt8(ascii: ",") {
                        index += 1
                        skipWhitespace()
                        (stack[top].key, stack[top].keyOffset) = try parseKey()
                        break closing
                    } else if next == UInt8(ascii: "}") {
                        index += 1
                        value = .object(JSONObject(stack.removeLast().object))
                    } else {
                        throw syntax("expected ',' or '}'")
                    }
                } else {
                    stack[top].array.append(value)
                    if next == UInt8(ascii: ",") {
                        index += 1
                        break closing
                    } else if next == UInt8(ascii: "]") {
                        index += 1
                        value = .array(stack.removeLast().array)
                    } else {
                        throw syntax("expected ',' or ']'")
                    }
                }
            }
        }
    }

    // MARK: - Tokens

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// Parses `"key" :` and leaves the index after the colon.
    private mutating func parseKey() throws(JSONError) -> (String, Int) {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw syntax("expected a string key") }
        let offset = index
        let key = try parseString()
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw syntax("expected ':'") }
        index += 1
        return (key, offset)
    }

    private mutating func expectLiteral(_ word: StaticString) throws(JSONError) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw syntax("invalid literal") }
        let text = word.utf8Start
        for k in 0..<count where bytes[index + k] != text[k] {
            throw syntax("invalid literal")
        }
        index += count
    }

    // MARK: - Strings

    /// Parses a string starting at its opening quote.
    private mutating func parseString() throws(JSONError) -> String {
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            } else if byte == UInt8(ascii: "\\") {
                return try parseEscapedString(from: start)
            } else if byte < 0x20 {
                throw syntax("control character in string")
            } else if byte < 0x80 {
                index += 1
            } else {
                try skipUTF8Sequence()
            }
        }
        throw syntax("unterminated string")
    }

    /// The slow path once an escape appears: copies bytes into a buffer and decodes escapes.
    private mutating func parseEscapedString(from start: Int) throws(JSONError) -> String {
        var buffer = [UInt8](UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: buffer, as: UTF8.self)
            } else if byte == UInt8(ascii: "\\") {
                try decodeEscape(into: &buffer)
            } else if byte < 0x20 {
                throw syntax("control character in string")
            } else if byte < 0x80 {
                buffer.append(byte)
                index += 1
            } else {
                let sequenceStart = index
                try skipUTF8Sequence()
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[sequenceStart..<index]))
            }
        }
        throw syntax("unterminated string")
    }

    private mutating func decodeEscape(into buffer: inout [UInt8]) throws(JSONError) {
        let escapeOffset = index
        guard index + 1 < bytes.count else { throw syntax("unterminated string") }
        let kind = bytes[index + 1]
        index += 2
        switch kind {
        case UInt8(ascii: "\""): buffer.append(0x22)
        case UInt8(ascii: "\\"): buffer.append(0x5C)
        case UInt8(ascii: "/"): buffer.append(0x2F)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try readHex4(escapeOffset: escapeOffset))
            if (0xDC00...0xDFFF).contains(scalar) {
                throw JSONError(code: .invalidEscape, detail: "unpaired low surrogate", offset: escapeOffset)
            }
            if (0xD800...0xDBFF).contains(scalar) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else {
                    throw JSONError(code: .invalidEscape, detail: "unpaired high surrogate", offset: escapeOffset)
                }
                index += 2
                let low = UInt32(try readHex4(escapeOffset: escapeOffset))
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw JSONError(code: .invalidEscape, detail: "unpaired high surrogate", offset: escapeOffset)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            appendUTF8(scalar, to: &buffer)
        default:
            throw JSONError(code: .invalidEscape, detail: "invalid escape sequence", offset: escapeOffset)
        }
    }

    private mutating func readHex4(escapeOffset: Int) throws(JSONError) -> UInt16 {
        guard bytes.count - index >= 4 else {
            throw JSONError(code: .invalidEscape, detail: "truncated \\u escape", offset: escapeOffset)
        }
        var result: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONError(code: .invalidEscape, detail: "invalid hex digit in \\u escape", offset: escapeOffset)
            }
            result = result << 4 | UInt16(digit)
            index += 1
        }
        return result
    }

    private func appendUTF8(_ scalar: UInt32, to buffer: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            buffer.append(UInt8(scalar))
        case 0x80..<0x800:
            buffer.append(UInt8(0xC0 | scalar >> 6))
            buffer.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            buffer.append(UInt8(0xE0 | scalar >> 12))
            buffer.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            buffer.append(UInt8(0x80 | scalar & 0x3F))
        default:
            buffer.append(UInt8(0xF0 | scalar >> 18))
            buffer.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            buffer.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            buffer.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Validates one multi-byte UTF-8 sequence (Unicode Table 3-7: no overlongs, no surrogates, at most
    /// U+10FFFF) and advances past it.
    private mutating func skipUTF8Sequence() throws(JSONError) {
        let lead = bytes[index]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw invalidUTF8()
        }
        guard bytes.count - index >= length else { throw invalidUTF8() }
        let second = bytes[index + 1]
        guard second >= low, second <= high else { throw invalidUTF8() }
        for k in 2..<max(2, length) where bytes[index + k] & 0xC0 != 0x80 {
            throw invalidUTF8()
        }
        index += length
    }

    // MARK: - Numbers

    /// Exact powers of ten for the fast path (every one is exactly representable).
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    private mutating func parseNumber() throws(JSONError) -> JSONNumber {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var mantissa: UInt64 = 0
        var digitCount = 0
        // Integer part: `0` or a non-zero digit followed by digits.
        guard index < bytes.count, isDigit(bytes[index]) else { throw syntax("expected a digit") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw syntax("leading zero in number") }
        } else {
            while index < bytes.count, isDigit(bytes[index]) {
                if digitCount < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[index] &- 0x30) }
                digitCount += 1
                index += 1
            }
        }
        var fractionDigits = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw syntax("expected a digit after '.'") }
            while index < bytes.count, isDigit(bytes[index]) {
                if digitCount < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[index] &- 0x30) }
                if mantissa != 0 || digitCount > 0 { digitCount += 1 }
                fractionDigits += 1
                index += 1
            }
        }
        var exponent = 0
        var exponentTooLarge = false
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            var exponentNegative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw syntax("expected a digit in exponent") }
            while index < bytes.count, isDigit(bytes[index]) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[index] &- 0x30) } else { exponentTooLarge = true }
                index += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        let literalBytes = UnsafeBufferPointer(rebasing: bytes[start..<index])
        let literal = String(decoding: literalBytes, as: UTF8.self)

        // Fast path (Clinger): an exact mantissa below 2^53 times an exact power of ten rounds correctly.
        let scale = exponent - fractionDigits
        if digitCount <= 15, !exponentTooLarge, scale >= -22, scale <= 22 {
            var value = Double(mantissa)
            value = scale < 0 ? value / Self.powersOfTen[-scale] : value * Self.powersOfTen[scale]
            return JSONNumber(literal: literal, double: negative ? -value : value)
        }
        guard let value = Double(literal) else { throw syntax("invalid number") }
        guard value.isFinite else {
            throw JSONError(code: .numberRange, detail: "number exceeds the IEEE 754 double range", offset: start)
        }
        return JSONNumber(literal: literal, double: value)
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    // MARK: - Errors

    private func syntax(_ detail: String) -> JSONError {
        JSONError(code: .syntax, detail: detail, offset: index)
    }

    private func depth() -> JSONError {
        JSONError(code: .depthLimit, detail: "nesting deeper than \(limits.maxDepth)", offset: index)
    }

    private func invalidUTF8() -> JSONError {
        JSONError(code: .invalidUTF8, detail: "invalid UTF-8 sequence", offset: index)
    }
}
