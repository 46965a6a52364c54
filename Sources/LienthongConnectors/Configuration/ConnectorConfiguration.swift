/// Which kind of back end a registry uses, with that kind's settings (the `connector` member, chosen by `kind`).
public enum ConnectorConfiguration: Sendable, Equatable {
    /// An SQLite database (`"kind": "sqlite"`).
    case sqlite(SQLiteConnectorConfiguration)
    /// An agency REST API (`"kind": "rest"`).
    case rest(RESTConnectorConfiguration)
    /// A CSV file indexed in memory (`"kind": "csv"`).
    case csv(CSVConnectorConfiguration)
    /// A PostgreSQL database (`"kind": "postgres"`).
    case postgres(PostgresConnectorConfiguration)
}
