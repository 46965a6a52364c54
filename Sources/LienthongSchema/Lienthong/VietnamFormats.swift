/// The Vietnamese identifier formats used by the canonical schemas (`schemas/*.v1.json`). Always
/// asserted when registered (see ``ValidationOptions/lienthong``).
public enum VietnamFormats {
    /// `vn-personal-id`: 12 digits; `0` plus a 2-digit birth-province code (`01`–`96`), a
    /// sex-and-century digit (`0`–`3`: 1900–2099), the birth year's last two digits and a 6-digit
    /// serial. Agreement with `sex` and `dateOfBirth` is checked by the schema, not the format.
    public static let personalID = FormatChecker { s in
        UTF8Bytes.with(s) { b in
            guard b.count == 12, UTF8Bytes.allDigits(b, 0..<12), b[0] == UInt8(ascii: "0") else { return false }
            let province = Int(b[1] - 0x30) * 10 + Int(b[2] - 0x30)
            return (1...96).contains(province) && b[3] <= UInt8(ascii: "3")
        }
    }

    /// `vn-enterprise-code`: the 10-digit enterprise (tax) code, or `<10 digits>-<3 digits>` for a
    /// branch (`001`–`999`).
    public static let enterpriseCode = FormatChecker { s in
        UTF8Bytes.with(s) { b in
            if b.count == 10 { return UTF8Bytes.allDigits(b, 0..<10) }
            guard b.count == 14, b[10] == UInt8(ascii: "-"), UTF8Bytes.allDigits(b, 0..<10),
                let branch = UTF8Bytes.digits(b, 11..<14)
            else { return false }
            return branch != 0
        }
    }

    /// `vn-social-insurance-number`: the 10-digit social insurance number (mã số BHXH).
    public static let socialInsuranceNumber = FormatChecker { s in
        UTF8Bytes.with(s) { b in b.count == 10 && UTF8Bytes.allDigits(b, 0..<10) }
    }

    /// `vn-commune-code`: a 5-digit commune code of the administrative-units code list.
    public static let communeCode = FormatChecker { s in
        UTF8Bytes.with(s) { b in b.count == 5 && UTF8Bytes.allDigits(b, 0..<5) }
    }

    /// `vn-land-certificate-serial`: two capital letters and six digits (e.g. `AB123456`).
    public static let landCertificateSerial = FormatChecker { s in
        UTF8Bytes.with(s) { b in
            guard b.count == 8 else { return false }
            return (0..<2).allSatisfy { b[$0] >= UInt8(ascii: "A") && b[$0] <= UInt8(ascii: "Z") }
                && UTF8Bytes.allDigits(b, 2..<8)
        }
    }

    /// All five by format name.
    public static let all: [String: FormatChecker] = [
        "vn-personal-id": personalID,
        "vn-enterprise-code": enterpriseCode,
        "vn-social-insurance-number": socialInsuranceNumber,
        "vn-commune-code": communeCode,
        "vn-land-certificate-serial": landCertificateSerial,
    ]
}
