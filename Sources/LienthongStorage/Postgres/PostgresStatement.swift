/// One statement with its parameters, for ``PostgresConnectionPool/run(_:)``.
public struct PostgresStatement: Sendable, Hashable {
    /// One SQL statement using `$1`, `$2`, ... for parameters.
    public var sql: String
    /// The parameter values in order, `nil` for SQL `NULL`; always bound, never spliced.
    public var parameters: [String?]
    /// Whether to prepare the statement once per connection and reuse it.
    public var prepared: Bool

    /// Creates a statement.
    public init(_ sql: String, _ parameters: [String?] = [], prepared: Bool = false) {
        self.sql = sql
        self.parameters = parameters
        self.prepared = prepared
    }
}

/// Work on one connection: each statement is chosen from the results of those before it (`nil` ends the work),
/// so a transaction can commit or roll back on what it found without holding the connection across a suspension.
public typealias PostgresWork = @Sendable (_ resultsSoFar: [PostgresResult]) -> PostgresStatement?
