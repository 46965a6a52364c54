import Foundation
import LienthongJSON

extension Report {
    /// The runs a federated lookup is set beside, in the order of the table: the lookup on one node, the one nginx TLS
    /// proxy (issue 14's target: the federated lookup at least 1/6 of its req/s at 64 connections) and the two chained
    /// nginx TLS proxies.
    static let federatedComparisons = ["lookup-sqlite-tls", "ref-proxy-tls", "federated-ref-chain"]
    /// Issue 14's target: federated-lookup req/s ÷ ref-proxy-tls req/s at 64 connections.
    static let federatedTarget = 1.0 / 6.0

    /// Section 10 of bench/run, one row per connection count with a federated-lookup run: its req/s and p99 beside
    /// each comparison's valid run of the same connection count, and the ratios (req/s and p99) to each.
    struct FederatedRow {
        var connections: Int
        var federated: Run
        /// Per ``Report/federatedComparisons`` entry: the valid run of that scenario, if there is one.
        var comparisons: [(scenario: String, run: Run?)]

        /// The valid run of `scenario` at this connection count, if there is one.
        func comparison(_ scenario: String) -> Run? { comparisons.first { $0.scenario == scenario }?.run }

        /// federated ÷ comparison, for req/s and p99, when both runs are valid.
        func ratio(to run: Run?) -> (throughput: Double, p99: Double)? {
            guard federated.invalidReason == nil, let run, let mine = federated.wrk, let theirs = run.wrk,
                theirs.requestsPerSecond > 0, theirs.p99 > 0
            else { return nil }
            return (mine.requestsPerSecond / theirs.requestsPerSecond, mine.p99 / theirs.p99)
        }
    }

    var federatedRows: [FederatedRow] {
        runs.filter { $0.scenario == "federated-lookup" }.map { federated in
            FederatedRow(
                connections: federated.connections, federated: federated,
                comparisons: Self.federatedComparisons.map { scenario in
                    (scenario, runs.first {
                        $0.scenario == scenario && $0.connections == federated.connections && $0.invalidReason == nil
                    })
                })
        }
    }

    func federatedJSON() -> JSONValue {
        .array(
            federatedRows.map { row in
                func figures(_ run: Run?) -> JSONValue {
                    guard let run, let wrk = run.wrk else { return .null }
                    return ["requestsPerSecond": .number(JSONNumber(round3(wrk.requestsPerSecond))),
                            "p99Ms": .number(JSONNumber(round3(wrk.p99)))]
                }
                var ratios: JSONObject = [:]
                var others: JSONObject = [:]
                for (scenario, run) in row.comparisons {
                    others[scenario] = figures(run)
                    ratios[scenario] = row.ratio(to: run).map {
                        ["requestsPerSecond": .number(JSONNumber(round3($0.throughput))),
                         "p99": .number(JSONNumber(round3($0.p99)))]
                    } ?? .null
                }
                var object: JSONObject = [
                    "connections": .number(JSONNumber(row.connections)), "federatedLookup": figures(row.federated),
                    "comparisons": .object(others), "ratios": .object(ratios),
                ]
                if let reason = row.federated.invalidReason { object["invalidReason"] = .string(reason) }
                if row.connections == 64, let ratio = row.ratio(to: row.comparison("ref-proxy-tls")) {
                    object["targetMet"] = .bool(ratio.throughput >= Self.federatedTarget)
                }
                return .object(object)
            })
    }

    func federatedMarkdown() -> String {
        let rows = federatedRows
        guard !rows.isEmpty else { return "" }
        var out = "\n### Federated lookup\n\n"
        out += "Consumer node → provider node over mutual TLS (both verify, sign and audit), beside the same lookup on "
        out += "one node, one nginx TLS proxy and two chained nginx TLS proxies, same run. Issue 14's target: "
        out += "federated-lookup ≥ 1/6 (0.167×) of ref-proxy-tls at 64 connections.\n\n"
        out += "| conns | federated req/s | p99 ms |"
        for scenario in Self.federatedComparisons { out += " \(scenario) req/s | p99 ms | federated ÷ it (p99) |" }
        out += "\n|--:|--:|--:|" + String(repeating: "--:|--:|--:|", count: Self.federatedComparisons.count) + "\n"
        for row in rows {
            var cells = [String(row.connections)]
            if let wrk = row.federated.wrk, row.federated.invalidReason == nil {
                cells += [String(format: "%.0f", wrk.requestsPerSecond), String(format: "%.1f", wrk.p99)]
            } else {
                cells += ["INVALID", "–"]
            }
            for (_, run) in row.comparisons {
                guard let wrk = run?.wrk else {
                    cells += ["–", "–", "–"]
                    continue
                }
                cells += [String(format: "%.0f", wrk.requestsPerSecond), String(format: "%.1f", wrk.p99)]
                cells.append(
                    row.ratio(to: run).map { String(format: "%.3f× (%.2f×)", $0.throughput, $0.p99) } ?? "–")
            }
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        if let row = rows.first(where: { $0.connections == 64 }),
            let ratio = row.ratio(to: row.comparison("ref-proxy-tls"))
        {
            out += String(
                format: "\nAt 64 connections: %.3f× ref-proxy-tls, target ≥ 0.167×: %@.\n", ratio.throughput,
                ratio.throughput >= Self.federatedTarget ? "met" : "NOT met")
        }
        return out
    }
}
