/// A back end's changes as a connector detects them: which records changed since a cursor, oldest first.
///
/// The node keeps the cursor durably beside the events it published, so a restart resumes where it stopped; a source
/// never remembers anything across restarts itself. Engines: ``SQLiteChangeSource`` (a change table or an
/// `updated_at` column), ``CSVChangeSource`` (the diff of the file on reload).
public protocol ChangeSource: Sendable {
    /// Where detection starts when the node has no cursor yet: the changes up to now are history, not news.
    func head() async throws(ConnectorError) -> String

    /// The changes after `cursor`, oldest first, at most `limit`, each with the cursor just past it.
    func changes(after cursor: String, limit: Int) async throws(ConnectorError) -> [NativeChange]
}

/// One record's change: its key, the native record after it (`nil` when it was removed) and, when the source knows
/// it, the record before (a CSV diff does; a change table does not, so the node compares with what it saw last) or
/// that there was none (``isInsert``).
public struct NativeChange: Sendable {
    /// The record's key, as lookups take it.
    public var key: String
    /// The record before the change, when the source knows it.
    public var before: NativeRecord?
    /// The record now; `nil` when it was removed.
    public var after: NativeRecord?
    /// The cursor just past this change.
    public var cursor: String
    /// Whether the source knows the record did not exist before: an insert changes no value of an existing record.
    public var isInsert: Bool

    /// A change.
    public init(key: String, before: NativeRecord?, after: NativeRecord?, cursor: String, isInsert: Bool = false) {
        self.key = key
        self.before = before
        self.after = after
        self.cursor = cursor
        self.isInsert = isInsert
    }
}
