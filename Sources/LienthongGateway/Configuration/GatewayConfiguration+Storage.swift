public import Foundation
public import LienthongNodeStore
import LienthongStorage

extension GatewayConfiguration {
    /// The storage `node.json` chooses: ``SQLiteNodeStore`` in the data directory (the default), or
    /// ``PostgresNodeStore`` on the configured database, its placeholders filled from `environment`.
    /// - Throws: ``ConfigurationError`` when a placeholder has no value (``ConfigurationCheck`` reports it first).
    public func nodeStateStore(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> any NodeStateStore {
        guard let storage = node.storage, storage.kind == .postgres else {
            return SQLiteNodeStore(dataDirectory: dataDirectory)
        }
        guard let url = storage.url, let conninfo = PostgresConninfo.resolve(url, environment: environment) else {
            throw ConfigurationError(
                file: "node.json", pointer: "/storage/url", message: "a placeholder has no value in the environment")
        }
        let nodeID = try storage.node.map { text throws(ConfigurationError) in
            guard let resolved = PostgresConninfo.resolve(text, environment: environment) else {
                throw ConfigurationError(
                    file: "node.json", pointer: "/storage/node",
                    message: "a placeholder has no value in the environment")
            }
            return resolved
        }
        return PostgresNodeStore(conninfo: conninfo, nodeID: nodeID ?? ProcessInfo.processInfo.hostName)
    }
}
