public import LienthongJSON

/// Removes every top-level field that is not selected, before the record is signed.
public enum FieldProjection {
    /// The record with only the selected top-level fields.
    public static func project(_ record: JSONValue, to selection: FieldSelection) -> JSONValue {
        guard case .only(let fields) = selection, case .object(let members) = record else { return record }
        return .object(members.filter { fields.contains($0.key) })
    }
}
