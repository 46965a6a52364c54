public import LienthongHTTP
public import LienthongJSON

/// A registry behind an agency's HTTP API, reached through libcurl: one GET per lookup, the key
/// percent-encoded into the URL template, the JSON answer as the native record.
public struct RESTConnector: RegistryConnector {
    /// The largest agency answer accepted; a larger one is aborted while it streams in.
    public static let maxResponseBytes = 4 * 1024 * 1024

    private let registry: String
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

    public func lookup(key: String) async throws(ConnectorError) -> NativeRecord? {
        guard let url = configuration.url(for: key, variables: variables) else {
            throw ConnectorError(code: .configuration, registry: registry, detail: "the URL template does not fit the key")
        }
        var headers = HTTPHeaders()
        for (name, value) in configuration.headers.sorted(by: { $0.key < $1.key }) { headers.add(name: name, value: value) }
        let timeout = Duration.milliseconds(configuration.timeoutMs)
        let response: HTTPClientResponse
        do {
            response = try await client.send(
                HTTPClientRequest(
                    url: url, headers: headers, connectTimeout: timeout, totalTimeout: timeout,
                    maxResponseBytes: Self.maxResponseBytes
                )
            )
        } catch {
            switch error.code {
            case .timeout:
                throw ConnectorError(code: .timeout, registry: registry, detail: "no answer in time", cause: error.code.wireCode)
            case .responseTooLarge:
                throw ConnectorError(
                    code: .upstreamContractViolation, registry: registry, detail: "the answer exceeds the size limit",
                    cause: error.code.wireCode
                )
            default:
                throw ConnectorError(
                    code: .unavailable, registry: registry, detail: "the agency API could not be reached",
                    cause: error.code.wireCode
                )
            }
        }
        if configuration.notFound.contains(response.status) { return nil }
        guard (200..<300).contains(response.status) else {
            throw ConnectorError(
                code: .unavailable, registry: registry, detail: "the agency API answered \(response.status)",
                cause: "http.\(response.status)"
            )
        }
        do {
            let document = try JSONValue.parse(response.body)
            guard case .object = document else {
                throw ConnectorError(
                    code: .upstreamContractViolation, registry: registry, detail: "the answer is not a JSON object"
                )
            }
            return document
        } catch let error as ConnectorError {
            throw error
        } catch {
            throw ConnectorError(
                code: .upstreamContractViolation, registry: registry, detail: "the answer is not valid JSON",
                cause: "json"
            )
        }
    }

    public func health() async -> ConnectorHealth { .up }

    public func close() async {}
}
