import Foundation
import LienthongJSON

/// A number read once from its JSON literal: the double for ordering and an exact decimal when the
/// literal fits one (at most 38 significant digits), so `multipleOf: 0.01` is exact.
struct NumberValue: Sendable {
    let double: Double
    let decimal: Decimal?
    /// The literal, for messages.
    let display: String

    init(_ number: JSONNumber) {
        double = number.double
        display = number.literal
        decimal = NumberValue.exactDecimal(number.literal)
    }

    /// Whether `self` is an integral multiple of `divisor` (positive).
    func isMultiple(of divisor: NumberValue) -> Bool {
        if let a = decimal, let b = divisor.decimal, !b.isZero {
            var quotient = a / b
            var whole = Decimal()
            NSDecimalRound(&whole, &quotient, 0, .down)
            // The quotient is rounded to 38 digits; re-multiplying catches a rounded, inexact one.
            return whole * b == a
        }
        // Without an exact form fall back to fmod, which is exact for doubles and never overflows.
        guard double.isFinite, divisor.double.isFinite, divisor.double != 0 else { return false }
        return double.truncatingRemainder(dividingBy: divisor.double) == 0
    }

    /// Orders by the doubles, breaking ties between distinct literals with the exact decimals.
    func compare(_ other: NumberValue) -> Int {
        if double < other.double { return -1 }
        if double > other.double { return 1 }
        if let a = decimal, let b = other.decimal {
            if a < b { return -1 }
            if a > b { return 1 }
        }
        return 0
    }

    /// The exact decimal for a JSON number literal, or `nil` when it has more than 38 significant
    /// digits or an exponent outside `Decimal`'s range.
    static func exactDecimal(_ literal: String) -> Decimal? {
        var utf8 = Substring(literal)
        var negative = false
        if utf8.first == "-" {
            negative = true
            utf8 = utf8.dropFirst()
        }
        var exponent = 0
        if let e = utf8.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let value = Int(utf8[utf8.index(after: e)...].replacingOccurrences(of: "+", with: "")),
                abs(value) < 10_000
            else { return nil }
            exponent = value
            utf8 = utf8[..<e]
        }
        var digits = ""
        if let dot = utf8.firstIndex(of: ".") {
            let fraction = utf8[utf8.index(after: dot)...]
            digits = String(utf8[..<dot]) + fraction
            exponent -= fraction.count
        } else {
            digits = String(utf8)
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var trimmed = Substring(digits.drop(while: { $0 == "0" }))
        if trimmed.isEmpty { return Decimal(0) }
        while trimmed.last == "0" {
            trimmed = trimmed.dropLast()
            exponent += 1
        }
        guard trimmed.count <= 38, exponent >= -120, exponent + trimmed.count <= 120,
            let significand = Decimal(string: String(trimmed))
        else { return nil }
        return Decimal(sign: negative ? .minus : .plus, exponent: exponent, significand: significand)
    }
}
