import Foundation
import LienthongJSON

/// Checkers for the `format` values defined by draft 2020-12 (RFC 3339, RFC 5321, RFC 1123,
/// RFC 2673, RFC 4291, RFC 3986/3987, RFC 4122, RFC 6901, RFC 6570, ECMA-262).
enum StandardFormats {
    /// The checker for a standard format name, or `nil` for an unknown format (always valid).
    static func checker(_ name: String) -> FormatChecker? {
        switch name {
        case "date": FormatChecker(isDate)
        case "time": FormatChecker(isTime)
        case "date-time": FormatChecker(isDateTime)
        case "duration": FormatChecker(isDuration)
        case "email": FormatChecker { isEmail($0, international: false) }
        case "idn-email": FormatChecker { isEmail($0, international: true) }
        case "hostname": FormatChecker { isHostname($0, international: false) }
        case "idn-hostname": FormatChecker { isHostname($0, international: true) }
        case "ipv4": FormatChecker(isIPv4)
        case "ipv6": FormatChecker(isIPv6)
        case "uri": FormatChecker { isURI($0, absolute: true, international: false) }
        case "uri-reference": FormatChecker { isURI($0, absolute: false, international: false) }
        case "iri": FormatChecker { isURI($0, absolute: true, international: true) }
        case "iri-reference": FormatChecker { isURI($0, absolute: false, international: true) }
        case "uuid": FormatChecker(isUUID)
        case "regex": FormatChecker(ECMARegex.isValid)
        case "json-pointer": FormatChecker(isJSONPointer)
        case "relative-json-pointer": FormatChecker(isRelativeJSONPointer)
        case "uri-template": FormatChecker(isURITemplate)
        default: nil
        }
    }

    // MARK: - Dates and times (RFC 3339)

    static func isDate(_ s: String) -> Bool {
        UTF8Bytes.with(s) { isDate($0[...]) }
    }

    /// `full-date` on a slice of UTF-8 bytes (no allocation).
    static func isDate(_ b: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        let b = UnsafeBufferPointer(rebasing: b)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            let year = UTF8Bytes.digits(b, 0..<4), let month = UTF8Bytes.digits(b, 5..<7),
            let day = UTF8Bytes.digits(b, 8..<10)
        else { return false }
        return (1...12).contains(month) && day >= 1 && day <= daysIn(month: month, year: year)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func isTime(_ s: String) -> Bool {
        UTF8Bytes.with(s) { isTime($0[...]) }
    }

    /// `full-time` on a slice of UTF-8 bytes (no allocation).
    static func isTime(_ b: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        let b = UnsafeBufferPointer(rebasing: b)
        guard b.count >= 9, b[2] == UInt8(ascii: ":"), b[5] == UInt8(ascii: ":"),
            let hour = UTF8Bytes.digits(b, 0..<2), let minute = UTF8Bytes.digits(b, 3..<5),
            let second = UTF8Bytes.digits(b, 6..<8), hour <= 23, minute <= 59, second <= 60
        else { return false }
        var i = 8
        if b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
            guard i > start else { return false }
        }
        guard i < b.count else { return false }
        var offsetMinutes = 0
        switch b[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard i + 1 == b.count else { return false }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard b.count - i == 6, b[i + 3] == UInt8(ascii: ":"), let oh = UTF8Bytes.digits(b, (i + 1)..<(i + 3)),
                let om = UTF8Bytes.digits(b, (i + 4)..<(i + 6)), oh <= 23, om <= 59
            else { return false }
            offsetMinutes = (oh * 60 + om) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
        default:
            return false
        }
        if second == 60 {
            // A leap second happens only at 23:59:60 UTC.
            let utc = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440
            return utc == 23 * 60 + 59
        }
        return true
    }

    static func isDateTime(_ s: String) -> Bool {
        UTF8Bytes.with(s) { b in
            guard b.count > 11, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") else { return false }
            return isDate(b[0..<10]) && isTime(b[11...])
        }
    }

    /// RFC 3339 appendix A: `P` then date parts in Y, M, D order, `T` then H, M, S; or weeks alone.
    static func isDuration(_ s: String) -> Bool {
        var b = Array(s.utf8)[...]
        guard b.popFirst() == UInt8(ascii: "P"), !b.isEmpty else { return false }
        func units(_ allowed: [UInt8], _ part: inout ArraySlice<UInt8>) -> Int? {
            var next = 0
            var count = 0
            while !part.isEmpty {
                var n = 0
                while let c = part.first, c >= 0x30 && c <= 0x39 {
                    part.removeFirst()
                    n += 1
                }
                guard n > 0, let unit = part.popFirst(), let position = allowed[next...].firstIndex(of: unit) else {
                    return nil
                }
                next = position + 1
                count += 1
            }
            return count
        }
        if b.last == UInt8(ascii: "W") {
            var part = b
            return units([UInt8(ascii: "W")], &part) == 1
        }
        var datePart = b
        var timePart: ArraySlice<UInt8> = []
        var hasT = false
        if let t = b.firstIndex(of: UInt8(ascii: "T")) {
            hasT = true
            datePart = b[..<t]
            timePart = b[(t + 1)...]
        }
        guard let dates = units(Array("YMD".utf8), &datePart), let times = units(Array("HMS".utf8), &timePart) else {
            return false
        }
        if hasT && times == 0 { return false }
        return dates + times > 0
    }

    // MARK: - Internet names and addresses

    static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for part in parts {
            guard (1...3).contains(part.utf8.count), part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let n = Int(part), n <= 255, !(part.utf8.count > 1 && part.utf8.first == 0x30)
            else { return false }
        }
        return true
    }

    static func isIPv6(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.allSatisfy({ $0 < 0x80 }) else { return false }
        var text = Substring(s)
        var groupsAllowed = 8
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard isIPv4(String(text[text.index(after: lastColon)...])) else { return false }
            text = text[...lastColon]
            if !text.hasSuffix("::") { text = text.dropLast() }
            groupsAllowed = 6
        }
        func groups(_ part: Substring) -> Int? {
            if part.isEmpty { return 0 }
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for piece in pieces {
                guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit) else { return nil }
            }
            return pieces.count
        }
        let halves = text.components(separatedBy: "::")
        switch halves.count {
        case 1:
            return groups(Substring(halves[0])) == groupsAllowed
        case 2:
            guard let left = groups(Substring(halves[0])), let right = groups(Substring(halves[1])) else { return false }
            return left + right < groupsAllowed
        default:
            return false
        }
    }

    static func isHostname(_ s: String, international: Bool) -> Bool {
        guard !s.isEmpty else { return false }
        var host = Substring(s)
        if host.hasSuffix(".") && host.count > 1 { host = host.dropLast() }
        guard host.utf8.count <= 253 || international else { return false }
        for label in host.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.utf8.count <= 63 || international, label.first != "-", label.last != "-"
            else { return false }
            for c in label.unicodeScalars {
                if c.isASCII {
                    guard c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "-" else { return false }
                } else if !international {
                    return false
                } else if c.properties.generalCategory == .spaceSeparator || c.properties.isWhitespace {
                    return false
                }
            }
            // RFC 5891 §4.2.3.1: no "--" in positions 3 and 4 unless an A-label ("xn--").
            let lower = label.lowercased()
            if lower.count >= 4, lower.dropFirst(2).hasPrefix("--"), !lower.hasPrefix("xn--") { return false }
        }
        return true
    }

    static func isEmail(_ s: String, international: Bool) -> Bool {
        guard let at = s.lastIndex(of: "@") else { return false }
        let local = s[..<at]
        let domain = s[s.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty else { return false }
        if local.hasPrefix("\"") {
            guard local.count >= 2, local.hasSuffix("\"") else { return false }
        } else {
            guard !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else { return false }
            let allowed = "!#$%&'*+-/=?^_`{|}~."
            for c in local.unicodeScalars {
                if c.isASCII {
                    guard c.properties.isAlphabetic || ("0"..."9").contains(c) || allowed.unicodeScalars.contains(c)
                    else { return false }
                } else if !international {
                    return false
                }
            }
        }
        if domain.hasPrefix("[") {
            guard domain.hasSuffix("]") else { return false }
            let literal = domain.dropFirst().dropLast()
            if literal.lowercased().hasPrefix("ipv6:") { return isIPv6(String(literal.dropFirst(5))) }
            return isIPv4(String(literal))
        }
        return isHostname(String(domain), international: international)
    }

    // MARK: - URIs (RFC 3986, RFC 3987)

    private static let unreserved = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~".utf8)
    private static let subDelims = Set("!$&'()*+,;=".utf8)

    /// Whether every character of `part` is allowed, with valid percent-escapes.
    private static func isValidPart(_ part: Substring, extra: String, international: Bool) -> Bool {
        let extraBytes = Set(extra.utf8)
        var bytes = Array(part.utf8)[...]
        while let b = bytes.popFirst() {
            if b == UInt8(ascii: "%") {
                guard bytes.count >= 2, bytes.prefix(2).allSatisfy({ Character(UnicodeScalar($0)).isHexDigit }) else {
                    return false
                }
                bytes = bytes.dropFirst(2)
            } else if b >= 0x80 {
                guard international else { return false }
            } else if !(unreserved.contains(b) || subDelims.contains(b) || extraBytes.contains(b)) {
                return false
            }
        }
        return true
    }

    static func isURI(_ s: String, absolute: Bool, international: Bool) -> Bool {
        let reference = URIReference(s)
        if absolute && reference.scheme == nil { return false }
        if reference.scheme == nil, let colon = s.firstIndex(of: ":"),
            !s[..<colon].contains("/"), !s[..<colon].contains("?"), !s[..<colon].contains("#")
        {
            // A first segment with a colon that is not a valid scheme.
            return false
        }
        if let authority = reference.authority {
            var hostPort = Substring(authority)
            if let at = hostPort.lastIndex(of: "@") {
                guard isValidPart(hostPort[..<at], extra: ":", international: international) else { return false }
                hostPort = hostPort[hostPort.index(after: at)...]
            }
            if hostPort.hasPrefix("[") {
                guard let close = hostPort.firstIndex(of: "]") else { return false }
                let literal = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
                if !literal.hasPrefix("v") && !literal.hasPrefix("V") {
                    guard isIPv6(String(literal)) else { return false }
                }
                hostPort = hostPort[hostPort.index(after: close)...]
                if !hostPort.isEmpty {
                    guard hostPort.first == ":", hostPort.dropFirst().allSatisfy(\.isASCII),
                        hostPort.dropFirst().allSatisfy(\.isNumber)
                    else { return false }
                }
            } else {
                var host = hostPort
                if let colon = hostPort.lastIndex(of: ":") {
                    let port = hostPort[hostPort.index(after: colon)...]
                    guard port.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
                    host = hostPort[..<colon]
                }
                guard isValidPart(host, extra: "", international: international) else { return false }
            }
        }
        return isValidPart(Substring(reference.path), extra: ":@/", international: international)
            && isValidPart(Substring(reference.query ?? ""), extra: ":@/?", international: international)
            && isValidPart(Substring(reference.fragment ?? ""), extra: ":@/?", international: international)
    }

    // MARK: - Identifiers and pointers

    static func isUUID(_ s: String) -> Bool {
        UTF8Bytes.with(s) { b in
            guard b.count == 36 else { return false }
            for (i, c) in b.enumerated() {
                if i == 8 || i == 13 || i == 18 || i == 23 {
                    guard c == UInt8(ascii: "-") else { return false }
                } else if !((0x30...0x39).contains(c) || (0x41...0x46).contains(c) || (0x61...0x66).contains(c)) {
                    return false
                }
            }
            return true
        }
    }

    static func isJSONPointer(_ s: String) -> Bool {
        if s.isEmpty { return true }
        return PointerToken.tokens(of: s) != nil
    }

    static func isRelativeJSONPointer(_ s: String) -> Bool {
        let number = s.prefix(while: { $0.isASCII && $0.isNumber })
        guard !number.isEmpty, number == "0" || number.first != "0" else { return false }
        let rest = s[number.endIndex...]
        return rest == "#" || isJSONPointer(String(rest))
    }

    static func isURITemplate(_ s: String) -> Bool {
        var open = false
        for c in s {
            switch c {
            case "{":
                if open { return false }
                open = true
            case "}":
                if !open { return false }
                open = false
            default:
                break
            }
        }
        return !open
    }
}
