/// A search as a connector runs it: the name of a configured search, its parameters, and a row limit.
///
/// Parameters carry canonical values by canonical name (e.g. `fullName`, `dateOfBirth` as `YYYY-MM-DD`); the
/// connector's configured query turns them into native conditions (SQL named parameters `:fullName`, REST URL
/// placeholders `{fullName}`).
public struct NativeSearch: Sendable, Equatable {
    /// The configured search, e.g. `fullNameAndDateOfBirth`.
    public var name: String
    /// Canonical parameter values by name, NFC.
    public var parameters: [String: String]
    /// The most rows to return.
    public var limit: Int

    /// Creates a search.
    public init(name: String, parameters: [String: String], limit: Int) {
        self.name = name
        self.parameters = parameters
        self.limit = limit
    }
}
