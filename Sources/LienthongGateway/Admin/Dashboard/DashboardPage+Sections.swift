import Foundation
import LienthongAudit
import LienthongCore

// The page's sections, each a `<section>` with a table (the figures, whole) and, where it helps, a chart.
extension DashboardPage {
    static let colors = (allowed: "#2e7d32", denied: "#c62828", failed: "#ef8f00", p50: "#64b5f6", p90: "#1e88e5",
        p99: "#0d47a1")

    var exchangesSection: String {
        var out = #"<section id="exchanges"><h2>\#(text(.exchangesTitle)) \#(month)</h2>"#
        guard let report else { return out + "<p class=\"bad\">\(text(.noData))</p></section>" }
        out += #"<p>\#(text(.total)): <b id="exchanges-total">\#(report.totals.total)</b></p>"#
        for (id, title, column, groups) in [
            ("consumer", text(.byConsumer), text(.consumer), report.byConsumer),
            ("provider", text(.byProvider), text(.provider), report.byProvider),
        ] {
            out += "<h3>\(title)</h3>"
            guard !groups.isEmpty else {
                out += "<p class=\"note\">\(text(.noData))</p>"
                continue
            }
            let keys = groups.keys.sorted()
            let chart = SVGBarChart(
                title: DashboardCatalogue.text(id == "consumer" ? .byConsumer : .byProvider, language),
                series: [
                    .init(name: DashboardCatalogue.text(.allowed, language), color: Self.colors.allowed),
                    .init(name: DashboardCatalogue.text(.denied, language), color: Self.colors.denied),
                    .init(name: DashboardCatalogue.text(.failed, language), color: Self.colors.failed),
                ],
                rows: keys.map { key in
                    let counts = groups[key] ?? AuditReport.Counts()
                    return (key, [Double(counts.allowed), Double(counts.denied), Double(counts.failed)])
                },
                stacked: true)
            out += chart.svg
            out += #"<table id="exchanges-\#(id)"><tr><th>\#(column)</th><th>\#(text(.total))</th>"#
            out += "<th>\(text(.allowed))</th><th>\(text(.denied))</th><th>\(text(.failed))</th></tr>"
            for key in keys {
                let counts = groups[key] ?? AuditReport.Counts()
                out += #"<tr data-key="\#(HTML.escape(key))"><td>\#(HTML.escape(key))</td>"#
                for (name, value) in [
                    ("total", counts.total), ("allowed", counts.allowed), ("denied", counts.denied),
                    ("failed", counts.failed),
                ] {
                    out += #"<td class="n" data-count="\#(name)">\#(value)</td>"#
                }
                out += "</tr>"
            }
            out += "</table>"
        }
        return out + "</section>"
    }

    var denialsSection: String {
        var out = #"<section id="denials"><h2>\#(text(.denialsTitle)) \#(month)</h2>"#
        let denials = report?.denialsByReason ?? [:]
        guard !denials.isEmpty else { return out + "<p class=\"note\">\(text(.noData))</p></section>" }
        let reasons = denials.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        out += SVGBarChart(
            title: DashboardCatalogue.text(.denialsTitle, language),
            series: [.init(name: DashboardCatalogue.text(.denied, language), color: Self.colors.denied)],
            rows: reasons.map { ($0.key, [Double($0.value)]) }, stacked: true
        ).svg
        out += #"<table id="denials-table"><tr><th>\#(text(.reason))</th><th>\#(text(.count))</th></tr>"#
        for (reason, count) in reasons {
            out += #"<tr data-key="\#(HTML.escape(reason))"><td><code>\#(HTML.escape(reason))</code></td>"#
            out += #"<td class="n">\#(count)</td></tr>"#
        }
        return out + "</table></section>"
    }

    var latencySection: String {
        var out = #"<section id="latency"><h2>\#(text(.latencyTitle))</h2>"#
        out += "<p class=\"note\">\(text(.latencyNote))</p>"
        let groups = [
            ("routes", text(.byRoute), latency.routes), ("registries", text(.byRegistry), latency.registries),
            ("upstreams", text(.byUpstream), latency.upstreams),
        ]
        for (id, title, rows) in groups {
            out += "<h3>\(title)</h3>"
            guard !rows.isEmpty else {
                out += "<p class=\"note\">\(text(.noData))</p>"
                continue
            }
            out += SVGBarChart(
                title: title,
                series: [
                    .init(name: "P50", color: Self.colors.p50), .init(name: "P90", color: Self.colors.p90),
                    .init(name: "P99", color: Self.colors.p99),
                ],
                rows: rows.map { ($0.name, [$0.p50 * 1000, $0.p90 * 1000, $0.p99 * 1000]) }, stacked: false,
                format: { Self.milliseconds($0 / 1000) }
            ).svg
            out += #"<table id="latency-\#(id)"><tr><th>\#(text(.name))</th><th>\#(text(.requests))</th>"#
            out += "<th>\(text(.p50))</th><th>\(text(.p90))</th><th>\(text(.p99))</th></tr>"
            for row in rows {
                out += #"<tr data-key="\#(HTML.escape(row.name))"><td>\#(HTML.escape(row.name))</td>"#
                out += #"<td class="n">\#(row.count)</td><td class="n">\#(Self.milliseconds(row.p50))</td>"#
                out += #"<td class="n">\#(Self.milliseconds(row.p90))</td>"#
                out += #"<td class="n">\#(Self.milliseconds(row.p99))</td></tr>"#
            }
            out += "</table>"
        }
        return out + "</section>"
    }

    var upstreamSection: String {
        var out = #"<section id="upstream"><h2>\#(text(.upstreamTitle))</h2>"#
        out += #"<table id="upstream-table"><tr><th>\#(text(.registry))</th><th>\#(text(.health))</th>"#
        out += "<th>\(text(.breaker))</th><th>\(text(.upstreamCalls))</th><th>\(text(.upstreamErrors))</th>"
        out += "<th>\(text(.detail))</th></tr>"
        for connector in connectors {
            let calls = upstreamCalls[connector.registry] ?? (0, 0)
            out += #"<tr data-key="\#(HTML.escape(connector.registry))"><td>\#(HTML.escape(connector.registry))</td>"#
            out += "<td>\(value(connector.health, good: connector.health == "up"))</td>"
            out += "<td>\(value(connector.breaker, good: connector.breaker != "open"))</td>"
            out += #"<td class="n">\#(calls.calls)</td><td class="n">\#(calls.errors)</td>"#
            out += "<td>\(HTML.escape(connector.detail ?? ""))</td></tr>"
        }
        return out + "</table></section>"
    }

    var auditSection: String {
        var out = #"<section id="audit"><h2>\#(text(.auditTitle))</h2><table id="audit-table">"#
        func row(_ id: String, _ label: DashboardCatalogue.Key, _ value: String, _ good: Bool? = nil) {
            let mark = good.map { #" class="\#($0 ? "ok" : "bad")""# } ?? ""
            out += #"<tr><th>\#(text(label))</th><td id="audit-\#(id)"\#(mark)>\#(value)</td></tr>"#
        }
        row("enabled", .auditEnabled, text(audit.enabled ? .yes : .no), audit.enabled)
        if let found = audit.unverifiedBreak {
            row("chain", .auditChain, "\(text(.auditBreak)): #\(found.seq) \(HTML.escape(found.failure))", false)
        } else {
            row("chain", .auditChain, text(.auditIntact), true)
        }
        row("head", .auditHead, "\(audit.headSeq)")
        if let checkpoint = audit.lastCheckpoint, let since = audit.recordsSinceCheckpoint {
            row("checkpoint", .auditLastCheckpoint, "#\(checkpoint.seq) · \(HTML.escape(checkpoint.time))")
            row("since", .auditRecordsSince, "\(since)")
        } else {
            row("checkpoint", .auditLastCheckpoint, text(.auditNoCheckpoint))
        }
        row("queue", .auditQueue, "\(audit.queueDepth)")
        row("failed", .auditFailedBatches, "\(audit.failedBatches)", audit.failedBatches == 0)
        return out + "</table></section>"
    }

    var errorsSection: String {
        var out = #"<section id="errors"><h2>\#(text(.errorsTitle))</h2><p class="note">\#(text(.errorsNote))</p>"#
        guard !recentProblems.isEmpty else { return out + "<p class=\"note\">\(text(.noData))</p></section>" }
        out += #"<table id="errors-table"><tr><th>\#(text(.time))</th><th>\#(text(.listener))</th>"#
        out += "<th>\(text(.route))</th><th>\(text(.status))</th><th>\(text(.code))</th></tr>"
        for entry in recentProblems {
            // Date and time on two lines when the column is narrow.
            let time = Timestamp.rfc3339(entry.time).replacingOccurrences(of: "T", with: " ")
            out += "<tr><td>\(HTML.escape(time))</td>"
            out += "<td>\(HTML.escape(entry.listener))</td>"
            out += "<td><code>\(HTML.escape(entry.route))</code></td><td class=\"n\">\(entry.status)</td>"
            out += "<td><code>\(HTML.escape(entry.code))</code></td></tr>"
        }
        return out + "</table></section>"
    }

    var connectorsSection: String {
        var out = #"<section id="connectors"><h2>\#(text(.connectorsTitle))</h2>"#
        if !canTest { out += #"<p class="note" id="viewer-note">\#(text(.viewerCannotTest))</p>"# }
        out += #"<table id="connectors-table"><tr><th>\#(text(.registry))</th><th>\#(text(.kind))</th>"#
        out += "<th>\(text(.provider))</th><th>\(text(.health))</th><th>\(text(.breaker))</th>"
        if canTest { out += "<th>\(text(.test))</th>" }
        out += "</tr>"
        for connector in connectors {
            let name = HTML.escape(connector.registry)
            out += #"<tr data-key="\#(name)"><td>\#(name)</td><td>\#(HTML.escape(connector.kind ?? "-"))</td>"#
            out += "<td>\(HTML.escape(connector.provider))</td><td>\(value(connector.health))</td>"
            out += "<td>\(value(connector.breaker))</td>"
            if canTest {
                out += #"<td><button type="button" class="connector-test" data-registry="\#(name)">"#
                out += #"\#(text(.test))</button><output aria-live="polite"></output></td>"#
            }
            out += "</tr>"
        }
        return out + "</table></section>"
    }

    static func milliseconds(_ seconds: Double) -> String {
        String(format: "%.2f ms", seconds * 1000)
    }
}
