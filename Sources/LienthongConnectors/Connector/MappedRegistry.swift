public import LienthongJSON
public import LienthongHTTP

/// A registry as the gateway sees it: a connector and the mapping of its native records to canonical ones.
public struct MappedRegistry: Sendable {
    /// The registry name.
    public let name: String
    /// The canonical schema id.
    public let schema: String
    /// The back end.
    public let connector: any RegistryConnector
    /// Native to canonical.
    public let mapping: RecordMapping
    /// The searches of ``search(criteria:page:)``.
    public let searches: [SearchDefinition]

    /// Creates a mapped registry.
    public init(
        name: String, schema: String, connector: any RegistryConnector, mapping: RecordMapping,
        searches: [SearchDefinition] = []
    ) {
        self.name = name
        self.schema = schema
        self.connector = connector
        self.mapping = mapping
        self.searches = searches
    }

    /// Builds the connector of `configuration`.
    public init(
        configuration: RegistryConfiguration, dataDirectory: String, httpClient: HTTPClient,
        variables: [String: String] = [:]
    ) throws(ConnectorError) {
        self.init(
            name: configuration.registry,
            schema: configuration.schema,
            connector: try configuration.makeConnector(
                dataDirectory: dataDirectory, httpClient: httpClient, variables: variables
            ),
            mapping: configuration.mapping,
            searches: configuration.searches
        )
    }

    /// The canonical record with this key, or `nil` when the registry has none.
    /// - Throws: the connector's error, or `upstream-contract-violation` when the native record does not map.
    public func record(key: String) async throws(ConnectorError) -> JSONValue? {
        guard let native = try await connector.lookup(key: key) else { return nil }
        do {
            return try mapping.map(native)
        } catch {
            throw ConnectorError(error)
        }
    }

    /// The document of the record with this key, streaming, or `nil` when the registry has none.
    /// - Throws: the connector's error (`connector-unsupported` when the registry serves no documents).
    public func document(key: String) async throws(ConnectorError) -> DocumentStream? {
        do {
            return try await connector.openDocument(key: key)
        } catch {
            var error = error
            if error.registry.isEmpty { error.registry = name }
            throw error
        }
    }

    /// Canonical records whose native `field` equals `value`, at most `limit`.
    /// - Throws: `connector-unsupported` when the connector cannot search that field, the connector's error, or
    ///   `upstream-contract-violation` when a record does not map.
    public func search(field: String, value: String, limit: Int) async throws(ConnectorError) -> [JSONValue] {
        let natives: [NativeRecord]
        do {
            natives = try await connector.search(field: field, value: value, limit: limit)
        } catch {
            var error = error
            if error.registry.isEmpty { error.registry = name }
            throw error
        }
        var records: [JSONValue] = []
        for native in natives {
            do {
                records.append(try mapping.map(native))
            } catch {
                throw ConnectorError(error)
            }
        }
        return records
    }

    /// One page of the canonical records that match `criteria`, in the connector's order.
    ///
    /// The registry's ``SearchDefinition`` with exactly the criteria's names is used: its connector search
    /// returns candidates, each is mapped, and those whose canonical members match are kept. Either the whole page
    /// maps or the search fails: no partial records.
    ///
    /// ```swift
    /// let page = try await population.search(
    ///     criteria: SearchCriteria(["fullName": "nguyễn văn an", "dateOfBirth": "1990-01-15"]),
    ///     page: SearchPage(limit: 10, offset: 0))
    /// ```
    /// - Throws: `connector-unsupported` when no search has these names, `invalid-search` for an empty value or a
    ///   page out of range, `search-too-broad` when the candidates exceed the definition's `maxCandidates`, the
    ///   connector's error, or `upstream-contract-violation` when a candidate does not map.
    public func search(criteria: SearchCriteria, page: SearchPage) async throws(ConnectorError) -> SearchResult {
        let names = Set(criteria.parameters.keys)
        guard let definition = searches.first(where: { Set($0.match.keys) == names }) else {
            let offered = searches.map { $0.match.keys.sorted().joined(separator: "+") }.sorted()
            throw ConnectorError(
                code: .unsupported, registry: name,
                detail: "no search by \(names.sorted().joined(separator: "+")); offered: \(offered.joined(separator: ", "))")
        }
        guard (1...SearchPage.maxLimit).contains(page.limit), page.offset >= 0 else {
            throw ConnectorError(
                code: .invalidSearch, registry: name, detail: "limit must be 1-\(SearchPage.maxLimit), offset 0 or more")
        }
        guard criteria.parameters.values.allSatisfy({ !$0.isEmpty }) else {
            throw ConnectorError(code: .invalidSearch, registry: name, detail: "a search parameter is empty")
        }
        let query = NativeSearch(
            name: definition.name, parameters: criteria.parameters, limit: definition.maxCandidates + 1)
        let natives: [NativeRecord]
        do {
            natives = try await connector.search(query)
        } catch {
            var error = error
            if error.registry.isEmpty { error.registry = name }
            throw error
        }
        var matches: [JSONValue] = []
        let wanted = page.offset + page.limit + 1
        for native in natives.prefix(definition.maxCandidates) {
            let record: JSONValue
            do {
                record = try mapping.map(native)
            } catch {
                throw ConnectorError(error)
            }
            if definition.matches(record, criteria: criteria) { matches.append(record) }
        }
        // Candidates past the cap may hold matches that belong on this page.
        if natives.count > definition.maxCandidates, matches.count < wanted {
            throw ConnectorError(
                code: .searchTooBroad, registry: name,
                detail: "search '\(definition.name)' has more than \(definition.maxCandidates) candidates")
        }
        let records = Array(matches.dropFirst(page.offset).prefix(page.limit))
        let nextOffset = matches.count > page.offset + page.limit ? page.offset + page.limit : nil
        return SearchResult(records: records, nextOffset: nextOffset)
    }
}
