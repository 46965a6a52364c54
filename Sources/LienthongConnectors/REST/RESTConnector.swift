public import LienthongHTTP
public import LienthongJSON

/// A registry behind an agency's HTTP API, reached through libcurl: one GET per lookup, the key
/// percent-encoded into the URL template, the JSON answer as the native record.
public struct RESTConnector: RegistryConnector {
    /// The largest agency answer accepted; a larger one is aborted while it streams in.
    public static let maxResponseBytes = 4 * 1024 * 1024

    let registry: String
    private let configuration: RESTConnectorConfiguration
    private let variables: [String: String]
    private let client: HTTPClient

    /// Creates a connector.
    /// - Parameters:
    ///   - variables: values for URL template placeholders that are not key parts (e.g. `port`).
    ///   - client: the shared HTTP client (its connections are reused across lookups).
    public init(
        registry: String, configuration: RESTConnectorConfiguration, variables: [String: String], client: HTTPClient
    ) {
        self.registry = registry
        self.configuration = configuration
        self.variables = variables
        self.client = client
    }

    /// GETs the URL of `key` and returns the JSON object it answers.
    /// - Returns: The object, or `nil` when the status is one of `notFound`.
    /// - Throws: `upstream-timeout` when no answer came in time, `upstream-unavailable` when the API could not be
    ///   reached or answered another non-2xx status, `upstream-contract-violation` when the body is too large, not
    ///   JSON, or not an object.
    public func lookup(key: String) async throws(ConnectorError) -> NativeRecord? {
        guard let url = configuration.url(for: key, variables: variables) else {
            throw ConnectorError(code: .configuration, registry: registry, detail: "the URL template does not fit the key")
        }
        guard let document = try await get(url) else { return nil }
        guard case .object = document else {
            throw ConnectorError(code: .upstreamContractViolation, registry: registry, detail: "the answer is not a JSON object")
        }
        return document
    }

    /// GETs the configured search URL of `query.name` (placeholders: the search parameters, `limit`, and the
    /// runtime variables) and returns the JSON array of objects it answers, at most `query.limit` of them.
    /// - Throws: `connector-unsupported` when no search has that name; otherwise as ``lookup(key:)`` (an answer
    ///   that is not an array of objects breaks the contract).
    public func search(_ query: NativeSearch) async throws(ConnectorError) -> [NativeRecord] {
        guard let template = configuration.search[query.name] else {
            throw ConnectorError(code: .unsupported, registry: registry, detail: "no search '\(query.name)'")
        }
        var values = query.parameters.mapValues(RESTConnectorConfiguration.encode)
        values["limit"] = String(query.limit)
        guard let url = RESTConnectorConfiguration.fill(template, values: variables.merging(values) { $1 }) else {
            throw ConnectorError(code: .configuration, registry: registry, detail: "search '\(query.name)' has an unfilled placeholder")
        }
        guard let document = try await get(url) else { return [] }
        guard let items = document.arrayValue, items.allSatisfy({ $0.objectValue != nil }) else {
            throw ConnectorError(
                code: .upstreamContractViolation, registry: registry, detail: "the answer is not an array of objects")
        }
        return Array(items.prefix(query.limit))
    }

    /// Opens the document of `key` at the configured `document.urlTemplate` and returns once its head arrived;
    /// the body streams through the result (at most about 1 MiB held while the reader lags).
    /// - Returns: The stream, or `nil` when the status is one of `notFound`.
    /// - Throws: `connector-unsupported` without a `document` configuration; `upstream-timeout`,
    ///   `upstream-unavailable` (including a non-2xx status) or `upstream-contract-violation` (announced length
    ///   over `maxBytes`) as for lookups.
    public func openDocument(key: String) async throws(ConnectorError) -> DocumentStream? {
        guard let document = configuration.document else {
            throw ConnectorError(code: .unsupported, registry: registry, detail: "the registry serves no documents")
        }
        guard let url = configuration.url(for: key, variables: variables, template: document.urlTemplate) else {
            throw ConnectorError(
                code: .configuration, registry: registry, detail: "the document URL template does not fit the key")
        }
        let stream: HTTPClientStream
        do {
            stream = try await client.stream(
                HTTPClientRequest(
                    url: url, headers: headers(accept: document.contentType),
                    connectTimeout: .milliseconds(configuration.timeoutMs),
                    totalTimeout: .milliseconds(document.transferTimeoutMs), maxResponseBytes: document.maxBytes
                )
            )
        } catch {
            throw ConnectorError(transfer: error, registry: registry)
        }
        if configuration.notFound.contains(stream.status) {
            stream.cancel()
            return nil
        }
        try checkSuccess(stream.status, or: stream.cancel)
        return DocumentStream(registry: registry, contentType: document.contentType, body: stream)
    }

    /// The configured headers, with `Accept` replaced when `accept` is given.
    private func headers(accept: String? = nil) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for (name, value) in configuration.headers.sorted(by: { $0.key < $1.key }) {
            if accept != nil, name.lowercased() == "accept" { continue }
            headers.add(name: name, value: value)
        }
        if let accept { headers.add(name: "Accept", value: accept) }
        return headers
    }

    /// Throws `upstream-unavailable` for a status outside 2xx, after calling `abandon`.
    private func checkSuccess(_ status: Int, or abandon: () -> Void = {}) throws(ConnectorError) {
        guard !(200..<300).contains(status) else { return }
        abandon()
        throw ConnectorError(
            code: .unavailable, registry: registry, detail: "the agency API answered \(status)", cause: "http.\(status)"
        )
    }

    /// The parsed JSON body of a 2xx answer, or `nil` for a `notFound` status.
    func get(_ url: String) async throws(ConnectorError) -> JSONValue? {
        let timeout = Duration.milliseconds(configuration.timeoutMs)
        let response: HTTPClientResponse
        do {
            response = try await client.send(
                HTTPClientRequest(
                    url: url, headers: headers(), connectTimeout: timeout, totalTimeout: timeout,
                    maxResponseBytes: Self.maxResponseBytes
                )
            )
        } catch {
            throw ConnectorError(transfer: error, registry: registry)
        }
        if configuration.notFound.contains(response.status) { return nil }
        try checkSuccess(response.status)
        do {
            return try JSONValue.parse(response.body)
        } catch {
            throw ConnectorError(
                code: .upstreamContractViolation, registry: registry, detail: "the answer is not valid JSON",
                cause: "json"
            )
        }
    }

    /// Always up: the API is asked nothing until a lookup (the circuit breaker reports outages).
    public func health() async -> ConnectorHealth { .up }

    /// Nothing to release: the HTTP client is shared.
    public func close() async {}
}
