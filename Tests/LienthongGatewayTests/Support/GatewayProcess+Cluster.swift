import Foundation
import LienthongJSON

extension GatewayProcess {
    /// A demo configuration whose node state is in the PostgreSQL at `url`, the node id from `LIENTHONG_NODE_ID`;
    /// `node` changes more of its node.json.
    static func sharedStateConfiguration(
        postgresURL url: String, node: (inout JSONObject) -> Void = { _ in }
    ) throws -> URL {
        try demoConfiguration {
            try editJSON($0.appendingPathComponent("node.json")) {
                $0["storage"] = ["kind": "postgres", "url": .string(url), "node": "{LIENTHONG_NODE_ID}"]
                node(&$0)
            }
        }
    }

    /// `count` nodes of one agency on one PostgreSQL (`node-a`, `node-b`, …): the first makes the data directory
    /// (development PKI, tokens, audit secret, demo registries), the others start on copies of it, as nodes
    /// deployed from one set of secrets would. The files named in `sharing` (demo registry databases) are not
    /// copied: the others link to the first's, as nodes of one agency all read its one registry database.
    static func cluster(
        _ count: Int, postgresURL url: String, sharing: [String] = [], node: (inout JSONObject) -> Void = { _ in }
    ) throws -> [GatewayProcess] {
        let configuration = try sharedStateConfiguration(postgresURL: url, node: node)
        let first = try GatewayProcess(configDirectory: configuration, environment: ["LIENTHONG_NODE_ID": "node-a"])
        var nodes = [first]
        for index in 1..<count {
            let letter = String(UnicodeScalar(UInt8(ascii: "a") + UInt8(index)))
            let data = FileManager.default.temporaryDirectory
                .appendingPathComponent("lienthong-data-\(UUID().uuidString)")
            try FileManager.default.copyItem(at: first.dataDirectory, to: data)
            for name in sharing {
                for suffix in ["", "-wal", "-shm"] {
                    try? FileManager.default.removeItem(at: data.appendingPathComponent(name + suffix))
                }
                try FileManager.default.createSymbolicLink(
                    at: data.appendingPathComponent(name), withDestinationURL: first.dataDirectory.appendingPathComponent(name))
            }
            nodes.append(
                try GatewayProcess(
                    configDirectory: configuration, dataDirectory: data,
                    environment: ["LIENTHONG_NODE_ID": "node-\(letter)"]))
        }
        return nodes
    }
}
