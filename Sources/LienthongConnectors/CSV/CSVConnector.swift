import Foundation  // file attributes and reading
public import LienthongJSON

/// A connector to a registry published as a CSV file, held in memory as an index on the key column.
///
/// The file is read on first use and read again whenever its modification time, size or file number (inode)
/// changes, so an agency that replaces the file (best: writes a new one and renames it into place) is seen at the
/// next lookup. Empty fields are `null`. The files are small demo and
/// reference lists; reading happens inside the actor.
public actor CSVConnector: RegistryConnector {
    /// The registry this connector serves.
    public nonisolated let registry: String
    /// The configuration.
    public nonisolated let configuration: CSVConnectorConfiguration
    /// The file actually read.
    public nonisolated let resolvedPath: String

    private struct Snapshot {
        /// What identifies the file's version: modification time, size, file number.
        let version: FileVersion
        let records: [NativeRecord]
        /// Key to the positions of its records (more than one means the file breaks its contract).
        let index: [String: [Int]]
    }

    private struct FileVersion: Equatable {
        let modified: Date
        let size: Int
        let fileNumber: UInt64
    }

    private var snapshot: Snapshot?
    private var closed = false

    /// Creates a connector; the file is read at the first lookup.
    public init(registry: String, configuration: CSVConnectorConfiguration, dataDirectory: String? = nil) {
        self.registry = registry
        self.configuration = configuration
        if let dataDirectory, !configuration.path.hasPrefix("/") {
            resolvedPath = (dataDirectory as NSString).appendingPathComponent(configuration.path)
        } else {
            resolvedPath = configuration.path
        }
    }

    /// The row whose key column equals `key`.
    /// - Throws: `registry-unavailable` when the file cannot be read, `upstream-contract-violation` when it is not
    ///   valid CSV, lacks the key column, or has the key twice.
    public func lookup(key: String) async throws(ConnectorError) -> NativeRecord? {
        let current = try current()
        guard let positions = current.index[key] else { return nil }
        guard positions.count == 1 else {
            throw ConnectorError(code: .upstreamContractViolation, registry: registry, detail: "the key matched more than one row")
        }
        return current.records[positions[0]]
    }

    /// Rows whose column `field` equals `value` (exact match), in file order, at most `limit`.
    /// - Throws: `connector-unsupported` for an unknown column; otherwise as ``lookup(key:)``.
    public func search(field: String, value: String, limit: Int) async throws(ConnectorError) -> [NativeRecord] {
        let current = try current()
        if let first = current.records.first, first[field] == nil {
            throw ConnectorError(code: .unsupported, registry: registry, detail: "no column '\(field)' to search")
        }
        var found: [NativeRecord] = []
        for record in current.records where record[field]?.stringValue == value {
            guard found.count < limit else { break }
            found.append(record)
        }
        return found
    }

    /// Every row, in file order, at most `query.limit`: the file is small, so the canonical match of
    /// ``MappedRegistry/search(criteria:page:)`` does the filtering. Any search name is accepted.
    public func search(_ query: NativeSearch) async throws(ConnectorError) -> [NativeRecord] {
        Array(try current().records.prefix(query.limit))
    }

    /// Up when the file can be read and indexed.
    public func health() async -> ConnectorHealth {
        do {
            _ = try current()
            return .up
        } catch {
            return ConnectorHealth(status: .down, detail: error.cause ?? error.code.wireCode)
        }
    }

    /// Drops the index; later lookups fail with `connector-closed`.
    public func close() async {
        closed = true
        snapshot = nil
    }

    /// Every row by key (the last row of a repeated key) and a token of the file version they were read from, for
    /// ``CSVChangeSource``; the file is read again only when it changed, as for lookups.
    func rowsByKey() throws(ConnectorError) -> (version: String, rows: [String: NativeRecord]) {
        let current = try current()
        let version = current.version
        let token = "\(version.modified.timeIntervalSince1970):\(version.size):\(version.fileNumber)"
        return (token, current.index.compactMapValues { $0.last.map { current.records[$0] } })
    }

    // MARK: Loading

    private func current() throws(ConnectorError) -> Snapshot {
        guard !closed else { throw ConnectorError(code: .closed, registry: registry, detail: "connector closed") }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolvedPath),
            let modified = attributes[.modificationDate] as? Date,
            let size = (attributes[.size] as? NSNumber)?.intValue
        else {
            throw ConnectorError(code: .unavailable, registry: registry, detail: "file cannot be read", cause: "csv.read")
        }
        // A file renamed into place within the same clock tick and of the same size still has a new file number.
        let version = FileVersion(
            modified: modified, size: size, fileNumber: (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0)
        if let snapshot, snapshot.version == version { return snapshot }
        let loaded = try load(version: version)
        snapshot = loaded
        return loaded
    }

    private func load(version: FileVersion) throws(ConnectorError) -> Snapshot {
        guard let data = FileManager.default.contents(atPath: resolvedPath) else {
            throw ConnectorError(code: .unavailable, registry: registry, detail: "file cannot be read", cause: "csv.read")
        }
        guard let table = CSVTable(text: String(decoding: data, as: UTF8.self)) else {
            throw ConnectorError(code: .upstreamContractViolation, registry: registry, detail: "file is not valid CSV")
        }
        guard let keyIndex = table.header.firstIndex(of: configuration.keyColumn) else {
            throw ConnectorError(
                code: .upstreamContractViolation, registry: registry,
                detail: "file has no key column '\(configuration.keyColumn)'")
        }
        var records: [NativeRecord] = []
        var index: [String: [Int]] = [:]
        records.reserveCapacity(table.rows.count)
        for row in table.rows {
            var object: JSONObject = [:]
            for (name, field) in zip(table.header, row) { object[name] = field.isEmpty ? .null : .string(field) }
            index[row[keyIndex], default: []].append(records.count)
            records.append(.object(object))
        }
        return Snapshot(version: version, records: records, index: index)
    }
}
