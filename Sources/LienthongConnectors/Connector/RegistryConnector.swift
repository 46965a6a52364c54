public import LienthongJSON

/// A registry's record as its agency stores it: a JSON object whose members are the native column or field names.
public typealias NativeRecord = JSONValue

/// An adapter to one agency's back end (a database, a REST API, a file), answering key lookups with native records.
///
/// A connector receives keys already validated by Core's identifier rules. It does not map: a ``RecordMapping``
/// turns the native record into the canonical one (see ``MappedRegistry``).
public protocol RegistryConnector: Sendable {
    /// The record with this key, or `nil` when the registry has none.
    /// - Throws: ``ConnectorError`` (`upstream-unavailable`, `upstream-timeout`, `upstream-contract-violation`;
    ///   `upstream-circuit-open` through a ``ResilientConnector``).
    func lookup(key: String) async throws(ConnectorError) -> NativeRecord?

    /// Records whose `field` equals `value`, up to `limit`. Connectors that cannot search throw `connector-unsupported`.
    func search(field: String, value: String, limit: Int) async throws(ConnectorError) -> [NativeRecord]

    /// Candidate records for the configured search `query.name`, up to `query.limit`, in a stable order.
    ///
    /// The candidates may be a superset of the matches: ``MappedRegistry/search(criteria:page:)`` maps them and
    /// keeps those whose canonical fields match. Connectors without that search throw `connector-unsupported`.
    func search(_ query: NativeSearch) async throws(ConnectorError) -> [NativeRecord]

    /// The document of the record with this key, streaming; `nil` when the registry has none for the key.
    ///
    /// Returns once the back end's answer has begun; its body arrives through the ``DocumentStream``. Connectors
    /// without documents throw `connector-unsupported`.
    func openDocument(key: String) async throws(ConnectorError) -> DocumentStream?

    /// Whether the back end answers now.
    func health() async -> ConnectorHealth

    /// Whether lookups and searches run to completion on the caller's thread (an SQLite read): nothing could stop
    /// one midway, so a ``ResilientConnector`` does not race it against a deadline timer.
    var runsInline: Bool { get }

    /// Releases connections and files; later lookups fail with `connector-closed`.
    func close() async
}

extension RegistryConnector {
    /// Most back ends wait on I/O: a call may hang, and the deadline must be able to end it.
    public var runsInline: Bool { false }

    /// Searching is optional: by default it is unsupported.
    public func search(field: String, value: String, limit: Int) async throws(ConnectorError) -> [NativeRecord] {
        // The protocol does not know the registry's name; MappedRegistry reports it.
        throw ConnectorError(code: .unsupported, registry: "", detail: "search is not supported by this connector")
    }

    /// Documents are optional: by default they are unsupported.
    public func openDocument(key: String) async throws(ConnectorError) -> DocumentStream? {
        throw ConnectorError(code: .unsupported, registry: "", detail: "documents are not supported by this connector")
    }

    /// Named searches are optional: by default they are unsupported.
    public func search(_ query: NativeSearch) async throws(ConnectorError) -> [NativeRecord] {
        throw ConnectorError(code: .unsupported, registry: "", detail: "search '\(query.name)' is not supported by this connector")
    }
}

/// A connector's view of its back end's health.
public struct ConnectorHealth: Sendable, Equatable {
    /// The state of the back end.
    public enum Status: String, Sendable {
        /// Answering normally.
        case up
        /// Answering, but slowly or partly.
        case degraded
        /// Not answering.
        case down
    }

    /// The state.
    public var status: Status
    /// A short value-free reason, e.g. `storage.open`.
    public var detail: String?

    /// Creates a health report.
    public init(status: Status, detail: String? = nil) {
        self.status = status
        self.detail = detail
    }

    /// The back end is up.
    public static let up = ConnectorHealth(status: .up)
}
