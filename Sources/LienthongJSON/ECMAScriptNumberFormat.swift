/// Formats doubles as ECMAScript `Number.prototype.toString` does (ECMA-262 Number::toString), as RFC 8785
/// requires.
///
/// Swift's `Double.description` already yields the shortest round-trip digits (closest to the exact value on
/// ties), which is what ECMAScript asks for; only the layout differs, so it is re-laid here.
enum ECMAScriptNumberFormat {
    /// The ECMAScript string for a finite double; `-0` gives `0`.
    static func string(for value: Double) -> String {
        precondition(value.isFinite, "ECMAScript formatting needs a finite double")
        if value == 0 { return "0" }
        let (digits, pointPosition) = decimalDigits(of: value.magnitude)
        var result = value < 0 ? "-" : ""
        let k = digits.count
        let n = pointPosition
        if k <= n, n <= 21 {
            // Integer: digits then n-k zeros.
            result += String(decoding: digits, as: UTF8.self)
            result += String(repeating: "0", count: n - k)
        } else if 0 < n, n <= 21 {
            result += String(decoding: digits[0..<n], as: UTF8.self)
            result += "."
            result += String(decoding: digits[n...], as: UTF8.self)
        } else if -6 < n, n <= 0 {
            result += "0."
            result += String(repeating: "0", count: -n)
            result += String(decoding: digits, as: UTF8.self)
        } else {
            result += String(decoding: digits[0..<1], as: UTF8.self)
            if k > 1 {
                result += "."
                result += String(decoding: digits[1...], as: UTF8.self)
            }
            let exponent = n - 1
            result += exponent < 0 ? "e-" : "e+"
            result += String(exponent.magnitude)
        }
        return result
    }

    /// The significant digits (no leading or trailing zeros) of a positive finite double and the position
    /// of the decimal point relative to them: `value = 0.d1d2...dk × 10^n`.
    private static func decimalDigits(of value: Double) -> (digits: [UInt8], pointPosition: Int) {
        // `description` is `ddd.ddd` or `d.ddde±xx` (also `de-xx`); parse whichever it is.
        let text = Array(value.description.utf8)
        var digits: [UInt8] = []
        digits.reserveCapacity(20)
        var integerDigits = 0
        var seenPoint = false
        var exponent = 0
        var position = 0
        while position < text.count {
            let byte = text[position]
            if byte == UInt8(ascii: ".") {
                seenPoint = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                exponent = Int(String(decoding: text[(position + 1)...], as: UTF8.self)) ?? 0
                break
            } else {
                digits.append(byte)
                if !seenPoint { integerDigits += 1 }
            }
            position += 1
        }
        var pointPosition = integerDigits + exponent
        var leadingZeros = 0
        while leadingZeros < digits.count - 1, digits[leadingZeros] == UInt8(ascii: "0") { leadingZeros += 1 }
        digits.removeFirst(leadingZeros)
        pointPosition -= leadingZeros
        while digits.count > 1, digits[digits.count - 1] == UInt8(ascii: "0") { digits.removeLast() }
        return (digits, pointPosition)
    }
}
