/// How much the node logs: `debug` < `info` < `warn` < `error`; `off` logs nothing.
///
/// Access lines are `info`, failures `error`, the writer's own troubles `warn`, each upstream call `debug`. Set by
/// `LIENTHONG_LOG_LEVEL`, else `node.json` `log.level`, else `info`.
public enum LogLevel: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case debug, info, warn, error, off

    /// The environment variable that sets the level; it wins over `node.json`.
    public static let environmentVariable = "LIENTHONG_LOG_LEVEL"

    /// Whether a line of level `line` is written at this level.
    func logs(_ line: LogLevel) -> Bool { line != .off && line >= self }

    /// The level the environment asks for, else the configured one, else `info`.
    /// - Throws: ``ConfigurationError`` when the environment names no level (a typo must not silence the log).
    public static func resolve(environment: [String: String], configured: LogLevel?) throws(ConfigurationError)
        -> LogLevel
    {
        guard let text = environment[environmentVariable], !text.isEmpty else { return configured ?? .info }
        guard let level = LogLevel(rawValue: text.lowercased()) else {
            throw ConfigurationError(
                file: environmentVariable,
                message: "'\(text.prefix(32))' is not one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return level
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .debug: 0
        case .info: 1
        case .warn: 2
        case .error: 3
        case .off: 4
        }
    }
}
