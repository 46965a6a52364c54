/// Where a REST registry serves the document of a key, and how large it may be (the `document` member of a
/// `rest` connector).
///
/// ```json
/// "document": { "urlTemplate": "http://127.0.0.1:{port}/api/v1/tai-lieu/{communeCode}/{mapSheet}/{parcelNumber}",
///               "maxBytes": 268435456, "contentType": "application/octet-stream", "transferTimeoutMs": 600000 }
/// ```
/// Placeholders are the connector's key parts and runtime variables, as in its `urlTemplate`. The connector's
/// `timeoutMs` bounds the wait for the answer's head; `transferTimeoutMs` the whole transfer.
public struct RESTDocumentConfiguration: Sendable, Equatable, Decodable {
    /// The URL with `{name}` placeholders.
    public var urlTemplate: String
    /// The largest document accepted; a larger one is cut off while it streams (far above the record limit).
    public var maxBytes: Int
    /// The media type the gateway declares for the document.
    public var contentType: String
    /// The longest a whole transfer may take, in milliseconds.
    public var transferTimeoutMs: Int

    /// Creates a configuration.
    public init(
        urlTemplate: String, maxBytes: Int = 256 * 1024 * 1024, contentType: String = "application/octet-stream",
        transferTimeoutMs: Int = 600_000
    ) {
        self.urlTemplate = urlTemplate
        self.maxBytes = maxBytes
        self.contentType = contentType
        self.transferTimeoutMs = transferTimeoutMs
    }

    private enum CodingKeys: String, CodingKey { case urlTemplate, maxBytes, contentType, transferTimeoutMs }

    /// Decodes the configuration with the defaults of ``init(urlTemplate:maxBytes:contentType:transferTimeoutMs:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            urlTemplate: try container.decode(String.self, forKey: .urlTemplate),
            maxBytes: try container.decodeIfPresent(Int.self, forKey: .maxBytes) ?? 256 * 1024 * 1024,
            contentType: try container.decodeIfPresent(String.self, forKey: .contentType) ?? "application/octet-stream",
            transferTimeoutMs: try container.decodeIfPresent(Int.self, forKey: .transferTimeoutMs) ?? 600_000
        )
    }
}
