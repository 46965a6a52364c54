import Foundation
import LienthongJSON

/// A run of `lienthong-bench direct`: a registry's database queried with the connector's lookup, no gateway.
struct DirectRun {
    var scenario: String
    var connections: Int
    var operations: Int
    var opsPerSecond: Double
    var misses: Int
    var errors: Int
    var p50, p99: Double  // milliseconds
    var failure: String?
    var raw: JSONValue

    init(_ value: JSONValue) {
        func number(_ name: String) -> Double { value[name]?.numberValue?.double ?? 0 }
        scenario = value["scenario"]?.stringValue ?? "?"
        connections = value["connections"]?.numberValue?.int ?? 0
        operations = Int(number("operations"))
        opsPerSecond = number("opsPerSecond")
        misses = Int(number("misses"))
        errors = Int(number("errors"))
        p50 = value["latencyMs"]?["p50"]?.numberValue?.double ?? 0
        p99 = value["latencyMs"]?["p99"]?.numberValue?.double ?? 0
        failure = value["failure"]?.stringValue
        raw = value
    }

    /// Why the run does not count, or nil when it does.
    var invalidReason: String? {
        if errors > 0 { return "\(errors) errors (\(failure ?? "?"))" }
        if let failure { return failure }
        if operations == 0 { return "no lookup completed" }
        if misses > 0 { return "\(misses) lookups found no row" }
        return nil
    }
}

/// One row of the per-connector-kind table: a kind's gateway lookups beside its baseline at one connection count.
struct ConnectorKindComparison {
    /// One side: throughput per second and p99 latency, and whether the run counts.
    struct Side {
        var scenario: String
        var perSecond: Double
        var p99: Double
        var invalidReason: String?
    }

    /// Each kind: the gateway scenario, its baseline, and what the baseline is.
    static let kinds: [(kind: String, gateway: String, baseline: String, method: String)] = [
        ("sqlite", "lookup-sqlite", "direct-sqlite", "the connector's query on the same file, libsqlite3"),
        ("postgres", "lookup-postgres", "direct-postgres", "the connector's query on the same database, libpq"),
        ("rest", "lookup-rest", "ref-proxy", "nginx proxying the same upstream"),
        // Not a registry kind: the audit log on PostgreSQL against the rate the server makes single rows durable.
        (
            "pg-audit", "lookup-pg-audit", "direct-pg-insert",
            "audit-sized rows into the same table, one per commit, synchronous_commit on, libpq"
        ),
    ]

    var kind: String
    var method: String
    var connections: Int
    var gateway: Side
    var baseline: Side

    /// Gateway req/s ÷ baseline ops/s (or req/s), when both runs count.
    var ratio: Double? {
        guard gateway.invalidReason == nil, baseline.invalidReason == nil, baseline.perSecond > 0 else { return nil }
        return gateway.perSecond / baseline.perSecond
    }
}

extension Report {
    /// Every kind at every connection count where both its gateway run and its baseline ran, kinds in order.
    var perConnectorKind: [ConnectorKindComparison] {
        func wrkSide(_ run: Run) -> ConnectorKindComparison.Side {
            .init(
                scenario: run.scenario, perSecond: run.wrk?.requestsPerSecond ?? 0, p99: run.wrk?.p99 ?? 0,
                invalidReason: run.invalidReason)
        }
        var rows: [ConnectorKindComparison] = []
        for kind in ConnectorKindComparison.kinds {
            for gateway in runs where gateway.scenario == kind.gateway {
                let baseline: ConnectorKindComparison.Side
                if let direct = directRuns.first(where: { $0.scenario == kind.baseline && $0.connections == gateway.connections }) {
                    baseline = .init(
                        scenario: direct.scenario, perSecond: direct.opsPerSecond, p99: direct.p99,
                        invalidReason: direct.invalidReason)
                } else if let reference = runs.first(where: { $0.scenario == kind.baseline && $0.connections == gateway.connections }) {
                    baseline = wrkSide(reference)
                } else {
                    continue
                }
                rows.append(
                    ConnectorKindComparison(
                        kind: kind.kind, method: kind.method, connections: gateway.connections, gateway: wrkSide(gateway),
                        baseline: baseline))
            }
        }
        return rows
    }

    /// Direct runs that do not count.
    var invalidDirectRuns: [DirectRun] { directRuns.filter { $0.invalidReason != nil } }

    /// The `perConnectorKind` member of the results JSON.
    func perConnectorKindJSON() -> JSONValue {
        .array(
            perConnectorKind.map { row in
                func side(_ side: ConnectorKindComparison.Side) -> JSONValue {
                    var object: JSONObject = [
                        "scenario": .string(side.scenario), "perSecond": .number(JSONNumber(round3(side.perSecond))),
                        "p99Ms": .number(JSONNumber(round3(side.p99))),
                    ]
                    if let reason = side.invalidReason { object["invalidReason"] = .string(reason) }
                    return .object(object)
                }
                return [
                    "kind": .string(row.kind), "connections": .number(JSONNumber(row.connections)),
                    "gateway": side(row.gateway), "baseline": side(row.baseline), "baselineMethod": .string(row.method),
                    "ratio": row.ratio.map { .number(JSONNumber(round3($0))) } ?? .null,
                ]
            }
        )
    }

    /// The per-connector-kind section of the Markdown report (empty when no kind has both sides).
    func perConnectorKindMarkdown() -> String {
        let rows = perConnectorKind
        guard !rows.isEmpty else { return "" }
        var out = "\n### Per connector kind\n\n"
        out += "Gateway lookups (wrk → gateway → registry) beside a baseline on the same back end, in the same run: "
        out += "SQLite and PostgreSQL, the connector's configured lookup query run directly by `lienthong-bench direct` "
        out += "with the same client library and as many workers as wrk connections; REST, nginx proxying the same "
        out += "upstream. Ratio = gateway req/s ÷ baseline ops/s.\n\n"
        out += "| kind | conns | gateway req/s | gateway p99 ms | baseline | baseline ops/s | baseline p99 ms | ratio |\n"
        out += "|---|--:|--:|--:|---|--:|--:|--:|\n"
        for row in rows {
            let ratio = row.ratio.map { String(format: $0 < 0.1 ? "%.3f×" : "%.2f×", $0) } ?? "INVALID"
            out += "| \(row.kind) | \(row.connections) | \(String(format: "%.0f", row.gateway.perSecond)) | "
            out += "\(String(format: "%.2f", row.gateway.p99)) | \(row.baseline.scenario) | "
            out += "\(String(format: "%.0f", row.baseline.perSecond)) | \(String(format: "%.2f", row.baseline.p99)) | \(ratio) |\n"
        }
        for direct in invalidDirectRuns {
            out += "\n**\(direct.scenario) c\(direct.connections)**: INVALID: \(direct.invalidReason ?? "?")\n"
        }
        return out
    }
}
