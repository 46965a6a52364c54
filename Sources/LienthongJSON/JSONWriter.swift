/// Writes a ``JSONValue`` as UTF-8 with keys sorted by UTF-16 code units; shared by the plain serializer
/// and ``JCS``.
struct JSONWriter {
    /// Plain output writes numbers from their literal when it is already normal; canonical output always
    /// writes the ECMAScript form of the double and rejects NaN and infinities.
    enum Mode { case plain(pretty: Bool), canonical }

    var output: [UInt8] = []
    private let mode: Mode

    init(mode: Mode) {
        self.mode = mode
        output.reserveCapacity(256)
    }

    mutating func write(_ value: JSONValue, indent: Int = 0) throws(JSONError) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .number(let number): try writeNumber(number)
        case .string(let text): writeString(text)
        case .array(let elements):
            guard !elements.isEmpty else { return append("[]") }
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                try write(element, indent: indent + 1)
            }
            newline(indent)
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            guard !members.isEmpty else { return append("{}") }
            output.append(UInt8(ascii: "{"))
            // The members' positions sorted by name: no name is hashed again and no value moved.
            let dictionary = members.members
            var order = Array(dictionary.indices)
            order.sort { dictionary[$0].key < dictionary[$1].key }
            for (position, index) in order.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                writeString(dictionary[index].key.string)
                output.append(UInt8(ascii: ":"))
                if case .plain(pretty: true) = mode { output.append(UInt8(ascii: " ")) }
                try write(dictionary[index].value, indent: indent + 1)
            }
            newline(indent)
            output.append(UInt8(ascii: "}"))
        }
    }

    private mutating func newline(_ indent: Int) {
        guard case .plain(pretty: true) = mode else { return }
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }

    private mutating func append(_ text: StaticString) {
        output.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private mutating func writeNumber(_ number: JSONNumber) throws(JSONError) {
        switch mode {
        case .plain:
            if Self.isNormalLiteral(number.literal) {
                output.append(contentsOf: number.literal.utf8)
            } else if number.double.isFinite {
                output.append(contentsOf: ECMAScriptNumberFormat.string(for: number.double).utf8)
            } else {
                // JSON has no NaN or infinity; ECMAScript's JSON.stringify writes null too.
                append("null")
            }
        case .canonical:
            guard number.double.isFinite else {
                throw JSONError(code: .notFinite, detail: "NaN and infinity have no canonical JSON form")
            }
            output.append(contentsOf: ECMAScriptNumberFormat.string(for: number.double).utf8)
        }
    }

    /// Whether a literal is valid JSON already in normal form: no `-0`, no leading zeros, no trailing zeros
    /// in a fraction, lowercase `e`, no leading zeros in the exponent.
    static func isNormalLiteral(_ literal: String) -> Bool {
        let bytes = Array(literal.utf8)
        var index = 0
        func isDigit(_ position: Int) -> Bool {
            position < bytes.count && bytes[position] >= UInt8(ascii: "0") && bytes[position] <= UInt8(ascii: "9")
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard isDigit(index) else { return false }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            // `-0` is not normal; neither is a bare `0.x` with trailing zeros (checked below).
            if bytes[0] == UInt8(ascii: "-"), index == bytes.count { return false }
        } else {
            while isDigit(index) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard isDigit(index) else { return false }
            while isDigit(index) { index += 1 }
            if bytes[index - 1] == UInt8(ascii: "0") { return false }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard isDigit(index), bytes[index] != UInt8(ascii: "0") else { return false }
            while isDigit(index) { index += 1 }
        }
        return index == bytes.count
    }

    /// Writes a string with RFC 8785 escaping: only `"`, `\` and control characters; the scalars are emitted
    /// exactly as given (no normalisation).
    private mutating func writeString(_ text: String) {
        Self.appendString(text, to: &output)
    }

    /// Appends `text` quoted, with the escaping of ``writeString(_:)``, to `output`.
    static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            // Copy runs that need no escaping in one go; most strings are a single run.
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                appendEscaped(byte, to: &output)
                runStart = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ byte: UInt8, to output: inout [UInt8]) {
        func append(_ text: StaticString) {
            output.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
        switch byte {
        case UInt8(ascii: "\""): append("\\\"")
        case UInt8(ascii: "\\"): append("\\\\")
        case 0x08: append("\\b")
        case 0x09: append("\\t")
        case 0x0A: append("\\n")
        case 0x0C: append("\\f")
        case 0x0D: append("\\r")
        default:
            append("\\u00")
            output.append(hexDigits[Int(byte >> 4)])
            output.append(hexDigits[Int(byte & 0xF)])
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
