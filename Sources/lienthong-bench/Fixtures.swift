import Foundation
import Glibc
import LienthongJSON

/// A TCP port on 127.0.0.1 that was free a moment ago (the caller binds it soon after).
enum FreePort {
    static func find() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw BenchError("socket: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else { throw BenchError("bind: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// The upstream's static files and the request path lists wrk cycles through.
///
/// - `<upstream-root>/api/v1/thua-dat/{maXa}/{soToBanDo}/{soThua}`: each parcel of `seeds/land.json`, as the
///   demo agency API would answer it.
/// - `<out>/land-upstream.paths`: those paths (for the reference proxy);
///   `<out>/land-gateway.paths`: `/v1/records/land/<key>` for the same parcels;
///   `<out>/population-gateway.paths`: `/v1/records/population/<id>` for every person of `seeds/population.csv`;
///   `<out>/population.ids`: the ids alone.
/// - The scanned file of the first parcel, `--large-mib` MiB (default 50) of a fixed pseudo-random pattern, at
///   `<upstream-root>/api/v1/tai-lieu/{maXa}/{soToBanDo}/{soThua}` (the land connector's `document.urlTemplate`),
///   its key in `<out>/large.key`: the `large-payload` scenario streams it through the gateway.
enum Fixtures {
    static func write(seeds: String, upstreamRoot: String, out: String, largeMiB: Int) throws {
        let landText = try Data(contentsOf: URL(fileURLWithPath: seeds + "/land.json"))
        guard let parcels = try JSONValue.parse(Array(landText), limits: JSONLimits(maxBytes: 256 << 20)).arrayValue,
            !parcels.isEmpty
        else { throw BenchError("\(seeds)/land.json: expected a non-empty array") }

        var upstreamPaths: [String] = []
        var gatewayPaths: [String] = []
        for parcel in parcels {
            guard let commune = parcel["maXa"]?.stringValue, let sheet = parcel["soToBanDo"]?.numberValue?.int,
                let number = parcel["soThua"]?.numberValue?.int
            else { throw BenchError("\(seeds)/land.json: a parcel without maXa, soToBanDo or soThua") }
            let path = "/api/v1/thua-dat/\(commune)/\(sheet)/\(number)"
            try writeFile(upstreamRoot + path, parcel.serializedBytes())
            upstreamPaths.append(path)
            gatewayPaths.append("/v1/records/land/\(commune)-\(sheet)-\(number)")
        }

        if largeMiB > 0, let first = gatewayPaths.first {
            let key = first.dropFirst("/v1/records/land/".count)
            let path = upstreamRoot + "/api/v1/tai-lieu/" + key.replacingOccurrences(of: "-", with: "/")
            try writeLargeFile(path, mebibytes: largeMiB)
            try writeFile(out + "/large.key", Array("\(key)\n".utf8))
        }

        let csv = try String(contentsOfFile: seeds + "/population.csv", encoding: .utf8)
        let ids = csv.split(whereSeparator: \.isNewline).dropFirst().compactMap { line -> String? in
            let id = line.prefix { $0 != "," }.trimmingCharacters(in: .whitespaces)
            return id.isEmpty ? nil : id
        }
        guard !ids.isEmpty else { throw BenchError("\(seeds)/population.csv: no rows") }

        try writeLines(out + "/land-upstream.paths", upstreamPaths)
        try writeLines(out + "/land-gateway.paths", gatewayPaths)
        try writeLines(out + "/population-gateway.paths", ids.map { "/v1/records/population/\($0)" })
        try writeLines(out + "/population.ids", ids)
    }

    /// `mebibytes` MiB of a fixed pseudo-random block (incompressible, like a scanned file), written a block at a time.
    private static func writeLargeFile(_ path: String, mebibytes: Int) throws {
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        var block: [UInt8] = []
        block.reserveCapacity(1 << 20)
        while block.count < 1 << 20 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            withUnsafeBytes(of: state.littleEndian) { block.append(contentsOf: $0) }
        }
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw BenchError("\(path): cannot create") }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        for _ in 0..<mebibytes { try handle.write(contentsOf: block) }
    }

    private static func writeLines(_ path: String, _ lines: [String]) throws {
        try writeFile(path, Array((lines.joined(separator: "\n") + "\n").utf8))
    }

    private static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }
}

/// Rewrites a copy of `config/demo` for the benchmark: absolute `seeds` and `schemas`, no demo agency API,
/// the land registry's REST connector (records and documents) pointed at the upstream nginx and its change feed off,
/// (with `--plain`) no TLS, and (with `--audit-off`) the audit log off, to measure its cost.
enum ConfigRewrite {
    static func apply(
        config: String, repo: String, upstreamPort: Int, plain: Bool, auditOff: Bool = false,
        postgresStorage: String? = nil, busServers: String? = nil
    ) throws {
        let nodePath = config + "/node.json"
        guard case .object(var node) = try read(nodePath) else { throw BenchError("\(nodePath): not an object") }
        node["seeds"] = .string(repo + "/seeds")
        node["schemas"] = .string(repo + "/schemas")
        node["demoAgencyAPI"] = nil
        // Gateways of a run may overlap: each admin listener takes a port of its own.
        var admin = node["admin"]?.objectValue ?? [:]
        admin["listen"] = "127.0.0.1:0"
        node["admin"] = .object(admin)
        if plain { node["tls"] = nil }
        if auditOff { node["audit"] = ["enabled": false] }
        if let url = postgresStorage { node["storage"] = ["kind": "postgres", "url": .string(url), "node": "bench-node"] }
        if let servers = busServers?.split(separator: ",").map({ JSONValue.string(String($0)) }) {
            node["bus"] = [
                "engine": "jetstream", "servers": .array(servers), "replicas": .number(JSONNumber(servers.count)),
            ]
        }
        try write(.object(node), to: nodePath)

        let landPath = config + "/registries/land.json"
        guard case .object(var land) = try read(landPath), case .object(var connector)? = land["connector"],
            let template = connector["urlTemplate"]?.stringValue, template.contains("{port}")
        else { throw BenchError("\(landPath): no connector.urlTemplate with {port}") }
        connector["urlTemplate"] = .string(template.replacingOccurrences(of: "{port}", with: String(upstreamPort)))
        if case .object(var document)? = connector["document"], let documentTemplate = document["urlTemplate"]?.stringValue {
            document["urlTemplate"] = .string(documentTemplate.replacingOccurrences(of: "{port}", with: String(upstreamPort)))
            connector["document"] = .object(document)
        }
        land["connector"] = .object(connector)
        // The upstream nginx serves records and documents, not the demo agency's change feed: a node polling it would
        // log a failure twice a second for the whole run. Without the land registry's events, their grants go too.
        let landEvents = Set(land["events"]?["types"]?.arrayValue?.compactMap { $0["type"]?.stringValue } ?? [])
        land["events"] = nil
        try write(.object(land), to: landPath)
        let grantsPath = config + "/grants.json"
        guard case .array(let grants) = try read(grantsPath) else { throw BenchError("\(grantsPath): not an array") }
        let kept = grants.filter { grant in
            grant["kind"]?.stringValue != "events"
                || !(grant["eventTypes"]?.arrayValue ?? []).contains { landEvents.contains($0.stringValue ?? "") }
        }
        try write(.array(kept), to: grantsPath)
    }

    private static func read(_ path: String) throws -> JSONValue {
        try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    private static func write(_ value: JSONValue, to path: String) throws {
        try Data(value.serializedBytes(pretty: true) + [0x0A]).write(to: URL(fileURLWithPath: path))
    }
}
