public import LienthongJSON

/// Turns one registry's native records into canonical records, field by field.
///
/// Configured as a list of ``FieldMapping`` objects:
/// ```json
/// [ { "target": "/personalId", "source": "so_dinh_danh" },
///   { "target": "/fullName", "source": "ho_ten", "transforms": ["trim", "nfc"] },
///   { "target": "/dateOfBirth", "source": "ngay_sinh", "transforms": [{ "date": "dd/MM/yyyy" }] },
///   { "target": "/sex", "source": "gioi_tinh", "transforms": [{ "codeList": { "Nam": "male", "Nữ": "female" } }] } ]
/// ```
/// Errors name the registry, the source field, the target and the rule, never the value.
public struct RecordMapping: Sendable, Equatable {
    /// The registry, used in errors.
    public let registry: String
    /// The fields, applied in order.
    public let fields: [FieldMapping]

    /// Creates a mapping from field mappings.
    public init(registry: String, fields: [FieldMapping]) {
        self.registry = registry
        self.fields = fields
    }

    /// Reads a mapping from its configuration (a list of field mappings).
    /// - Parameters:
    ///   - registry: The registry name.
    ///   - configuration: The `mapping` list.
    ///   - codeLists: The code lists that `codeList` transforms may name.
    /// - Throws: `mapping.invalid-configuration` or `mapping.unknown-code-list`, naming the field's position.
    public init(registry: String, configuration: JSONValue, codeLists: CodeLists = CodeLists()) throws(MappingError) {
        guard let list = configuration.arrayValue else {
            throw MappingError(
                code: .invalidConfiguration, registry: registry, field: "mapping", target: "", rule: "a list")
        }
        var fields: [FieldMapping] = []
        for (index, field) in list.enumerated() {
            fields.append(
                try FieldMapping.parse(field, registry: registry, codeLists: codeLists, position: "mapping[\(index)]")
            )
        }
        self.init(registry: registry, fields: fields)
    }

    /// Maps a native record to its canonical form.
    /// - Parameter record: The native object (columns or document members by native name).
    /// - Returns: The canonical object; optional fields that are absent are omitted.
    /// - Throws: ``MappingError`` naming registry, field, target and rule.
    public func map(_ record: NativeRecord) throws(MappingError) -> JSONValue {
        guard case .object = record else {
            throw MappingError(code: .typeMismatch, registry: registry, field: "record", target: "", rule: "an object")
        }
        // Sized once: grown member by member, the dictionary was rehashed four times per record.
        var output: JSONValue = .object(JSONObject([JSONKey: JSONValue](minimumCapacity: fields.count)))
        // By index: `for field in fields` copies each mapping, retaining and releasing every member of it.
        for index in fields.indices {
            try fields[index].apply(to: record, into: &output, registry: registry, fieldPrefix: "")
        }
        return output
    }
}
