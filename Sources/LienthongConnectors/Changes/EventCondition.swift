public import LienthongJSON

/// When an event type fires, over the canonical record before and after a change; every part stated must hold.
///
/// - `changed`: one of these values differs from before (`"changed": ["/permanentAddress"]`);
/// - `becomes`: each value equals its given value now and not all did before (`"becomes": {"/status": "deceased"}`).
///
/// Without a record before (the node never saw the record change before, and the source does not say), `changed`
/// holds: the source reported a change the node cannot rule out, and events are at least once.
public struct EventCondition: Sendable, Equatable {
    /// One value a `becomes` condition waits for.
    public struct Match: Sendable, Equatable {
        /// Where the value is.
        public var pointer: JSONPointer
        /// The value it becomes.
        public var value: JSONValue
    }

    /// Values of which one must differ.
    public var changed: [JSONPointer]
    /// Values all of which must become the given ones.
    public var becomes: [Match]

    /// Every pointer read.
    public var pointers: [JSONPointer] { changed + becomes.map(\.pointer) }

    init(document: JSONValue, type: String) throws(ChangeRuleError) {
        func pointer(_ text: String) throws(ChangeRuleError) -> JSONPointer {
            guard !text.isEmpty, let pointer = try? JSONPointer(text) else {
                throw ChangeRuleError("event type '\(type)': '\(text)' is not a JSON pointer")
            }
            return pointer
        }
        changed = []
        for text in document["changed"]?.arrayValue ?? [] {
            changed.append(try pointer(text.stringValue ?? ""))
        }
        becomes = []
        for (text, value) in (document["becomes"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            becomes.append(Match(pointer: try pointer(text.description), value: value))
        }
        guard !changed.isEmpty || !becomes.isEmpty else {
            throw ChangeRuleError("event type '\(type)': when states neither changed nor becomes")
        }
    }

    /// Whether the event fires, given the watched values before (`nil`: unknown) and after the change.
    public func fires(before: [String: JSONValue]?, after: [String: JSONValue]) -> Bool {
        if !changed.isEmpty, let before {
            guard changed.contains(where: { before[$0.description] != after[$0.description] }) else { return false }
        }
        guard !becomes.isEmpty else { return true }
        guard becomes.allSatisfy({ after[$0.pointer.description] == $0.value }) else { return false }
        guard let before else { return true }
        return !becomes.allSatisfy { before[$0.pointer.description] == $0.value }
    }
}
