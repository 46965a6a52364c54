public import LienthongJSON

/// The change events a registry declares (the `events` member of its registry file): how its connector detects
/// changes, and each event type with when it fires and which canonical fields it carries.
///
/// ```json
/// "events": {
///   "detection": { "kind": "change-table", "table": "thay_doi", "sequenceColumn": "ma_thay_doi",
///                  "keyColumn": "so_dinh_danh" },
///   "pollIntervalMs": 1000,
///   "types": [
///     { "type": "person.address-changed", "when": { "changed": ["/permanentAddress"] },
///       "fields": ["personalId", "permanentAddress"] },
///     { "type": "person.deceased", "when": { "becomes": { "/status": "deceased" } },
///       "fields": ["personalId", "fullName", "status"] } ] }
/// ```
public struct RegistryEvents: Sendable, Equatable {
    /// How changed records are found.
    public var detection: ChangeDetection
    /// How long the node waits between two polls that found nothing.
    public var pollInterval: Duration
    /// The event types, in declaration order.
    public var types: [EventTypeDeclaration]

    /// Every pointer some condition reads: what the node keeps of a record to compare the next change with.
    public var watched: [JSONPointer] {
        var seen: Set<String> = []
        return types.flatMap(\.condition.pointers).filter { seen.insert($0.description).inserted }
    }

    /// Reads the `events` member.
    init(document: JSONValue) throws(ChangeRuleError) {
        guard let detection = document["detection"] else { throw ChangeRuleError("events.detection is missing") }
        self.detection = try ChangeDetection(document: detection)
        let milliseconds = document["pollIntervalMs"]?.numberValue?.int ?? 1000
        guard milliseconds >= 10 else { throw ChangeRuleError("events.pollIntervalMs is below 10") }
        pollInterval = .milliseconds(milliseconds)
        guard let types = document["types"]?.arrayValue, !types.isEmpty else {
            throw ChangeRuleError("events.types is missing or empty")
        }
        self.types = try types.map { (type) throws(ChangeRuleError) in try EventTypeDeclaration(document: type) }
        var names: Set<String> = []
        for type in self.types where !names.insert(type.name).inserted {
            throw ChangeRuleError("event type '\(type.name)' is declared twice")
        }
    }

    /// The values of ``watched`` in `record`, by pointer text: what a condition compares.
    public func watchedValues(of record: JSONValue) -> [String: JSONValue] {
        var values: [String: JSONValue] = [:]
        for pointer in watched { values[pointer.description] = pointer.resolve(in: record) }
        return values
    }
}

/// One event type of a registry: its name, when it fires and the top-level canonical fields it carries.
public struct EventTypeDeclaration: Sendable, Equatable {
    /// The name, e.g. `person.deceased`.
    public var name: String
    /// The top-level canonical fields the event carries.
    public var fields: [String]
    /// When it fires.
    public var condition: EventCondition

    init(document: JSONValue) throws(ChangeRuleError) {
        guard let name = document["type"]?.stringValue, Self.isName(name) else {
            throw ChangeRuleError("an event type is missing or not like person.deceased")
        }
        guard let fields = document["fields"]?.arrayValue?.compactMap(\.stringValue), !fields.isEmpty else {
            throw ChangeRuleError("event type '\(name)' carries no fields")
        }
        self.name = name
        self.fields = fields
        condition = try EventCondition(document: document["when"] ?? .null, type: name)
    }

    /// Lower-case words joined by dots, at least two (`person.address-changed`).
    static func isName(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count >= 2
            && parts.allSatisfy { part in
                guard let first = part.utf8.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") else {
                    return false
                }
                return part.utf8.allSatisfy {
                    ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                        || $0 == UInt8(ascii: "-")
                }
            }
    }
}
