import Foundation
import LienthongJSON

/// What wrk's `done()` hook printed (bench/wrk/report.lua).
struct WrkSummary {
    var requests: Int
    var durationSeconds: Double
    var requestsPerSecond: Double
    var connectErrors, readErrors, writeErrors, timeouts, non2xx: Int
    var p50, p90, p99, max: Double  // milliseconds

    init?(_ value: JSONValue?) {
        guard let value, let requests = value["requests"]?.numberValue?.int else { return nil }
        func number(_ pointer: String) -> Double { value[try! JSONPointer(pointer)]?.numberValue?.double ?? 0 }
        func count(_ pointer: String) -> Int { Int(number(pointer)) }
        self.requests = requests
        durationSeconds = number("/durationSeconds")
        requestsPerSecond = number("/requestsPerSecond")
        connectErrors = count("/errors/connect")
        readErrors = count("/errors/read")
        writeErrors = count("/errors/write")
        timeouts = count("/errors/timeout")
        non2xx = count("/errors/non2xx")
        p50 = number("/latencyMs/p50")
        p90 = number("/latencyMs/p90")
        p99 = number("/latencyMs/p99")
        max = number("/latencyMs/max")
    }

    var socketErrors: Int { connectErrors + readErrors + writeErrors + timeouts }
}

/// One scenario at one connection count.
struct Run {
    var scenario: String
    var side: String  // "gateway" or "reference"
    var transport: String
    var connections: Int
    var wrk: WrkSummary?
    var rssPeakKiB: Int?
    var rssMethod: String?
    var cpuPercent: Double?
    /// The measured processes' utime + stime during the run ÷ the requests wrk counted.
    var cpuMsPerRequest: Double?
    /// Voluntary + nonvoluntary context switches of every thread of the measured processes ÷ requests.
    var contextSwitchesPerRequest: Double?
    var failure: String?
    var raw: JSONValue

    /// Why the run does not count, or nil when it does.
    var invalidReason: String? {
        if let failure { return failure }
        guard let wrk else { return "wrk printed no summary" }
        if wrk.requests == 0 { return "no request completed" }
        if wrk.non2xx > 0 { return "\(wrk.non2xx) non-2xx responses" }
        return nil
    }
}

/// The reference each gateway scenario is compared with.
let referenceOf: [String: String] = [
    "lookup-rest": "ref-proxy", "lookup-sqlite": "ref-proxy",
    "lookup-rest-tls": "ref-proxy-tls", "lookup-sqlite-tls": "ref-proxy-tls",
    // The cost of the durable audit log: the same lookups with the log on, against a node with it off.
    "audit-on": "audit-off",
    // The cost of the operator log (issue #17: at most 5 %): the same lookups logged at info, against a node with
    // LIENTHONG_LOG_LEVEL=off.
    "log-on": "log-off",
    // The audit log on PostgreSQL (issue #19: at least 0.7× at 64 connections): the same lookups on a node whose
    // state is in PostgreSQL, against the same node on SQLite.
    "lookup-pg-audit": "lookup-pg-audit-sqlite",
    // A lookup forwarded from a consumer node to a provider node (issue 14: at least 1/6 of one nginx TLS proxy at
    // 64 connections); federatedMarkdown() also sets it beside lookup-sqlite-tls and the chained nginx proxies.
    "federated-lookup": "ref-proxy-tls",
]

struct SoakSample {
    var seconds: Double
    var rssKiB: Int
    var descriptors: Int
}

struct Report {
    var meta: JSONValue
    var runs: [Run] = []
    var notes: [(scenario: String, text: String)] = []
    /// One `large-payload` line per transport.
    var largePayloads: [JSONValue] = []
    var soak: JSONValue?
    var soakSamples: [SoakSample] = []
    var crypto: String?
    /// `lienthong-bench direct` baselines of the per-connector-kind comparison (ConnectorKinds.swift).
    var directRuns: [DirectRun] = []

    static func load(runs path: String, meta metaPath: String, crypto: String?) throws -> Report {
        let meta = try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: metaPath))))
        var report = Report(meta: meta)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() where !line.isEmpty {
            let value: JSONValue
            do { value = try JSONValue.parse(String(line)) } catch {
                throw BenchError("\(path):\(index + 1): \(error)")
            }
            switch value["kind"]?.stringValue {
            case "run":
                report.runs.append(
                    Run(
                        scenario: value["scenario"]?.stringValue ?? "?", side: value["side"]?.stringValue ?? "?",
                        transport: value["transport"]?.stringValue ?? "?",
                        connections: value["connections"]?.numberValue?.int ?? 0, wrk: WrkSummary(value["wrk"]),
                        rssPeakKiB: value["rssPeakKiB"]?.numberValue?.int, rssMethod: value["rssMethod"]?.stringValue,
                        cpuPercent: value["cpuPercent"]?.numberValue?.double,
                        cpuMsPerRequest: value["cpuMsPerRequest"]?.numberValue?.double,
                        contextSwitchesPerRequest: value["contextSwitchesPerRequest"]?.numberValue?.double,
                        failure: value["failure"]?.stringValue,
                        raw: value
                    )
                )
            case "note":
                report.notes.append((value["scenario"]?.stringValue ?? "", value["text"]?.stringValue ?? ""))
            case "large-payload":
                report.largePayloads.append(value)
            case "soak":
                report.soak = value
            case "direct":
                report.directRuns.append(DirectRun(value))
            case "soak-sample":
                report.soakSamples.append(
                    SoakSample(
                        seconds: value["seconds"]?.numberValue?.double ?? 0,
                        rssKiB: value["rssKiB"]?.numberValue?.int ?? 0,
                        descriptors: value["descriptors"]?.numberValue?.int ?? 0
                    )
                )
            default:
                throw BenchError("\(path):\(index + 1): unknown kind")
            }
        }
        if let crypto, FileManager.default.fileExists(atPath: crypto) {
            report.crypto = try String(contentsOfFile: crypto, encoding: .utf8)
        }
        return report
    }

    /// The reference run a gateway run is compared with: same reference scenario, same connection count.
    func reference(for run: Run) -> Run? {
        guard let name = referenceOf[run.scenario] else { return nil }
        return runs.first { $0.scenario == name && $0.connections == run.connections }
    }

    /// Gateway throughput ÷ reference throughput, when both runs are valid.
    func ratio(for run: Run) -> (throughput: Double, p99: Double)? {
        guard let reference = reference(for: run), run.invalidReason == nil, reference.invalidReason == nil,
            let mine = run.wrk, let theirs = reference.wrk, theirs.requestsPerSecond > 0, theirs.p99 > 0
        else { return nil }
        return (mine.requestsPerSecond / theirs.requestsPerSecond, mine.p99 / theirs.p99)
    }

    var invalidRuns: [Run] { runs.filter { $0.invalidReason != nil } }

    /// Runs of either kind (wrk or direct) that do not count.
    var invalidCount: Int { invalidRuns.count + invalidDirectRuns.count }

    // MARK: Soak verdict

    struct SoakVerdict {
        var flat: Bool?
        var text: String
    }

    /// Flat when the last window's peak RSS is at most the first window's peak + 10 % and descriptors do not grow
    /// (last window's peak ≤ first window's peak + 10 %, at least 4 of slack). Windows are a minute, or a third of
    /// the soak if it is shorter.
    var soakVerdict: SoakVerdict? {
        guard soak != nil else { return nil }
        guard let end = soakSamples.map(\.seconds).max(), soakSamples.count >= 3, end >= 30 else {
            return SoakVerdict(flat: nil, text: "too short for a verdict (needs ≥ 3 samples over ≥ 30 s)")
        }
        let window = min(60, end / 3)
        let first = soakSamples.filter { $0.seconds <= window }
        let last = soakSamples.filter { $0.seconds >= end - window }
        let firstRSS = first.map(\.rssKiB).max() ?? 0
        let lastRSS = last.map(\.rssKiB).max() ?? 0
        let firstFDs = first.map(\.descriptors).max() ?? 0
        let lastFDs = last.map(\.descriptors).max() ?? 0
        let rssFlat = Double(lastRSS) <= Double(firstRSS) * 1.10
        let fdsFlat = lastFDs <= firstFDs + Swift.max(4, firstFDs / 10)
        let text = String(
            format: "%@: peak RSS first %.0f s %.1f MiB, last %.0f s %.1f MiB (%@); descriptors %d → %d (%@)",
            rssFlat && fdsFlat ? "flat" : "NOT FLAT", window, Double(firstRSS) / 1024, window, Double(lastRSS) / 1024,
            rssFlat ? "≤ +10 %" : "> +10 %", firstFDs, lastFDs, fdsFlat ? "steady" : "growing"
        )
        return SoakVerdict(flat: rssFlat && fdsFlat, text: text)
    }

    // MARK: JSON

    func json() -> JSONValue {
        let runValues: [JSONValue] = runs.map { run in
            guard case .object(var object) = run.raw else { return run.raw }
            object["kind"] = nil
            object["status"] = .string(run.invalidReason == nil ? "valid" : "INVALID")
            if let reason = run.invalidReason { object["invalidReason"] = .string(reason) }
            if let reference = reference(for: run) { object["reference"] = .string(reference.scenario) }
            if let ratio = ratio(for: run) {
                object["ratioToReference"] = ["requestsPerSecond": .number(JSONNumber(round3(ratio.throughput))),
                                              "p99": .number(JSONNumber(round3(ratio.p99)))]
            }
            return .object(object)
        }
        var document: JSONObject = [
            "meta": meta, "runs": .array(runValues),
            "notes": .array(notes.map { ["scenario": .string($0.scenario), "text": .string($0.text)] }),
            "valid": .bool(invalidCount == 0),
        ]
        if !largePayloads.isEmpty {
            document["largePayload"] = .array(
                largePayloads.map { value in
                    guard case .object(var large) = value else { return value }
                    large["kind"] = nil
                    return .object(large)
                })
        }
        if case .object(var soakValue)? = soak {
            soakValue["kind"] = nil
            soakValue["samples"] = .array(
                soakSamples.map {
                    ["seconds": .number(JSONNumber($0.seconds)), "rssKiB": .number(JSONNumber($0.rssKiB)),
                     "descriptors": .number(JSONNumber($0.descriptors))]
                }
            )
            if let verdict = soakVerdict {
                soakValue["verdict"] = .string(verdict.text)
                soakValue["flat"] = verdict.flat.map { .bool($0) } ?? .null
            }
            document["soak"] = .object(soakValue)
        }
        if !directRuns.isEmpty {
            document["directRuns"] = .array(
                directRuns.map { direct in
                    guard case .object(var object) = direct.raw else { return direct.raw }
                    object["kind"] = nil
                    object["status"] = .string(direct.invalidReason == nil ? "valid" : "INVALID")
                    if let reason = direct.invalidReason { object["invalidReason"] = .string(reason) }
                    return .object(object)
                }
            )
            document["perConnectorKind"] = perConnectorKindJSON()
        }
        if runs.contains(where: { $0.scenario == "federated-lookup" }) { document["federatedLookup"] = federatedJSON() }
        if let crypto { document["crypto"] = .string(crypto) }
        return .object(document)
    }

    // MARK: Markdown

    func markdown() -> String {
        var out = ""
        let host = meta["host"]?.stringValue ?? "?"
        let date = meta["date"]?.stringValue ?? "?"
        out += "## Lienthong benchmark: \(host), \(date)\n\n"
        var facts: [String] = []
        if !runs.isEmpty, let duration = meta["durationSeconds"]?.numberValue { facts.append("\(duration) s per run") }
        if let cpus = meta["cpus"]?.numberValue { facts.append("\(cpus) CPUs") }
        if let load = meta["loadAverageStart"]?.stringValue { facts.append("load average at start \(load)") }
        if let commit = meta["commit"]?.stringValue { facts.append("commit \(commit)") }
        if !facts.isEmpty { out += facts.joined(separator: ", ") + "\n\n" }

        if !runs.isEmpty {
            out += "| scenario | conns | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | peak RSS MiB | CPU % core | vs reference | status |\n"
            out += "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|\n"
            for run in runs {
                var cells = [run.scenario, String(run.connections)]
                if let wrk = run.wrk {
                    cells += [
                        String(format: "%.0f", wrk.requestsPerSecond), ms(wrk.p50), ms(wrk.p90), ms(wrk.p99), ms(wrk.max),
                        errors(wrk),
                    ]
                } else {
                    cells += ["–", "–", "–", "–", "–", "–"]
                }
                cells.append(run.rssPeakKiB.map { String(format: "%.1f", Double($0) / 1024) } ?? "–")
                cells.append(run.cpuPercent.map { String(format: "%.0f", $0) } ?? "–")
                if let ratio = ratio(for: run), let reference = reference(for: run) {
                    cells.append(
                        String(format: ratio.throughput < 0.1 ? "%.3f× %@ (p99 %.2f×)" : "%.2f× %@ (p99 %.2f×)",
                               ratio.throughput, reference.scenario, ratio.p99)
                    )
                } else {
                    cells.append(run.side == "reference" ? "(reference)" : "–")
                }
                cells.append(run.invalidReason.map { "INVALID: \($0)" } ?? "ok")
                out += "| " + cells.joined(separator: " | ") + " |\n"
            }
            out += "\nPeak RSS and CPU are the gateway's for lookup scenarios and the reference nginx proxy's (master and "
            out += "workers) for ref-proxy scenarios; the upstream nginx serves both and is not counted.\n"
        }

        out += perConnectorKindMarkdown()
        out += cpuPerRequestMarkdown()
        out += messagesMarkdown()
        out += federatedMarkdown()
        for large in largePayloads {
            out += "\n**large-payload** \(large["text"]?.stringValue ?? "?")\n"
        }
        for note in notes {
            out += "\n**\(note.scenario)**: \(note.text)\n"
        }
        if let soak {
            out += "\n### Soak\n\n"
            out += "lookup-sqlite at \(soak["connections"]?.numberValue?.description ?? "?") connections for "
            out += "\(soak["minutes"]?.numberValue?.description ?? "?") min"
            if let wrk = WrkSummary(soak["wrk"]) {
                out += String(format: ": %.0f req/s, p99 %@ ms, errors %@", wrk.requestsPerSecond, ms(wrk.p99), errors(wrk))
                if let peak = soak["peakRequestsPerSecond"]?.numberValue?.double, peak > 0 {
                    out += String(format: " (%.2f of the measured peak, %.0f req/s)", wrk.requestsPerSecond / peak, peak)
                }
            }
            out += "\n\n| t (s) | RSS MiB | open descriptors |\n|--:|--:|--:|\n"
            for sample in soakSamples {
                out += String(format: "| %.0f | %.1f | %d |\n", sample.seconds, Double(sample.rssKiB) / 1024, sample.descriptors)
            }
            if let verdict = soakVerdict { out += "\nVerdict: \(verdict.text)\n" }
        }
        if let crypto {
            out += "\n### sign / verify (bench/crypto/run)\n\n" + crypto
            if !crypto.hasSuffix("\n") { out += "\n" }
        }
        out += invalidCount == 0 ? "\nAll runs valid.\n" : "\n**\(invalidCount) run(s) INVALID.**\n"
        return out
    }

    /// CPU and context switches per request of every valid run, measured on the same processes as CPU % core.
    func cpuPerRequestMarkdown() -> String {
        let measured = runs.filter { $0.invalidReason == nil && $0.cpuMsPerRequest != nil }
        guard !measured.isEmpty else { return "" }
        var out = "\n### CPU and context switches per request\n\n"
        out += "| scenario | conns | req/s | CPU % core | CPU ms per request | context switches per request |\n"
        out += "|---|--:|--:|--:|--:|--:|\n"
        for run in measured {
            guard let wrk = run.wrk, let cpu = run.cpuMsPerRequest else { continue }
            out += String(
                format: "| %@ | %d | %.0f | %.0f | %.3f | %@ |\n", run.scenario, run.connections, wrk.requestsPerSecond,
                run.cpuPercent ?? 0, cpu, run.contextSwitchesPerRequest.map { String(format: "%.2f", $0) } ?? "–")
        }
        out += "\nThe Lienthong node(s) serving the scenario (cluster-haproxy: the three nodes summed), or for ref-proxy "
        out += "rows nginx's master and workers: utime + stime and the voluntary + nonvoluntary switches of all their "
        out += "threads between before and after the wrk run, ÷ the requests wrk counted.\n"
        return out
    }

    private func ms(_ value: Double) -> String {
        value < 10 ? String(format: "%.2f", value) : String(format: "%.1f", value)
    }

    private func errors(_ wrk: WrkSummary) -> String {
        var parts: [String] = []
        if wrk.non2xx > 0 { parts.append("\(wrk.non2xx) non-2xx") }
        if wrk.connectErrors > 0 { parts.append("\(wrk.connectErrors) connect") }
        if wrk.readErrors > 0 { parts.append("\(wrk.readErrors) read") }
        if wrk.writeErrors > 0 { parts.append("\(wrk.writeErrors) write") }
        if wrk.timeouts > 0 { parts.append("\(wrk.timeouts) timeout") }
        return parts.isEmpty ? "0" : parts.joined(separator: ", ")
    }
}

func round3(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
