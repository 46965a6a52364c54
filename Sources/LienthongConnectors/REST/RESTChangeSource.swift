import LienthongJSON

/// The changes of a registry behind an agency REST API, read from its change feed: `GET <feed>?after=<cursor>&limit=<n>`
/// answers `{"changes": [{"key": "44004-45-66", "cursor": "17"}], "head": "17"}` (oldest first; `head` the cursor of
/// the newest change, what ``head()`` reads with `limit=0`). The record after each change is the connector's lookup.
public struct RESTChangeSource: ChangeSource {
    let connector: RESTConnector
    /// The feed URL, its `{name}` placeholders filled from `variables`.
    let feed: String
    let variables: [String: String]

    /// A source over `feed`, looking records up through `connector`.
    public init(connector: RESTConnector, feed: String, variables: [String: String]) {
        self.connector = connector
        self.feed = feed
        self.variables = variables
    }

    public func head() async throws(ConnectorError) -> String {
        guard let head = try await read(after: nil, limit: 0)["head"]?.stringValue else {
            throw contract("the feed's answer has no head")
        }
        return head
    }

    public func changes(after cursor: String, limit: Int) async throws(ConnectorError) -> [NativeChange] {
        guard let items = try await read(after: cursor, limit: limit)["changes"]?.arrayValue, items.count <= limit else {
            throw contract("the feed's answer has no changes, or more than asked")
        }
        var changes: [NativeChange] = []
        for item in items {
            guard let key = item["key"]?.stringValue, let next = item["cursor"]?.stringValue else {
                throw contract("a change of the feed lacks its key or cursor")
            }
            changes.append(NativeChange(key: key, before: nil, after: try await connector.lookup(key: key), cursor: next))
        }
        return changes
    }

    private func read(after cursor: String?, limit: Int) async throws(ConnectorError) -> JSONValue {
        guard let base = RESTConnectorConfiguration.fill(feed, values: variables) else {
            throw ConnectorError(
                code: .configuration, registry: connector.registry, detail: "the feed URL has a placeholder without a value")
        }
        var url = base + (base.contains("?") ? "&" : "?") + "limit=\(limit)"
        if let cursor { url += "&after=" + RESTConnectorConfiguration.encode(cursor) }
        guard let answer = try await connector.get(url), answer.objectValue != nil else {
            throw contract("the feed answered no JSON object")
        }
        return answer
    }

    private func contract(_ detail: String) -> ConnectorError {
        ConnectorError(code: .upstreamContractViolation, registry: connector.registry, detail: detail)
    }
}
