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
            guard let id = instance[idName]?.stringValue, let date = instance[dateName]?.stringValue,
                let year = birthYear(personalID: id), let dateYear = Int(date.prefix(4)), date.utf8.count >= 4
            else { return nil }
            return year == dateYear ? nil : "\(idName) encodes birth year \(year), but \(dateName) is in \(dateYear)"
        }
    }

    /// The birth year a personal ID encodes (digit 4: 0/1 for 1900s, 2/3 for 2000s, and so on; digits
    /// 5–6: year mod 100), or `nil` if the ID is too short or not digits there.
    public static func birthYear(personalID: String) -> Int? {
        let b = Array(personalID.utf8)
        guard b.count >= 6, b[3...5].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let century = 1900 + Int(b[3] - 0x30) / 2 * 100
        return century + Int(b[4] - 0x30) * 10 + Int(b[5] - 0x30)
    }
}
