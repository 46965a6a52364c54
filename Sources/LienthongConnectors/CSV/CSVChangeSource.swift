import LienthongJSON

/// The changes of a registry published as a CSV file: when the file is replaced, the rows added (inserts) or changed
/// since the version read before (a removed row is a change with no record after).
///
/// The previous version is held in memory: the first poll after a start reads the file as its baseline, so a file
/// replaced while the node was down yields no events for that replacement. The cursor is the file version's token.
public actor CSVChangeSource: ChangeSource {
    private let connector: CSVConnector
    private var previous: (version: String, rows: [String: NativeRecord])?

    /// A source over its own reading of `connector`'s file (not the lookup connector's, so lookups never wait on a
    /// diff).
    public init(connector: CSVConnector) {
        self.connector = connector
    }

    public func head() async throws(ConnectorError) -> String {
        let current = try await connector.rowsByKey()
        previous = current
        return current.version
    }

    /// The diff since the version held (all at once, whatever `limit`: the files are small lists), in key order.
    public func changes(after cursor: String, limit: Int) async throws(ConnectorError) -> [NativeChange] {
        let current = try await connector.rowsByKey()
        guard let before = previous else {
            previous = current
            return []
        }
        guard current.version != before.version else { return [] }
        previous = current
        var changes: [NativeChange] = []
        for (key, row) in current.rows.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) })
        where before.rows[key] != row {
            changes.append(
                NativeChange(
                    key: key, before: before.rows[key], after: row, cursor: current.version,
                    isInsert: before.rows[key] == nil))
        }
        for (key, row) in before.rows.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) })
        where current.rows[key] == nil {
            changes.append(NativeChange(key: key, before: row, after: nil, cursor: current.version))
        }
        return changes
    }
}
