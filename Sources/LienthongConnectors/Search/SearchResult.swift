public import LienthongJSON

/// One page of a registry search: canonical records in the connector's order.
public struct SearchResult: Sendable, Equatable {
    /// The canonical records of the page.
    public var records: [JSONValue]
    /// The `offset` of the next page, or `nil` when this page is the last.
    public var nextOffset: Int?

    /// Creates a result.
    public init(records: [JSONValue], nextOffset: Int?) {
        self.records = records
        self.nextOffset = nextOffset
    }
}
