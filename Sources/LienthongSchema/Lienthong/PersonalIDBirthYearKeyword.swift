import LienthongJSON

/// The extension keyword `x-vn-personal-id-birth-year`: the personal ID's sex-and-century digit and
/// year digits (positions 4–6) must give the year of `dateOfBirth`.
///
/// Its value names the two properties of the object it applies to:
/// `{"personalId": "personalId", "dateOfBirth": "dateOfBirth"}`. It passes when either is absent or
/// not a string (other keywords report those), so it only judges agreement. Standard keywords cannot
/// compare two properties, hence the extension; the schema documents it in `$comment`.
public enum PersonalIDBirthYearKeyword {
    /// The keyword's name in schemas.
    public static let name = "x-vn-personal-id-birth-year"

    /// The compiled keyword.
    public static let keyword = CustomKeyword { value throws(SchemaError) in
        guard let idName = value["personalId"]?.stringValue, let dateName = value["dateOfBirth"]?.stringValue else {
            throw SchemaError(code: .invalidKeyword, detail: "\(name) needs \"personalId\" and \"dateOfBirth\" names")
        }
        return { instance in
            guard case .object(let object) = instance, case .string(let id)? = object[idName],
                case .string(let date)? = object[dateName], let year = birthYear(personalID: id),
                let dateYear = UTF8Bytes.with(date, { UTF8Bytes.digits($0, 0..<4) })
            else { return nil }
            return year == dateYear ? nil : "\(idName) encodes birth year \(year), but \(dateName) is in \(dateYear)"
        }
    }

    /// The birth year a personal ID encodes (digit 4: 0/1 for 1900s, 2/3 for 2000s, and so on; digits
    /// 5–6: year mod 100), or `nil` if the ID is too short or not digits there.
    public static func birthYear(personalID: String) -> Int? {
        UTF8Bytes.with(personalID) { b in
            guard let century = UTF8Bytes.digits(b, 3..<4), let year = UTF8Bytes.digits(b, 4..<6) else { return nil }
            return 1900 + century / 2 * 100 + year
        }
    }
}
