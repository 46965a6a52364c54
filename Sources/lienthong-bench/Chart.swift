import Foundation
import LienthongJSON

/// A hand-written SVG: two panels (throughput, p99 latency), grouped bars per gateway scenario and connection
/// count, the gateway beside its reference.
enum Chart {
    private struct Group {
        var label: String
        var gateway: Run
        var reference: Run?
    }

    private static let width = 1000.0
    private static let panelHeight = 300.0
    private static let left = 80.0
    private static let right = 20.0
    private static let gatewayColour = "#1f6fb2"
    private static let referenceColour = "#b0b0b0"

    static func svg(_ report: Report) -> String {
        let groups = report.runs.filter { $0.side == "gateway" }.map { run in
            Group(label: "\(run.scenario) c\(run.connections)", gateway: run, reference: report.reference(for: run))
        }
        let title = "Lienthong benchmark: \(report.meta["host"]?.stringValue ?? "?"), \(report.meta["date"]?.stringValue ?? "?")"
        let top1 = 60.0
        let top2 = top1 + panelHeight + 90
        let height = top2 + panelHeight + 110
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="11">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(left)" y="24" font-size="16" font-weight="bold">\(escape(title))</text>
            <rect x="\(left)" y="34" width="12" height="12" fill="\(gatewayColour)"/>
            <text x="\(left + 16)" y="44">Lienthong (gateway)</text>
            <rect x="\(left + 150)" y="34" width="12" height="12" fill="\(referenceColour)"/>
            <text x="\(left + 166)" y="44">reference (nginx proxy; ref-proxy for plain, ref-proxy-tls for TLS)</text>

            """
        if groups.isEmpty {
            svg += "<text x=\"\(left)\" y=\"\(top1 + 40)\">no gateway runs</text>\n</svg>\n"
            return svg
        }
        svg += panel(
            groups, top: top1, title: "Throughput (requests/s, higher is better)",
            value: { $0.invalidReason == nil ? $0.wrk?.requestsPerSecond : nil }, format: { String(format: "%.0f", $0) }
        )
        svg += panel(
            groups, top: top2, title: "p99 latency (ms, lower is better)",
            value: { $0.invalidReason == nil ? $0.wrk?.p99 : nil }, format: { String(format: $0 < 10 ? "%.2f" : "%.1f", $0) }
        )
        svg += "<text x=\"\(left)\" y=\"\(Int(height) - 12)\" fill=\"#555\">Missing bars: run INVALID or not measured. "
        svg += "Figures from a busy machine are not comparable across runs; ratios within one run are.</text>\n"
        svg += "</svg>\n"
        return svg
    }

    private static func panel(
        _ groups: [Group], top: Double, title: String, value: (Run) -> Double?, format: (Double) -> String
    ) -> String {
        let plotWidth = width - left - right
        let values = groups.flatMap { [value($0.gateway), $0.reference.flatMap(value)] }.compactMap { $0 }
        let maximum = niceCeiling(values.max() ?? 1)
        let groupWidth = plotWidth / Double(groups.count)
        let barWidth = min(28, groupWidth * 0.35)
        var out = "<g>\n<text x=\"\(left)\" y=\"\(top - 8)\" font-size=\"13\" font-weight=\"bold\">\(escape(title))</text>\n"
        // Axis and grid.
        for step in 0...4 {
            let fraction = Double(step) / 4
            let y = top + panelHeight * (1 - fraction)
            out += "<line x1=\"\(left)\" y1=\"\(f(y))\" x2=\"\(f(width - right))\" y2=\"\(f(y))\" stroke=\"#e5e5e5\"/>\n"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(format(maximum * fraction))</text>\n"
        }
        out += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(f(top + panelHeight))\" stroke=\"#333\"/>\n"
        out += "<line x1=\"\(left)\" y1=\"\(f(top + panelHeight))\" x2=\"\(f(width - right))\" y2=\"\(f(top + panelHeight))\" stroke=\"#333\"/>\n"
        for (index, group) in groups.enumerated() {
            let centre = left + groupWidth * (Double(index) + 0.5)
            let bars: [(Run?, String, Double)] = [
                (group.gateway, gatewayColour, centre - barWidth - 1), (group.reference, referenceColour, centre + 1),
            ]
            for (run, colour, x) in bars {
                guard let run, let measured = value(run) else { continue }
                let barHeight = panelHeight * measured / maximum
                let y = top + panelHeight - barHeight
                out += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(barWidth))\" height=\"\(f(barHeight))\" fill=\"\(colour)\">"
                out += "<title>\(escape(run.scenario)) c\(run.connections): \(format(measured))</title></rect>\n"
                out += "<text x=\"\(f(x + barWidth / 2))\" y=\"\(f(y - 3))\" text-anchor=\"middle\" font-size=\"9\">\(format(measured))</text>\n"
            }
            let labelY = top + panelHeight + 12
            out += "<text x=\"\(f(centre))\" y=\"\(f(labelY))\" text-anchor=\"end\" "
            out += "transform=\"rotate(-30 \(f(centre)) \(f(labelY)))\">\(escape(group.label))</text>\n"
        }
        return out + "</g>\n"
    }

    /// 1, 2 or 5 times a power of ten, at least `value`.
    private static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        let magnitude = pow(10, floor(log10(value)))
        for factor in [1.0, 2, 2.5, 5, 10] where factor * magnitude >= value { return factor * magnitude }
        return 10 * magnitude
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
